// Parsers of the load tools' text output. Each throws when the figure it exists to find is
// missing, so a tool that changed its output fails the run instead of reporting zero.

/** What one wrk run reports. */
export interface WrkResult {
    requestsPerSecond: number;
    /** Requests completed in the run. */
    requests: number;
    /** Responses outside 2xx and 3xx (429s from the rate limiter, 502s from a dead upstream). */
    non2xx: number;
    /** Connect, read, write and timeout errors together. */
    socketErrors: number;
    /** Mean latency in milliseconds. */
    latencyMeanMs: number;
}

/** A duration as wrk prints it (`812.00us`, `1.20ms`, `2.00s`, `1.00m`), in milliseconds. */
export function parseDurationMs(text: string): number {
    const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
    if (!m) {
        throw new Error(`not a wrk duration: "${text}"`);
    }
    const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60000, h: 3600000 };
    return Number(m[1]) * scale[m[2]];
}

/** Parses wrk's summary. */
export function parseWrk(output: string): WrkResult {
    const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
    const total = /^\s*(\d+) requests in /m.exec(output);
    const latency = /^\s*Latency\s+(\S+)/m.exec(output);
    if (!rps || !total || !latency) {
        throw new Error(`wrk printed no summary: ${output.trim().slice(0, 300)}`);
    }
    const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
        output,
    );
    return {
        requestsPerSecond: Number(rps[1]),
        requests: Number(total[1]),
        non2xx: non2xx ? Number(non2xx[1]) : 0,
        socketErrors: errors ? errors.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
        latencyMeanMs: parseDurationMs(latency[1]),
    };
}

/** What one pgbench run reports. */
export interface PgbenchResult {
    /** Transactions per second; with -C this includes each connection's setup. */
    tps: number;
    transactions: number;
    failed: number;
    latencyMeanMs: number;
    /** Mean time to open a connection (TLS handshake and SCRAM included), with -C only. */
    connectionMs?: number;
}

/** Parses pgbench's summary (PostgreSQL 14 and later). */
export function parsePgbench(output: string): PgbenchResult {
    const tps = /^tps = ([\d.]+)/m.exec(output);
    const done = /^number of transactions actually processed: (\d+)/m.exec(output);
    const latency = /^latency average = ([\d.]+) ms/m.exec(output);
    if (!tps || !done || !latency) {
        throw new Error(`pgbench printed no summary: ${output.trim().slice(0, 300)}`);
    }
    const failed = /^number of failed transactions: (\d+)/m.exec(output);
    const connection = /^average connection time = ([\d.]+) ms/m.exec(output);
    return {
        tps: Number(tps[1]),
        transactions: Number(done[1]),
        failed: failed ? Number(failed[1]) : 0,
        latencyMeanMs: Number(latency[1]),
        connectionMs: connection ? Number(connection[1]) : undefined,
    };
}

/** What `openssl s_client` saw on one connection. */
export interface TlsExchange {
    /** Whether the server resumed the offered session. */
    reused: boolean;
    /** The negotiated protocol, e.g. `TLSv1.3`. */
    protocol: string;
    /** The HTTP status of the response, when one was read. */
    httpStatus?: number;
}

/** Parses the session line (`New, TLSv1.3, Cipher is ...`) and the HTTP status line. */
export function parseSClient(output: string): TlsExchange {
    const session = /^(New|Reused), (TLSv[\d.]+|SSLv3)/m.exec(output);
    if (!session) {
        throw new Error(`no TLS session was established: ${output.trim().slice(-300)}`);
    }
    const status = /^HTTP\/1\.[01] (\d{3})/m.exec(output);
    return {
        reused: session[1] === "Reused",
        protocol: session[2],
        httpStatus: status ? Number(status[1]) : undefined,
    };
}

/** The fields of /proc/<pid>/stat the benchmarks read. */
export interface ProcStat {
    pid: number;
    /** The command name, at most 15 characters. */
    comm: string;
    /** Parent process id. */
    ppid: number;
    /** User plus system CPU time of the process itself, in clock ticks. */
    ownTicks: number;
    /**
     * The same for the children it has waited for, so a postmaster's figure keeps the time of
     * backends that already exited.
     */
    reapedTicks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name sits in parentheses and may itself contain spaces
 * and parentheses, so the fields are counted from the last closing one.
 */
export function parseProcStat(text: string): ProcStat {
    const close = text.lastIndexOf(")");
    if (close < 0) {
        throw new Error(`not a /proc stat line: ${text.slice(0, 80)}`);
    }
    // After the name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15) cutime(16) cstime(17).
    const fields = text
        .slice(close + 2)
        .trim()
        .split(/\s+/);
    const at = (n: number) => Number(fields[n - 3]);
    const comm = text.slice(text.indexOf("(") + 1, close);
    return {
        pid: Number(text.slice(0, text.indexOf(" "))),
        comm,
        ppid: at(4),
        ownTicks: at(14) + at(15),
        reapedTicks: at(16) + at(17),
    };
}
