// Runs the dev stack's rendered nginx.conf on Debian's nginx, on 127.0.0.1, as a non-root uid
// (as in the container), in front of a stub upstream, and checks what clients see.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { loadConfig } from "../../infra/config";
import {
    hstsValue,
    nginxModel,
    renderNginxConfig,
    securityHeaders,
} from "../../infra/render/nginx";
import { devConfig } from "../support/program";
import { freePort, requireTool, run, tempDir, testCertificate, waitForPort } from "../support/live";

const config = loadConfig(devConfig());
const DOMAIN = config.domains[0];
/** The uid nginx runs as when the test runs as root: nobody, so nothing relies on root. */
const NOBODY = 65534;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

describe("nginx with the dev stack's rendered config", () => {
    let nginxBin: string | undefined;
    let work: { dir: string; remove: () => void } | undefined;
    let nginx: ChildProcess | undefined;
    let upstream: http.Server | undefined;
    let ports: { http: number; https: number; upstream: number };
    let caCert = "";
    let confFile = "";
    const asNobody = process.getuid?.() === 0;

    /** Runs nginx's binary as the unprivileged uid when we are root. */
    const nginxCommand = (args: string[]): [string, string[]] =>
        asNobody
            ? [
                  "setpriv",
                  [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", nginxBin!, ...args],
              ]
            : [nginxBin!, args];

    const request = (
        pathname: string,
        options: { servername?: string; method?: string; agent?: https.Agent } = {},
    ): Promise<Reply> =>
        new Promise((resolve, reject) => {
            const req = https.request(
                {
                    host: "127.0.0.1",
                    port: ports.https,
                    path: pathname,
                    method: options.method ?? "GET",
                    servername: options.servername ?? DOMAIN,
                    headers: { Host: DOMAIN },
                    ca: caCert,
                    agent: options.agent ?? false,
                    checkServerIdentity: () => undefined,
                },
                (res) => {
                    let body = "";
                    res.on("data", (chunk) => (body += chunk));
                    res.on("end", () =>
                        resolve({ status: res.statusCode!, headers: res.headers, body }),
                    );
                },
            );
            req.on("error", reject);
            req.end();
        });

    const assertSecurityHeaders = (reply: Reply, what: string) => {
        for (const header of securityHeaders(config)) {
            assert.equal(
                reply.headers[header.name.toLowerCase()],
                header.value,
                `${header.name} on the ${what} response`,
            );
        }
        assert.equal(
            reply.headers["strict-transport-security"],
            hstsValue(config),
            `HSTS on ${what}`,
        );
        assert.equal(
            reply.headers["x-xss-protection"],
            undefined,
            `no X-XSS-Protection on ${what}`,
        );
        assert.equal(reply.headers["x-powered-by"], undefined, `no X-Powered-By on ${what}`);
        assert.equal(reply.headers.server, "nginx", `Server header without a version on ${what}`);
    };

    before(async (t) => {
        nginxBin = requireTool(t as never, "nginx");
        const opensslBin = requireTool(t as never, "openssl");
        if (!nginxBin || !opensslBin) {
            return;
        }
        work = tempDir("nginx");
        ports = { http: await freePort(), https: await freePort(), upstream: await freePort() };
        // The stub app sets the headers a real framework leaks, to prove nginx hides them.
        upstream = http.createServer((req, res) => {
            res.setHeader("X-Powered-By", "Express");
            res.setHeader("Server", "gunicorn/21.2.0");
            res.setHeader("X-XSS-Protection", "1; mode=block");
            if (req.url === "/") {
                res.writeHead(200, { "Content-Type": "text/plain" }).end("hello\n");
            } else {
                res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
            }
        });
        await new Promise<void>((resolve) =>
            upstream!.listen(ports.upstream, "127.0.0.1", resolve),
        );

        const confDir = path.join(work.dir, "conf");
        const runtimeDir = path.join(work.dir, "run");
        fs.mkdirSync(path.join(confDir, "tls"), { recursive: true });
        fs.mkdirSync(runtimeDir);
        fs.chmodSync(work.dir, 0o755);
        const cert = testCertificate(path.join(confDir, "tls"), [DOMAIN]);
        fs.renameSync(cert.cert, path.join(confDir, "tls", "fullchain.pem"));
        fs.renameSync(cert.key, path.join(confDir, "tls", "privkey.pem"));
        caCert = fs.readFileSync(path.join(confDir, "tls", "fullchain.pem"), "utf8");
        confFile = path.join(confDir, "nginx.conf");
        fs.writeFileSync(
            confFile,
            renderNginxConfig(
                nginxModel(config, {
                    paths: {
                        configDir: confDir,
                        runtimeDir,
                        errorLog: path.join(runtimeDir, "error.log"),
                        accessLog: path.join(runtimeDir, "access.log"),
                    },
                    listen: { http: ports.http, https: ports.https, address: "127.0.0.1" },
                    upstream: { host: "127.0.0.1", port: ports.upstream },
                }),
            ),
        );
        if (asNobody) {
            // As in the container: the key belongs to nginx's uid, the runtime folder too.
            fs.chownSync(path.join(confDir, "tls", "privkey.pem"), NOBODY, NOBODY);
            fs.chownSync(runtimeDir, NOBODY, NOBODY);
        }
        const [cmd, args] = nginxCommand(["-c", confFile, "-p", work.dir, "-g", "daemon off;"]);
        nginx = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        nginx.stderr!.on("data", (d) => (stderr += d));
        await waitForPort(ports.https).catch((err) => {
            throw new Error(`${err.message}; nginx said: ${stderr}`);
        });
    });

    after(async () => {
        if (nginx && nginx.exitCode === null) {
            const exited = new Promise((r) => nginx!.once("exit", r));
            nginx.kill("SIGQUIT");
            await exited;
        }
        await new Promise((r) => (upstream ? upstream.close(r) : r(undefined)));
        work?.remove();
    });

    it("passes nginx -t as a non-root user", (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        const [cmd, args] = nginxCommand(["-t", "-c", confFile, "-p", work!.dir]);
        const result = run(cmd, args);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stderr, /test is successful/);
    });

    it("speaks TLS 1.2 and 1.3 and refuses TLS 1.0 and 1.1", (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        for (const version of ["-tls1_2", "-tls1_3"]) {
            const r = run(
                "openssl",
                [
                    "s_client",
                    "-connect",
                    `127.0.0.1:${ports.https}`,
                    "-servername",
                    DOMAIN,
                    version,
                ],
                "",
            );
            assert.equal(r.status, 0, `${version} handshake: ${r.stderr}`);
            assert.match(r.stdout, new RegExp(`New, TLSv1\\.${version.slice(-1)}, Cipher is`));
        }
        // testssl.sh sends its own ClientHellos, so the refusal is the server's, not a client
        // library that no longer offers old protocols.
        const testssl = requireTool(t, "testssl", ["/usr/bin/testssl"]);
        if (!testssl) {
            return;
        }
        const report = path.join(work!.dir, "testssl.json");
        const r = run(testssl, [
            "--quiet",
            "--color",
            "0",
            "--warnings",
            "off",
            "--nodns",
            "none",
            "--ip",
            "127.0.0.1",
            "--protocols",
            "--jsonfile",
            report,
            `${DOMAIN}:${ports.https}`,
        ]);
        assert.ok(fs.existsSync(report), `testssl.sh wrote no report: ${r.stdout}${r.stderr}`);
        const findings = JSON.parse(fs.readFileSync(report, "utf8")) as {
            id: string;
            finding: string;
        }[];
        const finding = (id: string) => findings.find((f) => f.id === id)?.finding ?? "(missing)";
        for (const id of ["SSLv2", "SSLv3", "TLS1", "TLS1_1"]) {
            assert.match(finding(id), /not offered/, `${id}: ${finding(id)}`);
        }
        for (const id of ["TLS1_2", "TLS1_3"]) {
            assert.match(finding(id), /^offered/, `${id}: ${finding(id)}`);
        }
    });

    it("sends every security header on a 200 and a 404", async (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        const ok = await request("/");
        assert.equal(ok.status, 200);
        assert.equal(ok.body, "hello\n");
        assertSecurityHeaders(ok, "200");
        const missing = await request("/no/such/page");
        assert.equal(missing.status, 404);
        assertSecurityHeaders(missing, "404");
    });

    it("refuses methods the app does not serve", async (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        const trace = await request("/", { method: "TRACE" });
        assert.equal(trace.status, 405);
        assertSecurityHeaders(trace, "405");
    });

    it("answers a flood from one client with 429, headers included", async (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        const { burst, requestsPerSecond } = config.proxy.rateLimit;
        // Earlier requests (testssl.sh probes HTTP too) used part of the bucket: let it refill.
        await sleep(1000 + (1000 * burst) / requestsPerSecond);
        const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
        const statuses: number[] = [];
        let limited: Reply | undefined;
        // More requests than the burst allows, back to back: the excess must be refused.
        for (let i = 0; i < burst * 2 + 10 && !limited; i++) {
            const reply = await request("/", { agent });
            statuses.push(reply.status);
            if (reply.status === 429) {
                limited = reply;
            }
        }
        agent.destroy();
        assert.ok(limited, `no 429 after ${statuses.length} requests: ${statuses.join(",")}`);
        assertSecurityHeaders(limited, "429");
        assert.ok(statuses.filter((s) => s === 200).length >= burst, "the burst itself is served");
    });

    it("redirects plain HTTP to HTTPS and drops unknown names", async (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        const reply = await new Promise<Reply>((resolve, reject) => {
            http.get(
                { host: "127.0.0.1", port: ports.http, path: "/a?b=1", headers: { Host: DOMAIN } },
                (res) => {
                    res.resume();
                    resolve({ status: res.statusCode!, headers: res.headers, body: "" });
                },
            ).on("error", reject);
        });
        assert.equal(reply.status, 301);
        assert.equal(reply.headers.location, `https://${DOMAIN}:${config.proxy.httpsPort}/a?b=1`);
        assert.equal(reply.headers["strict-transport-security"], undefined, "no HSTS over HTTP");

        const unknownHost = await new Promise<string>((resolve) => {
            http.get({
                host: "127.0.0.1",
                port: ports.http,
                path: "/",
                headers: { Host: "x.invalid" },
            })
                .on("response", (res) => resolve(`answered ${res.statusCode}`))
                .on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        });
        assert.equal(unknownHost, "ECONNRESET", "an unknown Host gets no answer (444)");

        const unknownSni = run(
            "openssl",
            ["s_client", "-connect", `127.0.0.1:${ports.https}`, "-servername", "x.invalid"],
            "",
        );
        assert.notEqual(unknownSni.status, 0, "a handshake for an unknown name is refused");
    });

    it("sends every security header on a 502 when the app is down", async (t) => {
        if (!nginx) {
            return t.skip("nginx is not running");
        }
        await new Promise((r) => upstream!.close(r));
        upstream!.closeAllConnections();
        upstream = undefined;
        // The rate limit of the previous test refills at the configured rate; wait it out.
        await new Promise((r) =>
            setTimeout(
                r,
                1000 +
                    (1000 * config.proxy.rateLimit.burst) /
                        config.proxy.rateLimit.requestsPerSecond,
            ),
        );
        const reply = await request("/");
        assert.equal(reply.status, 502);
        assertSecurityHeaders(reply, "502");
        assert.doesNotMatch(reply.body, /nginx\/\d/, "no version in the error page");
    });
});
