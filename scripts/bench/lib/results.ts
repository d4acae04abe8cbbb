import { LinearFit, Step, Summary, pairedRatios, roundOrder, summarize } from "./stats";

/** One side of a comparison, as measured. */
export interface VariantResult {
    id: string;
    /** What it is, for the report. */
    label: string;
    /** The exact command of one round, with temporary paths shown as placeholders. */
    command: string;
    /** One figure per round, in round order. */
    samples: number[];
    summary: Summary;
    /** The server's CPU time per operation in microseconds, where it was measured. */
    serverCpuUs?: Summary;
}

/** One round's figure, and the server's CPU time per operation in that round. */
export interface Sample {
    value: number;
    serverCpuUs?: number;
}

/** A target and whether the run met it. */
export interface TargetResult {
    /** The target in words, e.g. `hardened >= 0.95 x stock`. */
    text: string;
    met: boolean;
    /** The figures the verdict rests on, where they are not the first ratio. */
    measured?: string;
}

/** The candidate's figure over the baseline's, round by round. */
export interface RatioResult {
    candidate: string;
    baseline: string;
    summary: Summary;
    /**
     * The candidate's median server CPU per operation over the baseline's, where both were
     * measured: above 1, the candidate costs the server more per operation.
     */
    serverCpu?: number;
}

/** Two or more variants measured alternately in the same run. */
export interface Comparison {
    id: string;
    title: string;
    /** Unit of the samples, e.g. `requests/s`. */
    unit: string;
    variants: VariantResult[];
    ratios: RatioResult[];
    target?: TargetResult;
    notes: string[];
}

/** A single figure with a target, e.g. the share of resumed sessions. */
export interface Check {
    id: string;
    title: string;
    /** The measured value, formatted. */
    value: string;
    target: TargetResult;
    /** The exact command, with placeholders. */
    command?: string;
}

/** One program measured under one tool. */
export interface ScalingPoint {
    /** `dev stack` or `N containers`. */
    label: string;
    containers?: number;
    /** Resources the program registered, where the tool prints the count. */
    resources?: number;
    wallMs: Summary;
    maxRssMb: Summary;
}

/** How one tool's wall time and memory grow with the program. */
export interface Scaling {
    tool: string;
    label: string;
    /** The commands, with the generated program as a placeholder. */
    commands: string[];
    /** Wall time of the dev stack through npm, as a user types it, where measured. */
    typedDevMs?: Summary;
    points: ScalingPoint[];
    /** Wall time in ms against containers. */
    fit: LinearFit;
    steps: Step[];
}

/** What a suite hands to the report. */
export interface SuiteResult {
    name: string;
    comparisons: Comparison[];
    checks: Check[];
    scaling?: Scaling[];
    /** Free-form lines for the report: setup, skipped parts, what was tried. */
    notes: string[];
}

/** A variant to measure: a function that runs one round and returns its figure. */
export interface VariantSpec {
    id: string;
    label: string;
    command: string;
    /** Runs one round; a warm-up round is shorter and its figure is dropped. */
    measure: (warmUp: boolean) => Promise<Sample>;
}

/** Progress lines go to stderr; results go to the report. */
export type Log = (line: string) => void;

/**
 * Measures the variants alternately: a short untimed warm-up each (unless `warmUp` is false),
 * then `rounds` rounds in which every variant runs once, in an order rotated each round.
 */
export async function measureAlternately(
    variants: VariantSpec[],
    rounds: number,
    log: Log,
    warmUp = true,
): Promise<VariantResult[]> {
    for (const v of warmUp ? variants : []) {
        await v.measure(true);
    }
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.id, []]));
    for (let round = 0; round < rounds; round++) {
        for (const v of roundOrder(variants, round)) {
            const sample = await v.measure(false);
            samples.get(v.id)!.push(sample);
            const cpu =
                sample.serverCpuUs === undefined
                    ? ""
                    : `, ${sample.serverCpuUs.toFixed(0)} us CPU/op`;
            log(`  round ${round + 1}/${rounds} ${v.id}: ${sample.value.toFixed(1)}${cpu}`);
        }
    }
    return variants.map((v) => {
        const mine = samples.get(v.id)!;
        const values = mine.map((s) => s.value);
        const cpu = mine.flatMap((s) => (s.serverCpuUs === undefined ? [] : [s.serverCpuUs]));
        return {
            id: v.id,
            label: v.label,
            command: v.command,
            samples: values,
            summary: summarize(values),
            serverCpuUs: cpu.length === mine.length ? summarize(cpu) : undefined,
        };
    });
}

/** The ratio of two measured variants, by id. */
export function ratioOf(
    variants: VariantResult[],
    candidate: string,
    baseline: string,
): RatioResult {
    const find = (id: string) => {
        const v = variants.find((x) => x.id === id);
        if (!v) {
            throw new Error(`no variant ${id}`);
        }
        return v;
    };
    const [c, b] = [find(candidate), find(baseline)];
    return {
        candidate,
        baseline,
        summary: pairedRatios(c.samples, b.samples),
        serverCpu:
            c.serverCpuUs && b.serverCpuUs
                ? c.serverCpuUs.median / b.serverCpuUs.median
                : undefined,
    };
}
