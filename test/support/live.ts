import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { TestContext } from "node:test";

/** Whether the run is CI's, where every server the tests need must be installed. */
export const IN_CI = process.env.CI === "true";

/**
 * Finds an executable. When it is missing, CI fails the test (CI installs it, so a miss is a
 * broken install); elsewhere the test is skipped with a note on how to install it.
 * Returns the path, or undefined when the test was skipped.
 */
export function requireTool(
    t: TestContext,
    name: string,
    candidates: string[] = [],
): string | undefined {
    const found = [...candidates, ...searchPath(name)].find((p) => isExecutable(p));
    if (found) {
        return found;
    }
    const message = `${name} is not installed (.ci/run installs it with apt-get)`;
    if (IN_CI) {
        throw new Error(`${message}; CI must have it`);
    }
    skip(t, message);
    return undefined;
}

/** Whether this process runs as root, which the namespace and engine tests need. */
export function requireRoot(t: TestContext): boolean {
    if (process.getuid?.() === 0) {
        return true;
    }
    if (IN_CI) {
        throw new Error("the live tests need root; CI runs as root");
    }
    skip(t, "needs root");
    return false;
}

/**
 * Skips a test; from a suite's `before` hook, whose context cannot skip, it says why on stderr
 * and leaves each test to skip itself once it sees that the setup did not happen.
 */
export function skip(t: TestContext, message: string): void {
    if (typeof (t as Partial<TestContext>).skip === "function") {
        t.skip(message);
    } else {
        process.stderr.write(`# skipping: ${message}\n`);
    }
}

function searchPath(name: string): string[] {
    const dirs = (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"]);
    return dirs.map((d) => path.join(d, name));
}

function isExecutable(p: string): boolean {
    try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hardened-stack-${prefix}-`));
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const open = await new Promise<boolean>((resolve) => {
            const socket = net.connect({ host: "127.0.0.1", port });
            socket.once("connect", () => {
                socket.destroy();
                resolve(true);
            });
            socket.once("error", () => resolve(false));
        });
        if (open) {
            return;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Makes a self-signed test certificate (ECDSA P-256) for the names given. */
export function testCertificate(dir: string, names: string[]): { cert: string; key: string } {
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    const san = names
        .map((n) => (/^\d+\.\d+\.\d+\.\d+$/.test(n) ? `IP:${n}` : `DNS:${n}`))
        .join(",");
    execFileSync(
        "openssl",
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "2",
            "-subj",
            `/CN=${names[0]}`,
            "-addext",
            `subjectAltName=${san}`,
        ],
        { stdio: "ignore" },
    );
    return { cert, key };
}

/** Runs a command and returns its exit status and output, never throwing on a non-zero exit. */
export function run(
    cmd: string,
    args: string[],
    input?: string,
): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(cmd, args, { input, encoding: "utf8", timeout: 60000 });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
