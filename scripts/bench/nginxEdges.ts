// The nginx servers the edge benchmark measures: the shared upstream, Debian's stock config and
// the rendered hardened config with one thing changed per variant, all on 127.0.0.1.
import * as fs from "node:fs";

import { StackConfig } from "../../infra/config";
import { NginxOverrides, nginxModel, renderNginxConfig } from "../../infra/render/nginx";
import { renderTemplate } from "../../infra/render/templates";
import { KeyType, selfSignedCertificate } from "./lib/certificates";
import { parseSClient } from "./lib/parse";
import { Workspace, freePorts, giveToServiceUser, runTool } from "./lib/processes";
import { Log } from "./lib/results";

/**
 * The address every client connects to. wrk and s_client also send it as SNI and Host header,
 * so the hardened config serves it in place of the dev domain: no name is ever looked up, and
 * the catch-all server (ssl_reject_handshake) does not refuse the handshake.
 */
export const BENCH_HOST = "127.0.0.1";

/**
 * The SNI name of the Node handshake client, which refuses to send an address as SNI. Only
 * ever sent inside a connection to 127.0.0.1; it is never looked up.
 */
export const BENCH_NAME = "localhost";

/**
 * Limits far beyond what one machine can send, so the limiter never refuses a request. The burst
 * matters too: nginx's clock advances once per event loop pass, so many requests share one
 * millisecond and only the burst lets them through.
 */
const OUT_OF_REACH = { rate: "1000000r/s", burst: 100000, connections: 60000 };

/**
 * Removes the lines a pattern matches from a rendered config, and throws when it finds none,
 * so a template change cannot silently turn a comparison into one of two identical configs.
 */
function withoutLines(conf: string, lines: RegExp, what: string): string {
    const found = conf.match(lines) ?? [];
    if (found.length === 0) {
        throw new Error(`the rendered nginx.conf has no ${what} to take out`);
    }
    return conf.replace(lines, "");
}

/** The hardened config without the per-client limits of its server (the zones stay). */
export function withoutClientLimits(conf: string): string {
    return withoutLines(conf, /^[ \t]*limit_(req|conn) (zone=)?per_client\S* .*;\n/gm, "limits");
}

/** The hardened config without its security headers, HSTS included. */
export function withoutSecurityHeaders(conf: string): string {
    return withoutLines(conf, /^[ \t]*add_header .*;\n/gm, "security headers");
}

/** The hardened config without its access log. */
export function withoutAccessLog(conf: string): string {
    const stripped = withoutLines(conf, /^[ \t]*access_log .*;\n/gm, "access log");
    // Without a line nginx would log to its compiled-in default; off is what is measured.
    return stripped.replace(/^http \{\n/m, "http {\n    access_log off;\n");
}

/** One nginx on 127.0.0.1 in front of the shared upstream. */
export interface Edge {
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
export async function tlsExchange(edge: Edge, sessionIn?: string, sessionOut?: string) {
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
export async function resumption(ws: Workspace, edge: Edge, count: number): Promise<number> {
    const session = (i: number) => ws.file("sessions", edge.id, `${i}.pem`);
    await tlsExchange(edge, undefined, session(0));
    let resumed = 0;
    for (let i = 1; i <= count; i++) {
        const ex = await tlsExchange(edge, session(i - 1), session(i));
        resumed += ex.reused ? 1 : 0;
    }
    return resumed;
}

/** The edges, by id; each is one nginx on 127.0.0.1 in front of the shared upstream. */
export type Edges = Record<EdgeId, Edge>;
export type EdgeId =
    | "stock"
    | "stock-keepalive"
    | "hardened"
    | "hardened-nolimits"
    | "hardened-noheaders"
    | "hardened-nolog"
    | "hardened-rsa"
    | "hardened-devlimits";

/** The hardened variants: the rendered config, with one thing changed each. */
const HARDENED: {
    id: EdgeId;
    key: KeyType;
    limits: NginxOverrides["rateLimit"];
    change?: (conf: string) => string;
}[] = [
    { id: "hardened", key: "ecdsa", limits: OUT_OF_REACH },
    { id: "hardened-nolimits", key: "ecdsa", limits: OUT_OF_REACH, change: withoutClientLimits },
    {
        id: "hardened-noheaders",
        key: "ecdsa",
        limits: OUT_OF_REACH,
        change: withoutSecurityHeaders,
    },
    { id: "hardened-nolog", key: "ecdsa", limits: OUT_OF_REACH, change: withoutAccessLog },
    { id: "hardened-rsa", key: "rsa", limits: OUT_OF_REACH },
    { id: "hardened-devlimits", key: "ecdsa", limits: {} },
];

/**
 * Starts the upstream and every edge, and checks that each answers 200 over TLS 1.3 before any
 * figure is taken.
 */
export async function startEdges(ws: Workspace, config: StackConfig, log: Log): Promise<Edges> {
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
            return v.change ? v.change(conf) : conf;
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
