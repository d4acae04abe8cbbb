// The edge: the rendered hardened nginx.conf against Debian's stock nginx.conf, both over TLS 1.3
// on 127.0.0.1 in front of the same upstream, with wrk and openssl s_client as the clients.
import * as fs from "node:fs";

import { StackConfig } from "../../infra/config";
import { NginxOverrides, nginxModel, renderNginxConfig } from "../../infra/render/nginx";
import { renderTemplate } from "../../infra/render/templates";
import { KeyType, selfSignedCertificate } from "./lib/certificates";
import { fullHandshakes } from "./lib/handshakes";
import { parseSClient, parseWrk, WrkResult } from "./lib/parse";
import {
    Workspace,
    freePorts,
    giveToServiceUser,
    treeCpuMs,
    runChecked,
    runTool,
} from "./lib/processes";
import {
    Check,
    Comparison,
    Log,
    Sample,
    SuiteResult,
    VariantSpec,
    measureAlternately,
    ratioOf,
} from "./lib/results";

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

/**
 * The name the benchmark servers answer to. wrk sends the URL's host as SNI and Host header, so
 * the hardened config serves 127.0.0.1 instead of the dev domain: no name is ever looked up, and
 * the handshake is not refused by the catch-all server (ssl_reject_handshake).
 */
export const BENCH_HOST = "127.0.0.1";

/**
 * The SNI name of the Node handshake client, which refuses to send an address as SNI. Only
 * ever sent inside a connection to 127.0.0.1; it is never looked up.
 */
const BENCH_NAME = "localhost";

/**
 * Limits far beyond what one machine can send, so the limiter never refuses a request. The burst
 * matters too: nginx's clock advances once per event loop pass, so many requests share one
 * millisecond and only the burst lets them through.
 */
const OUT_OF_REACH = { rate: "1000000r/s", burst: 100000, connections: 60000 };

/** The lines that apply the per-client limits in the hardened config's server. */
const LIMIT_LINES = /^[ \t]*limit_(req|conn) (zone=)?per_client\S* .*;\n/gm;

/**
 * The hardened config with the per-client limits taken out of its server, for measuring what
 * the limits cost. Throws when they are not there, so a template change cannot silently turn
 * the comparison into one of two identical configs.
 */
export function withoutClientLimits(conf: string): string {
    const found = conf.match(LIMIT_LINES) ?? [];
    if (found.length !== 2) {
        throw new Error(
            `expected the limit_req and limit_conn lines of the hardened server, found ` +
                `${found.length}`,
        );
    }
    return conf.replace(LIMIT_LINES, "");
}

interface Edge {
    id: string;
    port: number;
    /** The nginx master's pid; its workers are its children. */
    pid: number;
    /** The CA file a client verifies the server with (the self-signed certificate). */
    certFile: string;
}

/**
 * Starts one nginx with the config text, in its own folder, and waits for its port. Returns
 * the master's pid; the workers are its children.
 */
async function startNginx(
    ws: Workspace,
    id: string,
    port: number,
    render: (runtimeDir: string) => string,
): Promise<number> {
    const dir = ws.folder(id, "run");
    giveToServiceUser(dir);
    const conf = ws.file(id, "nginx.conf");
    fs.writeFileSync(conf, render(dir));
    const server = ws.start(`nginx ${id}`, "nginx", [
        "-e",
        `${dir}/startup.log`,
        "-c",
        conf,
        "-g",
        "daemon off;",
    ]);
    await server.waitForPort(port);
    return server.pid;
}

const HTTP_REQUEST = `GET / HTTP/1.1\r\nHost: ${BENCH_HOST}\r\nConnection: close\r\n\r\n`;

/** One TLS 1.3 connection with openssl s_client: handshake, GET /, read until close. */
async function tlsExchange(edge: Edge, sessionIn?: string, sessionOut?: string) {
    const args = [
        "s_client",
        "-connect",
        `${BENCH_HOST}:${edge.port}`,
        "-servername",
        BENCH_HOST,
        "-tls1_3",
        "-CAfile",
        edge.certFile,
        "-verify_ip",
        BENCH_HOST,
        "-verify_return_error",
        "-ign_eof",
        ...(sessionIn ? ["-sess_in", sessionIn] : []),
        ...(sessionOut ? ["-sess_out", sessionOut] : []),
    ];
    const r = await runTool("openssl", args, { input: HTTP_REQUEST, timeoutMs: 10000 });
    return parseSClient(r.stdout);
}

/**
 * Reconnects `count` times, each time offering the session of the connection before, as a
 * browser does (TLS 1.3 tickets are for one use), and counts how many the server resumed.
 */
async function resumption(ws: Workspace, edge: Edge, count: number): Promise<number> {
    const session = (i: number) => ws.file("sessions", edge.id, `${i}.pem`);
    await tlsExchange(edge, undefined, session(0));
    let resumed = 0;
    for (let i = 1; i <= count; i++) {
        const ex = await tlsExchange(edge, session(i - 1), session(i));
        resumed += ex.reused ? 1 : 0;
    }
    return resumed;
}

function wrkArgs(edge: Edge, options: NginxBenchOptions, seconds: number, close: boolean) {
    return [
        "-t1",
        `-c${options.connections}`,
        `-d${seconds}s`,
        "--timeout",
        "5s",
        ...(close ? ["-H", "Connection: close"] : []),
        `https://${BENCH_HOST}:${edge.port}/`,
    ];
}

async function wrk(
    edge: Edge,
    options: NginxBenchOptions,
    seconds: number,
    close: boolean,
): Promise<WrkResult> {
    const out = await runChecked("wrk", wrkArgs(edge, options, seconds, close));
    return parseWrk(out);
}

/** The wrk command as the report shows it. */
function wrkCommand(options: NginxBenchOptions, close: boolean): string {
    const args = wrkArgs(
        { id: "", port: 0, pid: 0, certFile: "" },
        options,
        options.seconds,
        close,
    );
    return `wrk ${args.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}`.replace(
        ":0/",
        ":$PORT/",
    );
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

/** The nginx suite: throughput, handshakes, the limiter's cost, resumption, key types. */
export async function benchNginx(
    config: StackConfig,
    options: NginxBenchOptions,
    log: Log,
): Promise<SuiteResult> {
    const ws = new Workspace("nginx");
    try {
        const edges = await startEdges(ws, config, log);
        return await measure(ws, edges, config, options, log);
    } finally {
        await ws.close();
    }
}

/** The edges, by id; each is one nginx on 127.0.0.1 in front of the shared upstream. */
type Edges = Record<EdgeId, Edge>;
type EdgeId =
    | "stock"
    | "stock-keepalive"
    | "hardened"
    | "hardened-nolimits"
    | "hardened-rsa"
    | "hardened-devlimits";

/** The hardened variants: the rendered config, with one thing changed each. */
const HARDENED: {
    id: EdgeId;
    key: KeyType;
    limits: NginxOverrides["rateLimit"];
    strip?: boolean;
}[] = [
    { id: "hardened", key: "ecdsa", limits: OUT_OF_REACH },
    { id: "hardened-nolimits", key: "ecdsa", limits: OUT_OF_REACH, strip: true },
    { id: "hardened-rsa", key: "rsa", limits: OUT_OF_REACH },
    { id: "hardened-devlimits", key: "ecdsa", limits: {} },
];

async function startEdges(ws: Workspace, config: StackConfig, log: Log): Promise<Edges> {
    const certs = {
        ecdsa: await selfSignedCertificate(ws, "ecdsa"),
        rsa: await selfSignedCertificate(ws, "rsa"),
    };
    const [upstreamPort, ...ports] = await freePorts(3 + 2 * HARDENED.length);
    log(`nginx: starting the upstream and ${2 + HARDENED.length} edges on ${BENCH_HOST}`);
    await startNginx(ws, "upstream", upstreamPort, (runtimeDir) =>
        renderTemplate("bench/upstream-nginx.conf", { runtimeDir, port: upstreamPort, body: "ok" }),
    );
    const edges: Partial<Edges> = {};
    for (const [i, id] of (["stock", "stock-keepalive"] as const).entries()) {
        const port = ports[i];
        const pid = await startNginx(ws, id, port, (runtimeDir) =>
            renderTemplate("bench/stock-nginx.conf", {
                runtimeDir,
                httpsPort: port,
                upstreamPort,
                upstreamKeepalive: id === "stock-keepalive",
                certFile: certs.ecdsa.cert,
                keyFile: certs.ecdsa.key,
            }),
        );
        edges[id] = { id, port, pid, certFile: certs.ecdsa.cert };
    }
    for (const [i, v] of HARDENED.entries()) {
        const [https, http] = [ports[2 + 2 * i], ports[3 + 2 * i]];
        const confDir = ws.folder(v.id, "conf");
        const tlsDir = ws.folder(v.id, "conf", "tls");
        fs.copyFileSync(certs[v.key].cert, `${tlsDir}/fullchain.pem`);
        fs.copyFileSync(certs[v.key].key, `${tlsDir}/privkey.pem`);
        giveToServiceUser(`${tlsDir}/privkey.pem`, 0o600);
        const pid = await startNginx(ws, v.id, https, (runtimeDir) => {
            const model = nginxModel(config, {
                paths: {
                    configDir: confDir,
                    runtimeDir,
                    errorLog: `${runtimeDir}/error.log`,
                    accessLog: `${runtimeDir}/access.log`,
                },
                // The plain HTTP listener only redirects; nothing here uses it.
                listen: { http, https, address: BENCH_HOST },
                upstream: { host: BENCH_HOST, port: upstreamPort },
                rateLimit: v.limits,
            });
            const conf = renderNginxConfig({
                ...model,
                serverNames: `${BENCH_HOST} ${BENCH_NAME}`,
                canonicalHost: BENCH_HOST,
            });
            return v.strip ? withoutClientLimits(conf) : conf;
        });
        edges[v.id] = { id: v.id, port: https, pid, certFile: certs[v.key].cert };
    }
    // Every edge must answer 200 over TLS 1.3 before any figure means anything.
    for (const edge of Object.values(edges)) {
        const ex = await tlsExchange(edge);
        if (ex.protocol !== "TLSv1.3" || ex.httpStatus !== 200) {
            throw new Error(`${edge.id} answered ${ex.httpStatus} over ${ex.protocol}`);
        }
    }
    return edges as Edges;
}

async function measure(
    ws: Workspace,
    edges: Edges,
    config: StackConfig,
    options: NginxBenchOptions,
    log: Log,
): Promise<SuiteResult> {
    const spec = (id: EdgeId, label: string, close: boolean): VariantSpec => ({
        id,
        label,
        command: wrkCommand(options, close),
        measure: throughput(edges[id], options, close),
    });
    const labels = {
        stock: "Debian stock nginx.conf + TLS server, default proxy settings",
        "stock-keepalive": "the same, with the hardened config's upstream keep-alive",
        hardened: "rendered hardened nginx.conf, limits out of reach",
        "hardened-nolimits": "rendered hardened nginx.conf, limit_req/limit_conn removed",
        "hardened-rsa": "rendered hardened nginx.conf, RSA 2048 certificate",
    };
    const comparisons: Comparison[] = [];

    log("nginx: requests/s with keep-alive");
    const keepAlive = await measureAlternately(
        [
            spec("stock", labels.stock, false),
            spec("stock-keepalive", labels["stock-keepalive"], false),
            spec("hardened", labels.hardened, false),
        ],
        options.rounds,
        log,
        options.warmUp,
    );
    const keepAliveRatios = [
        ratioOf(keepAlive, "hardened", "stock"),
        ratioOf(keepAlive, "hardened", "stock-keepalive"),
    ];
    comparisons.push({
        id: "nginx-keepalive",
        title: "nginx: requests/s over TLS 1.3 with keep-alive",
        unit: "requests/s",
        variants: keepAlive,
        ratios: keepAliveRatios,
        target: {
            text: "hardened >= 0.95 x stock (median of paired rounds), against both stock variants",
            met: keepAliveRatios.every((r) => r.summary.median >= 0.95),
        },
        notes: [],
    });

    log("nginx: the per-client limits' own cost");
    const limits = await measureAlternately(
        [
            spec("hardened", labels.hardened, false),
            spec("hardened-nolimits", labels["hardened-nolimits"], false),
        ],
        options.rounds,
        log,
        options.warmUp,
    );
    comparisons.push({
        id: "nginx-limits",
        title: "nginx: cost of limit_req and limit_conn (keep-alive)",
        unit: "requests/s",
        variants: limits,
        ratios: [ratioOf(limits, "hardened", "hardened-nolimits")],
        notes: [],
    });

    log("nginx: reconnects/s with session resumption (wrk, Connection: close)");
    const reconnects = await measureAlternately(
        [spec("stock", labels.stock, true), spec("hardened", labels.hardened, true)],
        options.rounds,
        log,
        options.warmUp,
    );
    comparisons.push({
        id: "nginx-reconnects",
        title: "nginx: reconnects/s, one request per connection, sessions resumed (wrk)",
        unit: "connections/s",
        variants: reconnects,
        ratios: [ratioOf(reconnects, "hardened", "stock")],
        notes: [
            "wrk keeps the last session of each connection slot and offers it on reconnect, so " +
                "these are resumed handshakes: stock resumes with stateless tickets, hardened " +
                "from its shared session cache (tickets off).",
        ],
    });

    log("nginx: new TLS handshakes/s (full handshakes, Node TLS client)");
    const full = (id: EdgeId, label: string): VariantSpec => ({
        id,
        label,
        command: HANDSHAKE_COMMAND.replace("$N", String(options.connections)),
        measure: handshakes(edges[id], options),
    });
    const handshakeRuns = await measureAlternately(
        [
            full("stock", labels.stock),
            full("hardened", labels.hardened),
            full("hardened-rsa", labels["hardened-rsa"]),
        ],
        options.rounds,
        log,
        options.warmUp,
    );
    const cpuOf = (id: string) => handshakeRuns.find((v) => v.id === id)!.serverCpuUs!.median;
    const [ecdsaCpu, rsaCpu] = [cpuOf("hardened"), cpuOf("hardened-rsa")];
    comparisons.push({
        id: "nginx-handshakes",
        title: "nginx: new TLS 1.3 handshakes/s, ECDSA P-256 and RSA 2048",
        unit: "handshakes/s",
        variants: handshakeRuns,
        ratios: [
            ratioOf(handshakeRuns, "hardened", "stock"),
            ratioOf(handshakeRuns, "hardened", "hardened-rsa"),
        ],
        target: {
            text:
                `the default key type (${config.tls.keyAlgorithm}) costs the server less CPU per ` +
                "full handshake than the other",
            met: config.tls.keyAlgorithm === "ECDSA-P256" ? ecdsaCpu < rsaCpu : rsaCpu < ecdsaCpu,
        },
        notes: [
            "The client shares the 2 cores and verifies each handshake's signature (cheap for " +
                "RSA, dearer for ECDSA), so handshakes/s is partly the client's figure; the " +
                "server's CPU per handshake is what the key type changes on the server.",
        ],
    });

    const checks: Check[] = [];
    for (const id of ["hardened", "stock"] as const) {
        const resumed = await resumption(ws, edges[id], options.reconnects);
        const share = resumed / options.reconnects;
        log(`nginx: ${id} resumed ${resumed} of ${options.reconnects} reconnects`);
        checks.push({
            id: `resumption-${id}`,
            title: `nginx: TLS 1.3 session resumption, ${id}`,
            value: `${resumed}/${options.reconnects} (${(share * 100).toFixed(0)}%)`,
            target: { text: ">= 90% of reconnects resumed", met: share >= 0.9 },
            command: RESUMPTION_COMMAND,
        });
    }

    const flood = await wrk(edges["hardened-devlimits"], options, options.seconds, false);
    const refused = flood.non2xx / flood.requests;
    checks.push({
        id: "limits-enforced",
        title:
            `nginx: the dev stack's limits (${config.proxy.rateLimit.requestsPerSecond} r/s, burst ` +
            `${config.proxy.rateLimit.burst}) under a flood from one client`,
        value:
            `${(refused * 100).toFixed(1)}% of ${flood.requests} requests answered 429; ` +
            `${flood.requestsPerSecond.toFixed(0)} answers/s`,
        target: {
            text: "the flood is refused (> 90% 429), and refusing stays cheap",
            met: refused > 0.9,
        },
        command: wrkCommand(options, false),
    });
    return { name: "nginx", comparisons, checks, notes: [] };
}

const HANDSHAKE_COMMAND =
    "Node tls.connect to 127.0.0.1:$PORT (servername localhost, TLS 1.3, no session offered), " +
    "GET /, read to close; $N connections at a time (scripts/bench/lib/handshakes.ts)";

const RESUMPTION_COMMAND =
    "openssl s_client -connect 127.0.0.1:$PORT -servername 127.0.0.1 -tls1_3 -CAfile $CERT " +
    "-verify_ip 127.0.0.1 -verify_return_error -ign_eof -sess_in $PREVIOUS -sess_out $NEXT " +
    "< 'GET / HTTP/1.1, Connection: close'";
