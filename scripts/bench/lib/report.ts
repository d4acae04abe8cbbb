import { LoadSnapshot, Machine } from "./environment";
import { Check, Comparison, Scaling, SuiteResult } from "./results";
import { Summary } from "./stats";

/** Everything one `npm run bench` measured, as written to docs/benchmarks.json. */
export interface BenchRun {
    mode: "full" | "quick";
    /** ISO time the run started. */
    startedAt: string;
    durationSeconds: number;
    machine: Machine;
    versions: Record<string, string>;
    load: { before: LoadSnapshot; after: LoadSnapshot };
    suites: SuiteResult[];
    /** Suites that failed, with the reason; their figures are missing. */
    failures: { suite: string; error: string }[];
}

/** The markers in docs/BENCHMARKS.md between which the results are written. */
export const RESULTS_START = "<!-- bench:results:start -->";
export const RESULTS_END = "<!-- bench:results:end -->";

/** A number for a table: thousands separated, three significant digits below 100. */
export function formatNumber(n: number): string {
    if (Math.abs(n) >= 100) {
        return Math.round(n).toLocaleString("en-US");
    }
    return Number(n.toPrecision(3)).toString();
}

function range(s: Summary, unit = ""): string {
    return `${formatNumber(s.min)}${unit} – ${formatNumber(s.max)}${unit}`;
}

function rounds(n: number): string {
    return n === 1 ? "1 round" : `${n} rounds`;
}

function percent(fraction: number): string {
    return `${(fraction * 100).toFixed(0)}%`;
}

function mark(met: boolean): string {
    return met ? "met" : "**missed**";
}

function loadLine(label: string, load: LoadSnapshot): string {
    const busiest = load.busiest.length
        ? load.busiest.map((b) => `${b.comm} ${b.cpuPercent.toFixed(0)}%`).join(", ")
        : "nothing above 1% of a core";
    return `- ${label}: load average ${load.loadAverage.toFixed(2)}; busiest other commands: ${busiest}`;
}

function comparisonSection(c: Comparison): string[] {
    const withCpu = c.variants.some((v) => v.serverCpuUs);
    const lines = [
        `### ${c.title}`,
        "",
        `| variant | median ${c.unit} | range (${rounds(c.variants[0].samples.length)}) | spread |` +
            (withCpu ? " server CPU per operation |" : ""),
        "|---|--:|--:|--:|" + (withCpu ? "--:|" : ""),
        ...c.variants.map(
            (v) =>
                `| ${v.id}: ${v.label} | ${formatNumber(v.summary.median)} | ${range(v.summary)} | ` +
                `${percent(v.summary.relativeSpread)} |` +
                (withCpu
                    ? ` ${v.serverCpuUs ? `${formatNumber(v.serverCpuUs.median)} µs` : "–"} |`
                    : ""),
        ),
        "",
        ...c.ratios.map(
            (r) =>
                `- ${r.candidate} / ${r.baseline}: **${r.summary.median.toFixed(3)}** ` +
                `(rounds ${r.summary.min.toFixed(3)} – ${r.summary.max.toFixed(3)})` +
                (r.serverCpu === undefined
                    ? ""
                    : `; server CPU per operation ${r.serverCpu.toFixed(2)} x the baseline's`),
        ),
    ];
    if (c.target) {
        lines.push(`- target: ${c.target.text}: ${mark(c.target.met)}`);
    }
    lines.push(...c.notes.map((n) => `- ${n}`), "", "Commands (one round):", "");
    lines.push(...[...new Set(c.variants.map((v) => `    ${v.command}`))], "");
    return lines;
}

/** Milliseconds as seconds: the median and the range. */
function seconds(ms: Summary): string[] {
    const s = { ...ms, median: ms.median / 1000, min: ms.min / 1000, max: ms.max / 1000 };
    return [`${formatNumber(s.median)} s`, range(s, " s")];
}

function scalingSection(s: Scaling): string[] {
    const typed = s.typedDevMs ? seconds(s.typedDevMs) : undefined;
    return [
        `### Offline: ${s.label}`,
        "",
        "| program | resources | median wall time | range | peak memory (median) |",
        "|---|--:|--:|--:|--:|",
        ...s.points.map((p) => {
            const [median, spread] = seconds(p.wallMs);
            const memory = `${formatNumber(p.maxRssMb.median)} MB`;
            return `| ${p.label} | ${p.resources ?? "–"} | ${median} | ${spread} | ${memory} |`;
        }),
        "",
        ...(typed
            ? [
                  `- the dev stack as typed (\`${s.commands[0]}\`, npm's start-up included): ` +
                      `${typed[0]} median, ${typed[1]}`,
              ]
            : []),
        `- fit over the generated programs: ${s.fit.slope.toFixed(1)} ms per container + ` +
            `${formatNumber(s.fit.intercept / 1000)} s, R² ${s.fit.r2.toFixed(4)}`,
        ...s.steps.map(
            (st) => `- from ${st.from} to ${st.to} containers: ${st.perUnit.toFixed(1)} ms each`,
        ),
        "",
        "Commands:",
        "",
        ...s.commands.map((c) => `    ${c}`),
        "",
    ];
}

function targetRows(run: BenchRun): string[] {
    const rows: string[] = [];
    for (const suite of run.suites) {
        for (const c of suite.comparisons.filter((x) => x.target)) {
            const measured =
                c.target!.measured ??
                c.ratios
                    .map((r) => `${r.candidate}/${r.baseline} ${r.summary.median.toFixed(3)}`)
                    .join("; ");
            rows.push(`| ${c.title} | ${c.target!.text} | ${measured} | ${mark(c.target!.met)} |`);
        }
        rows.push(
            ...suite.checks.map(
                (k: Check) =>
                    `| ${k.title} | ${k.target.text} | ${k.value} | ${mark(k.target.met)} |`,
            ),
        );
    }
    return rows;
}

/** The results section of docs/BENCHMARKS.md, in Markdown. */
export function renderResults(run: BenchRun): string {
    const m = run.machine;
    const lines = [
        `Measured ${run.startedAt.replace("T", " ").slice(0, 16)} UTC by ` +
            `\`npm run bench${run.mode === "quick" ? " -- --quick" : ""}\` in ` +
            `${Math.round(run.durationSeconds)} s.`,
        "",
        `- machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB memory, ${m.kernel}`,
        ...Object.entries(run.versions).map(([k, v]) => `- ${k}: ${v}`),
        loadLine("other load at the start", run.load.before),
        loadLine("other load at the end", run.load.after),
        "",
        "### Targets",
        "",
        "| what | target | measured | |",
        "|---|---|---|---|",
        ...targetRows(run),
        ...run.failures.map((f) => `| ${f.suite} | (suite failed) | ${f.error} | **missed** |`),
        "",
    ];
    for (const suite of run.suites) {
        for (const c of suite.comparisons) {
            lines.push(...comparisonSection(c));
        }
        for (const s of suite.scaling ?? []) {
            lines.push(...scalingSection(s));
        }
        const checks = suite.checks.filter((k) => k.command);
        if (checks.length) {
            lines.push(`### ${suite.name}: checks`, "");
            for (const k of checks) {
                lines.push(`- ${k.title}: ${k.value} (${k.target.text}: ${mark(k.target.met)})`);
                lines.push(`  command: \`${k.command}\``);
            }
            lines.push("");
        }
        lines.push(...suite.notes.map((n) => `- ${n}`));
    }
    return lines.join("\n").trimEnd() + "\n";
}

/** Puts the results between the markers of the document, keeping everything around them. */
export function replaceResults(document: string, results: string): string {
    const start = document.indexOf(RESULTS_START);
    const end = document.indexOf(RESULTS_END);
    if (start < 0 || end < start) {
        throw new Error(`the document has no ${RESULTS_START} ... ${RESULTS_END} markers`);
    }
    return `${document.slice(0, start + RESULTS_START.length)}\n\n${results}\n${document.slice(end)}`;
}
