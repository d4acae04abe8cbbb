import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

import { ProcStat, parseProcStat } from "./parse";

/** Prefix of every temporary folder the benchmarks make, so they are easy to tell apart. */
export const TEMP_PREFIX = "hs-bench-";

/** The uid and gid servers run as when the benchmarks run as root: nobody, as in a container. */
export const SERVICE_UID = 65534;

const RUNNING_AS_ROOT = process.getuid?.() === 0;

/** The output of a finished command. */
export interface ToolRun {
    status: number;
    stdout: string;
    stderr: string;
}

/** Runs a command to completion without blocking the event loop (so Ctrl-C is handled). */
export function runTool(
    cmd: string,
    args: string[],
    options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ToolRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, {
            env: options.env ?? process.env,
            cwd: options.cwd,
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120000);
        child.on("error", (err: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            const missing = err.code === "ENOENT";
            reject(
                new Error(missing ? `${cmd} is not installed (.ci/run installs it)` : err.message),
            );
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ status: code ?? (signal ? 128 : -1), stdout, stderr });
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(options.input ?? "");
    });
}

/** Runs a command and returns its stdout; throws with its stderr when it fails. */
export async function runChecked(
    cmd: string,
    args: string[],
    options: Parameters<typeof runTool>[2] = {},
): Promise<string> {
    const r = await runTool(cmd, args, options);
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.trim()}`);
    }
    return r.stdout;
}

/** The command line that runs a server as the unprivileged service uid when we are root. */
export function asServiceUser(cmd: string, args: string[]): [string, string[]] {
    if (!RUNNING_AS_ROOT) {
        return [cmd, args];
    }
    return [
        "setpriv",
        [`--reuid=${SERVICE_UID}`, `--regid=${SERVICE_UID}`, "--clear-groups", cmd, ...args],
    ];
}

/** Hands a file or folder to the service uid, so a server running as it can use it. */
export function giveToServiceUser(file: string, mode?: number): void {
    if (RUNNING_AS_ROOT) {
        fs.chownSync(file, SERVICE_UID, SERVICE_UID);
    }
    if (mode !== undefined) {
        fs.chmodSync(file, mode);
    }
}

/** Distinct TCP ports on 127.0.0.1 that were free a moment ago, held together while chosen. */
export async function freePorts(count: number): Promise<number[]> {
    const servers = await Promise.all(
        Array.from(
            { length: count },
            () =>
                new Promise<net.Server>((resolve, reject) => {
                    const s = net.createServer();
                    s.once("error", reject);
                    s.listen(0, "127.0.0.1", () => resolve(s));
                }),
        ),
    );
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    return ports;
}

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        socket.once("connect", () => {
            socket.end();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Every process's /proc stat line, parsed, by pid. */
export function processTable(): Map<number, ProcStat> {
    const table = new Map<number, ProcStat>();
    for (const entry of fs.readdirSync("/proc")) {
        if (/^\d+$/.test(entry)) {
            try {
                const stat = parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, "utf8"));
                table.set(stat.pid, stat);
            } catch {
                // The process exited between the listing and the read.
            }
        }
    }
    return table;
}

/** Whether `pid` is `root` or one of its descendants in the table. */
export function inTree(table: Map<number, ProcStat>, root: number, pid: number): boolean {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = table.get(p)?.ppid) {
        if (p === root) {
            return true;
        }
    }
    return false;
}

/**
 * CPU time in milliseconds used so far by a server: its main process and every live descendant
 * (nginx workers, PostgreSQL backends, which leave the process group), plus what the exited
 * ones used, which the kernel adds to the parent that reaped them.
 */
export function treeCpuMs(root: number): number {
    const table = processTable();
    let ticks = 0;
    for (const stat of table.values()) {
        ticks += inTree(table, root, stat.pid) ? stat.ownTicks + stat.reapedTicks : 0;
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU percentages of one core, by command name. */
export interface BusyProcess {
    comm: string;
    cpuPercent: number;
}

/**
 * The commands outside this process's tree that used the most CPU over `ms` milliseconds: what
 * else was running while the benchmarks ran, for the report.
 */
export async function otherLoad(ms: number): Promise<BusyProcess[]> {
    const before = processTable();
    await new Promise((r) => setTimeout(r, ms));
    const after = processTable();
    const byComm = new Map<string, number>();
    for (const stat of after.values()) {
        if (inTree(after, process.pid, stat.pid)) {
            continue;
        }
        const used = stat.ownTicks - (before.get(stat.pid)?.ownTicks ?? 0);
        byComm.set(stat.comm, (byComm.get(stat.comm) ?? 0) + used);
    }
    return [...byComm.entries()]
        .map(([comm, ticks]) => ({ comm, cpuPercent: (ticks * 100000) / (TICKS_PER_SECOND * ms) }))
        .filter((b) => b.cpuPercent >= 1)
        .sort((a, b) => b.cpuPercent - a.cpuPercent)
        .slice(0, 8);
}

/** A server the benchmarks started, in its own process group. */
export class Server {
    private output = "";

    constructor(
        /** A name for messages. */
        public readonly name: string,
        private readonly child: ChildProcess,
        /** The signal that stops it gracefully: SIGTERM for nginx, SIGINT for PostgreSQL. */
        private readonly stopSignal: NodeJS.Signals = "SIGTERM",
    ) {
        // Keep the tail of what the server says, for the error message if it fails to start.
        const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000));
        child.stdout?.on("data", keep);
        child.stderr?.on("data", keep);
    }

    /** The process id, which is also its process group id. */
    get pid(): number {
        return this.child.pid!;
    }

    /** Whether the process is still running. */
    get running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    /** Waits until the server accepts connections on 127.0.0.1:port. */
    async waitForPort(port: number, timeoutMs = 15000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (!this.running) {
                throw new Error(`${this.name} exited at start: ${this.output.trim()}`);
            }
            if (await accepts(port)) {
                return;
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`${this.name} does not listen on 127.0.0.1:${port}: ${this.output.trim()}`);
    }

    /**
     * Stops the server: its stop signal to its process group, then SIGKILL to the group after a grace period, so no worker outlives it.
     */
    async stop(graceMs = 5000): Promise<void> {
        const pid = this.child.pid;
        if (pid === undefined || !this.running) {
            return;
        }
        const exited = new Promise((r) => this.child.once("exit", r));
        const signalGroup = (sig: NodeJS.Signals) => {
            try {
                process.kill(-pid, sig);
            } catch {
                // The group is already gone.
            }
        };
        signalGroup(this.stopSignal);
        const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
        // Workers that missed their master's exit go with the group.
        signalGroup("SIGKILL");
    }
}

/**
 * A temporary folder with the servers started in it. `close()` stops every server and removes
 * the folder; the entry point calls it on success, on failure and on Ctrl-C.
 */
export class Workspace {
    private static readonly open = new Set<Workspace>();
    private static interrupted = false;
    /** The folder, readable by the service uid. */
    public readonly dir: string;
    private readonly servers: Server[] = [];
    private closing?: Promise<void>;

    constructor(label: string) {
        if (Workspace.interrupted) {
            throw new Error("interrupted");
        }
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${label}-`));
        fs.chmodSync(this.dir, 0o755);
        Workspace.open.add(this);
    }

    /** A path inside the folder; creates the parent folders. */
    file(...parts: string[]): string {
        const p = path.join(this.dir, ...parts);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        return p;
    }

    /** A folder inside the workspace, created if missing. */
    folder(...parts: string[]): string {
        const p = path.join(this.dir, ...parts);
        fs.mkdirSync(p, { recursive: true });
        return p;
    }

    /** Starts a server in its own process group, as the service uid when we are root. */
    start(
        name: string,
        cmd: string,
        args: string[],
        env?: NodeJS.ProcessEnv,
        stopSignal?: NodeJS.Signals,
    ): Server {
        const [command, argv] = asServiceUser(cmd, args);
        const child = spawn(command, argv, {
            cwd: this.dir,
            env: env ?? process.env,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const server = new Server(name, child, stopSignal);
        this.servers.push(server);
        return server;
    }

    /**
     * Stops every server, then removes the folder. Calls after the first share its work, so a
     * suite's cleanup and an interrupt's cannot race each other.
     */
    close(): Promise<void> {
        this.closing ??= (async () => {
            await Promise.all(this.servers.map((s) => s.stop()));
            fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
            Workspace.open.delete(this);
        })();
        return this.closing;
    }

    /**
     * Closes every workspace still open: the cleanup for failures and interrupts. With
     * `interrupted`, no workspace can be opened afterwards, so a suite that was about to start
     * fails at once instead of starting servers while the process exits.
     */
    static async closeAll(interrupted = false): Promise<void> {
        Workspace.interrupted ||= interrupted;
        await Promise.all([...Workspace.open].map((w) => w.close()));
    }
}
