/** The centre and spread of repeated measurements of one quantity. */
export interface Summary {
    /** How many samples. */
    n: number;
    median: number;
    min: number;
    max: number;
    /** (max - min) / median, as a fraction: how far apart the rounds landed. */
    relativeSpread: number;
}

/** The median; the mean of the middle two for an even count. Throws on no samples. */
export function median(samples: number[]): number {
    if (samples.length === 0) {
        throw new Error("median of no samples");
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, range and relative spread of the samples. */
export function summarize(samples: number[]): Summary {
    const m = median(samples);
    const min = Math.min(...samples);
    const max = Math.max(...samples);
    return {
        n: samples.length,
        median: m,
        min,
        max,
        relativeSpread: m === 0 ? 0 : (max - min) / m,
    };
}

/**
 * The candidate's figure over the baseline's, round by round. Both sides ran in the same round,
 * back to back, so a round's ratio cancels what drifted between rounds (other load, CPU
 * frequency); the summary of those ratios is steadier than a ratio of two medians.
 */
export function pairedRatios(candidate: number[], baseline: number[]): Summary {
    if (candidate.length !== baseline.length || candidate.length === 0) {
        throw new Error(
            `paired ratios need as many candidate as baseline rounds (${candidate.length} vs ` +
                `${baseline.length})`,
        );
    }
    return summarize(candidate.map((c, i) => c / baseline[i]));
}

/**
 * The order the variants run in during one round: rotated by one each round, so no variant
 * always runs first (on a cold cache) or last (after the others heated the CPU).
 */
export function roundOrder<T>(variants: T[], round: number): T[] {
    if (variants.length === 0) {
        return [];
    }
    const shift = round % variants.length;
    return [...variants.slice(shift), ...variants.slice(0, shift)];
}

/** A least-squares straight line through points, and how well it fits. */
export interface LinearFit {
    /** Change in y per unit of x. */
    slope: number;
    /** y at x = 0. */
    intercept: number;
    /** Coefficient of determination: 1 is a perfect line. */
    r2: number;
}

/** Fits y = slope * x + intercept by least squares. Needs two distinct x values at least. */
export function linearFit(points: { x: number; y: number }[]): LinearFit {
    const n = points.length;
    const meanX = points.reduce((s, p) => s + p.x, 0) / n;
    const meanY = points.reduce((s, p) => s + p.y, 0) / n;
    const sxx = points.reduce((s, p) => s + (p.x - meanX) ** 2, 0);
    if (n < 2 || sxx === 0) {
        throw new Error("a line needs at least two points with different x");
    }
    const sxy = points.reduce((s, p) => s + (p.x - meanX) * (p.y - meanY), 0);
    const slope = sxy / sxx;
    const intercept = meanY - slope * meanX;
    const ssTotal = points.reduce((s, p) => s + (p.y - meanY) ** 2, 0);
    const ssResidual = points.reduce((s, p) => s + (p.y - (slope * p.x + intercept)) ** 2, 0);
    return { slope, intercept, r2: ssTotal === 0 ? 1 : 1 - ssResidual / ssTotal };
}

/** The cost of one more unit between neighbouring sizes, e.g. milliseconds per container. */
export interface Step {
    from: number;
    to: number;
    /** (y(to) - y(from)) / (to - from). */
    perUnit: number;
}

/**
 * The marginal cost between each pair of neighbouring sizes. Growth is linear when these stay
 * about the same from small to large sizes; a line fitted through 10, 100 and 1,000 is carried
 * by the largest point, so this is the sharper test of it.
 */
export function marginalCosts(points: { x: number; y: number }[]): Step[] {
    const sorted = [...points].sort((a, b) => a.x - b.x);
    return sorted.slice(1).map((p, i) => ({
        from: sorted[i].x,
        to: p.x,
        perUnit: (p.y - sorted[i].y) / (p.x - sorted[i].x),
    }));
}
