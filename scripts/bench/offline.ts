// The offline preview and check: wall time and peak memory for the dev stack and for generated
// programs of growing size, one process per run, as a developer or CI runs them.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

import { renderTemplate } from "../../infra/render/templates";
import { ROOT } from "./lib/devStack";
import { Workspace, runTool } from "./lib/processes";
import { Check, Log, Scaling, ScalingPoint, SuiteResult } from "./lib/results";
import { linearFit, marginalCosts, roundOrder, summarize } from "./lib/stats";

/** How much to measure. */
export interface OfflineBenchOptions {
    /** Container counts of the generated programs. */
    sizes: number[];
    /** Runs per program and tool. */
    rounds: number;
    /** Whether each tool gets an untimed run first. */
    warmUp: boolean;
    /** Whether to time what was tried against a missed target, too. */
    tried: boolean;
}

/** Containers per generated group network. */
const GROUP_SIZE = 10;

/** Renders a program of `count` HardenedContainers on SegmentedNetworks. */
export function generateProgram(count: number): string {
    return renderTemplate("bench/program.ts", {
        count,
        groupSize: GROUP_SIZE,
        groups: Math.ceil(count / GROUP_SIZE),
        digest: "0".repeat(64),
        modules: {
            docker: require.resolve("@pulumi/docker"),
            hardenedContainer: path.join(ROOT, "infra", "components", "hardenedContainer"),
            segmentedNetworks: path.join(ROOT, "infra", "components", "segmentedNetworks"),
        },
    });
}

/** One timed process: wall time from spawn to exit, and its own peak memory. */
interface Run {
    wallMs: number;
    maxRssKb: number;
    /** Resources registered, where the tool prints the count. */
    resources?: number;
}

const USAGE_PRELOAD = path.join(__dirname, "usage.ts");

async function timedRun(ws: Workspace, tool: Tool, call: Invocation): Promise<Run> {
    const usageFile = ws.file(`usage-${randomBytes(6).toString("hex")}.json`);
    const { script, args } = call;
    const start = performance.now();
    const r = await runTool(
        process.execPath,
        [...tool.nodeFlags, "--import", "tsx", "--import", USAGE_PRELOAD, script, ...args],
        { cwd: ROOT, env: { ...process.env, HS_BENCH_USAGE: usageFile }, timeoutMs: 120000 },
    );
    const wallMs = performance.now() - start;
    // Every program here passes every policy, so any other exit is a failure, not a result.
    if (r.status !== 0) {
        throw new Error(
            `${path.basename(script)} ${args.join(" ")} exited ${r.status}: ${r.stderr.trim()}`,
        );
    }
    const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { maxRssKb: number };
    const count = /^Resources: (\d+) to create/m.exec(r.stdout);
    return { wallMs, maxRssKb: usage.maxRssKb, resources: count ? Number(count[1]) : undefined };
}

/** Wall time of `npm run -s <script>` on the dev stack, exactly as a user types it. */
async function timedNpmRun(script: string): Promise<number> {
    const start = performance.now();
    const r = await runTool("npm", ["run", "-s", script], { cwd: ROOT, timeoutMs: 120000 });
    if (r.status !== 0) {
        throw new Error(`npm run ${script} exited ${r.status}: ${r.stderr.trim()}`);
    }
    return performance.now() - start;
}

/** A script and its arguments. */
interface Invocation {
    script: string;
    args: string[];
}

/** A tool the suite times: the preview always, the policy check where it exists. */
interface Tool {
    name: string;
    /** What it is, for the report. */
    label: string;
    /** Flags for node before the script. */
    nodeFlags: string[];
    /** The dev stack. */
    stack: Invocation;
    /** A generated program. */
    program: (file: string) => Invocation;
    /** The npm script a user types for the dev stack, timed as typed. */
    npmScript?: string;
}

/**
 * The Pulumi SDK records a stack trace for every promise it makes (runtime/debuggable.js), and
 * tsx turns on source-mapped traces, so most of a large preview goes into traces nobody reads.
 * The CLIs print messages, never traces; this flag shows what switching them off would save.
 */
const NO_TRACES = "--stack-trace-limit=0";

/**
 * The tools to time: the preview, the policy check where it exists, and the check (else the
 * preview) without stack traces, which is what was tried against the 1,000-container target.
 */
function tools(tried: boolean): Tool[] {
    const scripts = path.join(ROOT, "scripts");
    const preview: Tool = {
        name: "preview",
        label: "npm run preview (offline preview)",
        npmScript: "preview",
        nodeFlags: [],
        stack: { script: path.join(scripts, "preview.ts"), args: ["--stack", "dev"] },
        program: (file) => ({
            script: path.join(scripts, "bench", "previewProgram.ts"),
            args: [file],
        }),
    };
    const found = [preview];
    const checkScript = path.join(scripts, "check.ts");
    if (fs.existsSync(checkScript)) {
        found.push({
            name: "check",
            label: "npm run check (the preview and every policy)",
            npmScript: "check",
            nodeFlags: [],
            stack: { script: checkScript, args: ["--stack", "dev"] },
            program: (file) => ({ script: checkScript, args: ["--program", file] }),
        });
    }
    const last = found[found.length - 1];
    if (!tried) {
        return found;
    }
    found.push({
        ...last,
        npmScript: undefined,
        name: `${last.name}-no-traces`,
        label: `${last.label}, with node ${NO_TRACES} (tried)`,
        nodeFlags: [NO_TRACES],
    });
    return found;
}

/** The command line of a tool's run, as the report shows it. */
function commandLine(tool: Tool, call: Invocation): string {
    const script = path.relative(ROOT, call.script);
    return ["node", ...tool.nodeFlags, "--import tsx", script, ...call.args].join(" ");
}

/** Times one tool on the dev stack and each generated program, sizes alternating. */
async function measureTool(
    ws: Workspace,
    tool: Tool,
    programs: Map<number, string>,
    options: OfflineBenchOptions,
    log: Log,
): Promise<Scaling> {
    if (options.warmUp) {
        // One untimed run loads the files into the page cache, as on a developer's machine.
        await timedRun(ws, tool, tool.stack);
    }
    const subjects: (number | "dev")[] = ["dev", ...programs.keys()];
    const runs = new Map<number | "dev", Run[]>(subjects.map((s) => [s, []]));
    const typed: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
        if (tool.npmScript) {
            typed.push(await timedNpmRun(tool.npmScript));
        }
        for (const subject of roundOrder(subjects, round)) {
            const call = subject === "dev" ? tool.stack : tool.program(programs.get(subject)!);
            const run = await timedRun(ws, tool, call);
            runs.get(subject)!.push(run);
            const mb = (run.maxRssKb / 1024).toFixed(0);
            log(
                `  round ${round + 1} ${tool.name} ${subject}: ${run.wallMs.toFixed(0)} ms, ${mb} MB`,
            );
        }
    }
    const points: ScalingPoint[] = subjects.map((s) => ({
        label: s === "dev" ? "dev stack" : `${s} containers`,
        containers: s === "dev" ? undefined : s,
        resources: runs.get(s)![0].resources,
        wallMs: summarize(runs.get(s)!.map((r) => r.wallMs)),
        maxRssMb: summarize(runs.get(s)!.map((r) => r.maxRssKb / 1024)),
    }));
    const sized = points
        .filter((p) => p.containers !== undefined)
        .map((p) => ({ x: p.containers!, y: p.wallMs.median }));
    return {
        tool: tool.name,
        label: tool.label,
        commands: [
            ...(tool.npmScript ? [`npm run -s ${tool.npmScript}`] : []),
            commandLine(tool, tool.stack),
            commandLine(tool, tool.program("$PROGRAM")),
        ],
        typedDevMs: typed.length > 0 ? summarize(typed) : undefined,
        points,
        fit: linearFit(sized),
        steps: marginalCosts(sized),
    };
}

/**
 * The targets of one tool: the dev stack under 3 s, 1,000 containers under 10 s, and linear
 * growth, meaning the cost per container between the largest sizes stays within 1.5 times
 * the cost between the smallest (a quadratic cost would grow tenfold from 100 to 1,000).
 */
export function scalingChecks(s: Scaling): Check[] {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    // The dev stack's target is judged as typed (npm adds its own start-up) where measured.
    const dev = (s.typedDevMs ?? s.points.find((p) => p.containers === undefined)!.wallMs).median;
    const checks: Check[] = [
        {
            id: `${s.tool}-dev`,
            title: `${s.tool}: the dev stack${s.typedDevMs ? ` (npm run ${s.tool})` : ""}`,
            value: seconds(dev),
            target: { text: "< 3 s", met: dev < 3000 },
        },
    ];
    const thousand = s.points.find((p) => p.containers === 1000);
    if (thousand) {
        checks.push({
            id: `${s.tool}-1000`,
            title: `${s.tool}: 1,000 containers`,
            value: seconds(thousand.wallMs.median),
            target: { text: "< 10 s", met: thousand.wallMs.median < 10000 },
        });
    }
    if (s.steps.length >= 2) {
        const [first, last] = [s.steps[0], s.steps[s.steps.length - 1]];
        const growth = last.perUnit / first.perUnit;
        checks.push({
            id: `${s.tool}-linear`,
            title: `${s.tool}: time grows linearly with containers`,
            value:
                `${first.perUnit.toFixed(1)} ms/container from ${first.from} to ${first.to}, ` +
                `${last.perUnit.toFixed(1)} from ${last.from} to ${last.to}; ` +
                `fit ${s.fit.slope.toFixed(1)} ms/container + ${seconds(s.fit.intercept)}, ` +
                `R² ${s.fit.r2.toFixed(4)}`,
            target: {
                text: "cost per container at most 1.5 x from small to large",
                met: growth <= 1.5,
            },
        });
    }
    return checks;
}

/** The offline suite: every tool on the dev stack and the generated programs. */
export async function benchOffline(options: OfflineBenchOptions, log: Log): Promise<SuiteResult> {
    const ws = new Workspace("offline");
    try {
        const programs = new Map<number, string>();
        for (const size of options.sizes) {
            const file = ws.file(`program-${size}.ts`);
            fs.writeFileSync(file, generateProgram(size));
            programs.set(size, file);
        }
        const scaling: Scaling[] = [];
        for (const tool of tools(options.tried)) {
            log(`offline: ${tool.label}`);
            scaling.push(await measureTool(ws, tool, programs, options, log));
        }
        // Only the preview prints the resource count; the programs are the same for every tool.
        const counts = new Map(scaling[0].points.map((p) => [p.label, p.resources]));
        for (const point of scaling.flatMap((s) => s.points)) {
            point.resources ??= counts.get(point.label);
        }
        return {
            name: "offline",
            comparisons: [],
            checks: scaling.flatMap(scalingChecks),
            scaling,
            notes: [],
        };
    } finally {
        await ws.close();
    }
}
