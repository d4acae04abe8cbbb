// npm run bench -- [--quick] [--only nginx,postgres,offline]
// Measures what the hardening costs: the hardened nginx config against Debian's stock one,
// PostgreSQL over TLS against its local socket, and the offline preview and check as programs
// grow. The full run writes docs/BENCHMARKS.md (between its result markers) and
// docs/benchmarks.json; --quick runs short rounds and prints the results without writing.
// Progress goes to stderr. Every server runs on 127.0.0.1 and is stopped on exit and Ctrl-C.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

import { ROOT, devStackConfig } from "./lib/devStack";
import { loadSnapshot, machine, toolVersions } from "./lib/environment";
import { Workspace } from "./lib/processes";
import { BenchRun, renderResults, replaceResults } from "./lib/report";
import { Log, SuiteResult } from "./lib/results";
import { NginxBenchOptions, benchNginx } from "./nginx";
import { OfflineBenchOptions, benchOffline } from "./offline";
import { PostgresBenchOptions, benchPostgres, postgresBinDir } from "./postgres";

const USAGE = "usage: npm run bench -- [--quick] [--only nginx,postgres,offline]";
const SUITES = ["nginx", "postgres", "offline"] as const;
type SuiteName = (typeof SUITES)[number];

/** How long each suite measures, for the full run and the quick one. */
interface Plan {
    nginx: NginxBenchOptions;
    postgres: PostgresBenchOptions;
    offline: OfflineBenchOptions;
}

/**
 * About 8 minutes on 2 busy cores; the issue allows 10. The offline suite gets two runs per
 * program because a 1,000-container preview alone takes over half a minute.
 */
const FULL: Plan = {
    nginx: { seconds: 3, rounds: 4, connections: 16, reconnects: 50, warmUp: true },
    postgres: { seconds: 3, rounds: 3, clients: 4, warmUp: true },
    offline: { sizes: [10, 100, 1000], rounds: 2, warmUp: false, tried: true },
};

/** Under a minute: one short round of everything, to see that it all still runs. */
const QUICK: Plan = {
    nginx: { seconds: 1, rounds: 1, connections: 16, reconnects: 10, warmUp: false },
    postgres: { seconds: 1, rounds: 1, clients: 4, warmUp: false },
    offline: { sizes: [10, 50], rounds: 1, warmUp: false, tried: false },
};

const log: Log = (line) => console.error(line);

/** The suites to run from --only, or a usage error. */
export function selectSuites(only: string | undefined): SuiteName[] {
    if (only === undefined) {
        return [...SUITES];
    }
    const names = only.split(",").map((s) => s.trim());
    const unknown = names.filter((n) => !(SUITES as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
        throw new Error(
            `--only: unknown suite ${unknown.join(", ")}; choose from ${SUITES.join(", ")}`,
        );
    }
    return names as SuiteName[];
}

async function runSuite(name: SuiteName, plan: Plan): Promise<SuiteResult> {
    switch (name) {
        case "nginx":
            return benchNginx(devStackConfig(), plan.nginx, log);
        case "postgres":
            return benchPostgres(devStackConfig(), plan.postgres, log);
        case "offline":
            return benchOffline(plan.offline, log);
    }
}

async function main(): Promise<number> {
    let args;
    try {
        args = parseArgs({
            options: {
                quick: { type: "boolean", default: false },
                only: { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (err) {
        console.error(`bench: ${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    if (args.values.help) {
        console.log(USAGE);
        return 0;
    }
    let suites: SuiteName[];
    try {
        suites = selectSuites(args.values.only);
    } catch (err) {
        console.error(`bench: ${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    const plan = args.values.quick ? QUICK : FULL;
    const started = Date.now();
    const before = await loadSnapshot();
    const run: BenchRun = {
        mode: args.values.quick ? "quick" : "full",
        startedAt: new Date(started).toISOString(),
        durationSeconds: 0,
        machine: machine(),
        versions: await toolVersions(safely(postgresBinDir)),
        load: { before, after: before },
        suites: [],
        failures: [],
    };
    for (const name of suites) {
        try {
            run.suites.push(await runSuite(name, plan));
        } catch (err) {
            log(`bench: ${name} failed: ${(err as Error).message}`);
            run.failures.push({ suite: name, error: (err as Error).message.split("\n")[0] });
        }
    }
    run.load.after = await loadSnapshot();
    run.durationSeconds = (Date.now() - started) / 1000;

    const results = renderResults(run);
    if (run.mode === "quick" || args.values.only) {
        process.stdout.write(results);
    } else {
        const doc = path.join(ROOT, "docs", "BENCHMARKS.md");
        fs.writeFileSync(doc, replaceResults(fs.readFileSync(doc, "utf8"), results));
        fs.writeFileSync(
            path.join(ROOT, "docs", "benchmarks.json"),
            `${JSON.stringify(run, null, 2)}\n`,
        );
        console.log(`bench: results written to docs/BENCHMARKS.md and docs/benchmarks.json`);
    }
    return run.failures.length > 0 ? 1 : 0;
}

function safely<T>(f: () => T): T | undefined {
    try {
        return f();
    } catch {
        return undefined;
    }
}

// Ctrl-C, a kill or a closed terminal: stop every server and remove every temporary folder
// before leaving.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
        log(`bench: ${signal}, stopping the servers`);
        Workspace.closeAll(true)
            .catch((err) => log(`bench: cleanup failed: ${(err as Error).message}`))
            .finally(() => process.exit(130));
    });
}

main().then(
    (code) => Workspace.closeAll().then(() => process.exit(code)),
    (err) => {
        console.error(`bench: unexpected failure: ${(err as Error).message}`);
        Workspace.closeAll().finally(() => process.exit(1));
    },
);
