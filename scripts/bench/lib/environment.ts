import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { BusyProcess, otherLoad, runTool } from "./processes";

/** The machine the numbers come from. */
export interface Machine {
    /** CPUs this process may use (`nproc`). */
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    kernel: string;
}

/** What else the machine was doing. */
export interface LoadSnapshot {
    /** The 1-minute load average. */
    loadAverage: number;
    /** The busiest commands outside the benchmark over a short sample. */
    busiest: BusyProcess[];
}

/** Describes the machine. */
export function machine(): Machine {
    return {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
        memoryGiB: os.totalmem() / 2 ** 30,
        kernel: `${os.type()} ${os.release()}`,
    };
}

/** Samples the load average and the busiest other commands over two seconds. */
export async function loadSnapshot(): Promise<LoadSnapshot> {
    const busiest = await otherLoad(2000);
    return { loadAverage: os.loadavg()[0], busiest };
}

/** The first line a command prints about its version, from stdout or stderr. */
async function versionLine(cmd: string, args: string[]): Promise<string> {
    try {
        const r = await runTool(cmd, args, { timeoutMs: 10000 });
        return (r.stdout + r.stderr).trim().split("\n")[0] ?? "";
    } catch {
        return "not installed";
    }
}

/** The versions of every server and client the benchmarks use. */
export async function toolVersions(pgBinDir?: string): Promise<Record<string, string>> {
    const postgres = pgBinDir ? path.join(pgBinDir, "postgres") : "postgres";
    return {
        nginx: await versionLine("nginx", ["-v"]),
        openssl: await versionLine("openssl", ["version"]),
        postgres: fs.existsSync(postgres) ? await versionLine(postgres, ["--version"]) : "none",
        pgbench: await versionLine("pgbench", ["--version"]),
        wrk: (await versionLine("wrk", ["-v"])).replace(/ \[.*$/, ""),
        node: `${process.version} (OpenSSL ${process.versions.openssl})`,
    };
}
