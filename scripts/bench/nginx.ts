// The edge: the rendered hardened nginx.conf against Debian's stock nginx.conf, both over TLS 1.3
// on 127.0.0.1 in front of the same upstream, with wrk and openssl s_client as the clients.
import * as fs from "node:fs";

import { StackConfig } from "../../infra/config";
import { fullHandshakes } from "./lib/handshakes";
import { parseWrk } from "./lib/parse";
import { Workspace, runChecked, treeCpuMs } from "./lib/processes";
import {
    Check,
    Comparison,
    Log,
    Sample,
    SuiteResult,
    measureAlternately,
    ratioOf,
} from "./lib/results";
import { BENCH_HOST, BENCH_NAME, Edge, EdgeId, Edges, resumption, startEdges } from "./nginxEdges";

/** How long and how often to measure. */
export interface NginxBenchOptions {
    /** Whether each variant gets a short untimed run first. */
    warmUp: boolean;
    /** Seconds per wrk run. */
    seconds: number;
    /** Rounds per comparison. */
    rounds: number;
    /** Concurrent connections of wrk. */
    connections: number;
    /** Reconnects in the session resumption check. */
    reconnects: number;
}

function wrkArgs(url: string, options: NginxBenchOptions, seconds: number, close: boolean) {
    return [
        "-t1",
        `-c${options.connections}`,
        `-d${seconds}s`,
        "--timeout",
        "5s",
        ...(close ? ["-H", "Connection: close"] : []),
        url,
    ];
}

async function wrk(edge: Edge, options: NginxBenchOptions, seconds: number, close: boolean) {
    const url = `https://${BENCH_HOST}:${edge.port}/`;
    return parseWrk(await runChecked("wrk", wrkArgs(url, options, seconds, close)));
}

/** The wrk command as the report shows it. */
function wrkCommand(options: NginxBenchOptions, close: boolean): string {
    const args = wrkArgs(`https://${BENCH_HOST}:$PORT/`, options, options.seconds, close);
    return `wrk ${args.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}`;
}

/**
 * One wrk round against an edge: requests/s, and the edge's CPU time per request (its master
 * and workers, read from /proc around the run). Any error or non-2xx answer fails the run.
 */
function throughput(edge: Edge, options: NginxBenchOptions, close: boolean) {
    return async (warmUp: boolean): Promise<Sample> => {
        const cpuBefore = treeCpuMs(edge.pid);
        const r = await wrk(edge, options, warmUp ? 1 : options.seconds, close);
        const cpuMs = treeCpuMs(edge.pid) - cpuBefore;
        if (r.non2xx > 0 || r.socketErrors > 0) {
            throw new Error(
                `${edge.id}: ${r.non2xx} non-2xx answers and ${r.socketErrors} socket errors ` +
                    `in ${r.requests} requests; the comparison would measure errors`,
            );
        }
        return { value: r.requestsPerSecond, serverCpuUs: (cpuMs * 1000) / r.requests };
    };
}

/** One round of full handshakes from the Node client: handshakes/s and server CPU each. */
function handshakes(edge: Edge, options: NginxBenchOptions) {
    const ca = fs.readFileSync(edge.certFile, "utf8");
    return async (warmUp: boolean): Promise<Sample> => {
        const cpuBefore = treeCpuMs(edge.pid);
        const target = { port: edge.port, servername: BENCH_NAME, ca };
        const r = await fullHandshakes(target, warmUp ? 1 : options.seconds, options.connections);
        const cpuMs = treeCpuMs(edge.pid) - cpuBefore;
        if (r.failed > 0 || r.resumed > 0 || r.completed === 0) {
            throw new Error(
                `${edge.id}: ${r.failed} failed and ${r.resumed} resumed of ` +
                    `${r.completed + r.failed} connections; expected only full handshakes` +
                    (r.firstFailure ? ` (first failure: ${r.firstFailure})` : ""),
            );
        }
        return { value: r.perSecond, serverCpuUs: (cpuMs * 1000) / r.completed };
    };
}

const LABELS: Record<Exclude<EdgeId, "hardened-devlimits">, string> = {
    stock: "Debian stock nginx.conf + TLS server, default proxy settings",
    "stock-keepalive": "the same, with the hardened config's upstream keep-alive",
    hardened: "rendered hardened nginx.conf, limits out of reach",
    "hardened-nolimits": "the same without its limit_req and limit_conn lines",
    "hardened-noheaders": "the same without its security headers (add_header lines)",
    "hardened-nolog": "the same with access_log off",
    "hardened-rsa": "rendered hardened nginx.conf, RSA 2048 certificate",
};

/** What every measurement of the suite needs. */
interface Run {
    edges: Edges;
    config: StackConfig;
    options: NginxBenchOptions;
    log: Log;
}

/** Measures wrk rounds against the edges, alternately. */
function wrkRounds(run: Run, ids: (keyof typeof LABELS)[], close: boolean) {
    const variants = ids.map((id) => ({
        id,
        label: LABELS[id],
        command: wrkCommand(run.options, close),
        measure: throughput(run.edges[id], run.options, close),
    }));
    return measureAlternately(variants, run.options.rounds, run.log, run.options.warmUp);
}

async function keepAlive(run: Run): Promise<Comparison> {
    run.log("nginx: requests/s with keep-alive");
    const variants = await wrkRounds(run, ["stock", "stock-keepalive", "hardened"], false);
    const ratios = [
        ratioOf(variants, "hardened", "stock"),
        ratioOf(variants, "hardened", "stock-keepalive"),
    ];
    return {
        id: "nginx-keepalive",
        title: "nginx: requests/s over TLS 1.3 with keep-alive",
        unit: "requests/s",
        variants,
        ratios,
        target: {
            text: "hardened >= 0.95 x stock (median of paired rounds), against both stock variants",
            met: ratios.every((r) => r.summary.median >= 0.95),
        },
        notes: [],
    };
}

/**
 * Where the hardened config's time per request goes: the rendered config against itself with
 * its per-client limits, its security headers or its access log taken out.
 */
async function breakdown(run: Run): Promise<Comparison> {
    run.log("nginx: what the limits, the headers and the access log cost");
    const parts = ["hardened-nolimits", "hardened-noheaders", "hardened-nolog"] as const;
    const variants = await wrkRounds(run, ["hardened", ...parts], false);
    return {
        id: "nginx-breakdown",
        title: "nginx: the cost of the limits, the security headers and the access log",
        unit: "requests/s",
        variants,
        ratios: parts.map((part) => ratioOf(variants, "hardened", part)),
        notes: [
            "A ratio below 1 is what that part costs in throughput; the CPU column is its cost " +
                "per request on the server.",
        ],
    };
}

async function reconnects(run: Run): Promise<Comparison> {
    run.log("nginx: reconnects/s with session resumption (wrk, Connection: close)");
    const variants = await wrkRounds(run, ["stock", "hardened"], true);
    return {
        id: "nginx-reconnects",
        title: "nginx: reconnects/s, one request per connection, sessions resumed (wrk)",
        unit: "connections/s",
        variants,
        ratios: [ratioOf(variants, "hardened", "stock")],
        notes: [
            "wrk keeps the last session of each connection slot and offers it on reconnect, so " +
                "these are resumed handshakes: stock resumes with stateless tickets, hardened " +
                "from its shared session cache (tickets off).",
        ],
    };
}

async function fullHandshakeRate(run: Run): Promise<Comparison> {
    run.log("nginx: new TLS handshakes/s (full handshakes, Node TLS client)");
    const ids = ["stock", "hardened", "hardened-rsa"] as const;
    const variants = await measureAlternately(
        ids.map((id) => ({
            id,
            label: LABELS[id],
            command: HANDSHAKE_COMMAND.replace("$N", String(run.options.connections)),
            measure: handshakes(run.edges[id], run.options),
        })),
        run.options.rounds,
        run.log,
        run.options.warmUp,
    );
    const cpuOf = (id: string) => variants.find((v) => v.id === id)!.serverCpuUs!.median;
    const [ecdsa, rsa] = [cpuOf("hardened"), cpuOf("hardened-rsa")];
    const key = run.config.tls.keyAlgorithm;
    return {
        id: "nginx-handshakes",
        title: "nginx: new TLS 1.3 handshakes/s, ECDSA P-256 and RSA 2048",
        unit: "handshakes/s",
        variants,
        ratios: [
            ratioOf(variants, "hardened", "stock"),
            ratioOf(variants, "hardened", "hardened-rsa"),
        ],
        target: {
            text: `the default key type (${key}) costs the server less CPU per full handshake`,
            met: key === "ECDSA-P256" ? ecdsa < rsa : rsa < ecdsa,
            measured: `server CPU per handshake: ECDSA P-256 ${ecdsa.toFixed(0)} µs, RSA 2048 ${rsa.toFixed(0)} µs`,
        },
        notes: [
            "The client shares the cores and checks each handshake's signature (cheap for RSA, " +
                "dearer for ECDSA), so handshakes/s is partly the client's figure; the server's " +
                "CPU per handshake is what the key type changes for the server.",
        ],
    };
}

async function resumptionCheck(ws: Workspace, run: Run, id: EdgeId): Promise<Check> {
    const count = run.options.reconnects;
    const resumed = await resumption(ws, run.edges[id], count);
    run.log(`nginx: ${id} resumed ${resumed} of ${count} reconnects`);
    return {
        id: `resumption-${id}`,
        title: `nginx: TLS 1.3 session resumption, ${id}`,
        value: `${resumed}/${count} (${((resumed / count) * 100).toFixed(0)}%)`,
        target: { text: ">= 90% of reconnects resumed", met: resumed / count >= 0.9 },
        command: RESUMPTION_COMMAND,
    };
}

/** The dev stack's own limits, in the way of a flood from one client: the 429s must come. */
async function floodCheck(run: Run): Promise<Check> {
    const { requestsPerSecond, burst } = run.config.proxy.rateLimit;
    const flood = await wrk(
        run.edges["hardened-devlimits"],
        run.options,
        run.options.seconds,
        false,
    );
    const refused = flood.non2xx / flood.requests;
    return {
        id: "limits-enforced",
        title: `nginx: the dev stack's limits (${requestsPerSecond} r/s, burst ${burst}), flooded`,
        value:
            `${(refused * 100).toFixed(1)}% of ${flood.requests} requests answered 429 ` +
            `(${formatRate(flood.requestsPerSecond)} answers/s)`,
        target: { text: "> 90% of a flood from one client refused", met: refused > 0.9 },
        command: wrkCommand(run.options, false),
    };
}

function formatRate(n: number): string {
    return Math.round(n).toLocaleString("en-US");
}

/** The nginx suite: throughput, the limits' cost, reconnects, handshakes, resumption. */
export async function benchNginx(
    config: StackConfig,
    options: NginxBenchOptions,
    log: Log,
): Promise<SuiteResult> {
    const ws = new Workspace("nginx");
    try {
        const run: Run = { edges: await startEdges(ws, config, log), config, options, log };
        const comparisons = [
            await keepAlive(run),
            await breakdown(run),
            await reconnects(run),
            await fullHandshakeRate(run),
        ];
        const checks = [
            await resumptionCheck(ws, run, "hardened"),
            await resumptionCheck(ws, run, "stock"),
            await floodCheck(run),
        ];
        return { name: "nginx", comparisons, checks, notes: [] };
    } finally {
        await ws.close();
    }
}

const HANDSHAKE_COMMAND =
    "Node tls.connect to 127.0.0.1:$PORT (servername localhost, TLS 1.3, no session offered), " +
    "GET /, read to close; $N connections at a time (scripts/bench/lib/handshakes.ts)";

const RESUMPTION_COMMAND =
    "openssl s_client -connect 127.0.0.1:$PORT -servername 127.0.0.1 -tls1_3 -CAfile $CERT " +
    "-verify_ip 127.0.0.1 -verify_return_error -ign_eof -sess_in $PREVIOUS -sess_out $NEXT " +
    "< 'GET / HTTP/1.1, Connection: close'";
