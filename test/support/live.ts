import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { TestContext } from "node:test";

// The live tests write configuration that servers running as other users read (nginx's
// workers, PostgreSQL in its container); the caller's umask must not decide whether they can.
process.umask(0o022);

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

/**
 * Runs a command and returns its exit status and output, never throwing on a non-zero exit.
 * A command that runs out of time (60 s unless told) or dies of a signal gets status -1 and a
 * last stderr line that says so.
 */
export function run(
    cmd: string,
    args: string[],
    input?: string,
    options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): { status: number; stdout: string; stderr: string } {
    const timeout = options.timeoutMs ?? 60000;
    const r = spawnSync(cmd, args, { input, encoding: "utf8", timeout, env: options.env });
    let stderr = r.stderr ?? "";
    if (r.status === null) {
        const why =
            (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT"
                ? `ran out of its ${timeout} ms`
                : `died of ${r.signal ?? r.error?.message ?? "an unknown cause"}`;
        stderr += `\n${cmd} ${why}`;
    }
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr };
}

/** The local base image every Docker test builds on (scripts/images/build-base.sh). */
export const BASE_IMAGE = "hardened-stack/base:bookworm";

/**
 * The base image's id, built first when it is missing or out of date. The build runs
 * debootstrap (about a minute, longer on a slow mirror), so it gets fifteen minutes.
 */
export function baseImageId(): string {
    const script = path.join(__dirname, "..", "..", "scripts", "images", "build-base.sh");
    const built = run("bash", [script, BASE_IMAGE], undefined, { timeoutMs: 15 * 60000 });
    if (built.status !== 0) {
        const tail = built.stderr.trim().split("\n").slice(-15).join("\n");
        throw new Error(`scripts/images/build-base.sh failed (status ${built.status}):\n${tail}`);
    }
    const id = run("docker", ["image", "inspect", "--format", "{{.Id}}", BASE_IMAGE]);
    if (id.status !== 0 || !id.stdout.trim()) {
        throw new Error(`${BASE_IMAGE} is missing after its build: ${id.stderr.trim()}`);
    }
    return id.stdout.trim();
}
