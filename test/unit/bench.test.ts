// The benchmark scripts' own logic: statistics, the parsers of the tools' output, the config
// variants and generated programs they measure, and the report. No timing is asserted here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import { loadConfig } from "../../infra/config";
import { nginxModel, renderNginxConfig } from "../../infra/render/nginx";
import {
    parseDurationMs,
    parsePgbench,
    parseProcStat,
    parseSClient,
    parseWrk,
} from "../../scripts/bench/lib/parse";
import {
    RESULTS_END,
    RESULTS_START,
    formatNumber,
    renderResults,
    replaceResults,
} from "../../scripts/bench/lib/report";
import { Scaling, VariantResult, ratioOf } from "../../scripts/bench/lib/results";
import {
    linearFit,
    marginalCosts,
    median,
    pairedRatios,
    roundOrder,
    summarize,
} from "../../scripts/bench/lib/stats";
import {
    withoutAccessLog,
    withoutClientLimits,
    withoutSecurityHeaders,
} from "../../scripts/bench/nginxEdges";
import { generateProgram, scalingChecks } from "../../scripts/bench/offline";
import { connectionString } from "../../scripts/bench/postgres";
import { ROOT, devConfig } from "../support/program";

const WRK_OUTPUT = `Running 4s test @ https://127.0.0.1:40123/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.50us  301.00us   9.10ms   88.00%
    Req/Sec    19.71k     1.20k   21.30k    75.00%
  78406 requests in 4.00s, 12.34MB read
  Non-2xx or 3xx responses: 77012
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:  19601.50
Transfer/sec:      3.08MB
`;

const PGBENCH_OUTPUT = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: <builtin: select only>
scaling factor: 1
query mode: simple
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 4 s
number of transactions actually processed: 1024
number of failed transactions: 0 (0.000%)
latency average = 15.625 ms
average connection time = 14.982 ms
tps = 256.000000 (including reconnection times)
`;

describe("benchmark statistics", () => {
    it("takes the median of odd and even counts and refuses none", () => {
        assert.equal(median([5, 1, 3]), 3);
        assert.equal(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]), /no samples/);
    });

    it("summarises the spread relative to the median", () => {
        const s = summarize([90, 100, 110]);
        assert.deepEqual(
            { n: s.n, median: s.median, min: s.min, max: s.max },
            { n: 3, median: 100, min: 90, max: 110 },
        );
        assert.ok(Math.abs(s.relativeSpread - 0.2) < 1e-12);
    });

    it("pairs ratios round by round, so drift between rounds cancels", () => {
        // The machine slowed down by half in round 2; both sides did, the ratio did not move.
        const r = pairedRatios([95, 47.5], [100, 50]);
        assert.equal(r.median, 0.95);
        assert.equal(r.relativeSpread, 0);
        assert.throws(() => pairedRatios([1, 2], [1]), /as many/);
    });

    it("compares two measured variants and their server CPU per operation", () => {
        const variant = (id: string, samples: number[], cpu?: number[]): VariantResult => ({
            id,
            label: id,
            command: id,
            samples,
            summary: summarize(samples),
            serverCpuUs: cpu && summarize(cpu),
        });
        const r = ratioOf(
            [variant("a", [90, 45], [22, 22]), variant("b", [100, 50], [20, 20])],
            "a",
            "b",
        );
        assert.equal(r.summary.median, 0.9);
        assert.ok(Math.abs(r.serverCpu! - 1.1) < 1e-12);
        const noCpu = ratioOf([variant("a", [1]), variant("b", [2])], "a", "b");
        assert.equal(noCpu.serverCpu, undefined);
        assert.throws(() => ratioOf([variant("a", [1])], "a", "c"), /no variant c/);
    });

    it("rotates the order of the variants each round", () => {
        assert.deepEqual(roundOrder(["a", "b", "c"], 0), ["a", "b", "c"]);
        assert.deepEqual(roundOrder(["a", "b", "c"], 1), ["b", "c", "a"]);
        assert.deepEqual(roundOrder(["a", "b", "c"], 3), ["a", "b", "c"]);
        assert.deepEqual(roundOrder([], 2), []);
    });

    it("fits a line exactly through collinear points and worse through a curve", () => {
        const line = linearFit([10, 100, 1000].map((x) => ({ x, y: 2 * x + 500 })));
        assert.ok(Math.abs(line.slope - 2) < 1e-9 && Math.abs(line.intercept - 500) < 1e-6);
        assert.ok(Math.abs(line.r2 - 1) < 1e-12);
        const curve = linearFit([1, 2, 3, 4, 5].map((x) => ({ x, y: x * x })));
        assert.ok(curve.r2 < 0.99);
        assert.throws(() => linearFit([{ x: 1, y: 1 }]), /two points/);
    });

    it("finds the cost per unit between neighbouring sizes", () => {
        const steps = marginalCosts([
            { x: 1000, y: 12000 },
            { x: 10, y: 2100 },
            { x: 100, y: 3000 },
        ]);
        assert.deepEqual(steps, [
            { from: 10, to: 100, perUnit: 10 },
            { from: 100, to: 1000, perUnit: 10 },
        ]);
    });
});

describe("parsers of the load tools' output", () => {
    it("reads wrk's summary, errors and latency", () => {
        assert.deepEqual(parseWrk(WRK_OUTPUT), {
            requestsPerSecond: 19601.5,
            requests: 78406,
            non2xx: 77012,
            socketErrors: 3,
            latencyMeanMs: 0.8125,
        });
        assert.equal(parseDurationMs("2.00s"), 2000);
        assert.throws(() => parseDurationMs("fast"), /not a wrk duration/);
    });

    it("fails on wrk output without a summary instead of reporting zero", () => {
        assert.throws(
            () => parseWrk("unable to connect to 127.0.0.1:1 Connection refused"),
            /no summary/,
        );
    });

    it("reads pgbench's rate, failures and connection time", () => {
        assert.deepEqual(parsePgbench(PGBENCH_OUTPUT), {
            tps: 256,
            transactions: 1024,
            failed: 0,
            latencyMeanMs: 15.625,
            connectionMs: 14.982,
        });
        const persistent = PGBENCH_OUTPUT.replace(/^average connection time.*\n/m, "");
        assert.equal(parsePgbench(persistent).connectionMs, undefined);
        assert.throws(() => parsePgbench("connection to server failed"), /no summary/);
    });

    it("tells a resumed TLS session from a new one", () => {
        const reused = parseSClient(
            "---\nReused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\n" +
                "HTTP/1.1 200 OK\r\nServer: nginx\r\n",
        );
        assert.deepEqual(reused, { reused: true, protocol: "TLSv1.3", httpStatus: 200 });
        const fresh = parseSClient("New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256\n");
        assert.deepEqual(fresh, { reused: false, protocol: "TLSv1.3", httpStatus: undefined });
        assert.throws(() => parseSClient("CONNECTED(00000003)\nerrno=104\n"), /no TLS session/);
    });

    it("counts /proc fields after a command name with spaces and parentheses", () => {
        const line =
            "4242 (nginx: (worker) x) S 4241 4241 4241 0 -1 4194560 10 0 0 0 120 30 7 3 20 0 1 0";
        assert.deepEqual(parseProcStat(line), {
            pid: 4242,
            comm: "nginx: (worker) x",
            ppid: 4241,
            ownTicks: 150,
            reapedTicks: 10,
        });
    });
});

describe("what the benchmarks measure", () => {
    const rendered = () => renderNginxConfig(nginxModel(loadConfig(devConfig())));

    it("takes exactly the per-client limits out of the hardened config", () => {
        const conf = rendered();
        const stripped = withoutClientLimits(conf);
        assert.doesNotMatch(stripped, /^\s*limit_req zone=/m);
        assert.doesNotMatch(stripped, /^\s*limit_conn per_client_conn/m);
        // The zones stay declared, and nothing else changes.
        assert.match(stripped, /limit_req_zone/);
        assert.equal(conf.split("\n").length - stripped.split("\n").length, 2);
    });

    it("takes out every security header and nothing else", () => {
        const conf = rendered();
        const stripped = withoutSecurityHeaders(conf);
        const headers = conf.match(/^\s*add_header /gm)!.length;
        assert.ok(headers > 10, `${headers} add_header lines rendered`);
        assert.doesNotMatch(stripped, /add_header/);
        assert.equal(conf.split("\n").length - stripped.split("\n").length, headers);
    });

    it("turns the access log off instead of leaving nginx's default log", () => {
        const stripped = withoutAccessLog(rendered());
        assert.deepEqual(stripped.match(/^\s*access_log .*$/gm), ["    access_log off;"]);
    });

    it("refuses a config without the part it should take out", () => {
        assert.throws(() => withoutClientLimits("http {}\n"), /no limits/);
        assert.throws(() => withoutSecurityHeaders("http {}\n"), /no security headers/);
        assert.throws(() => withoutAccessLog("http {}\n"), /no access log/);
    });

    it("reaches PostgreSQL over TLS with full verification, and carries no password", () => {
        const at = { user: "hs_admin", port: "5432", socketDir: "/tmp/s", caFile: "/tmp/ca.pem" };
        assert.match(
            connectionString("tls", at),
            /^host=127\.0\.0\.1 .*sslmode=verify-full sslrootcert=\/tmp\/ca\.pem$/,
        );
        assert.match(connectionString("socket", at), /^host=\/tmp\/s port=5432 user=hs_admin /);
        assert.match(connectionString("tcp", at), /sslmode=disable$/);
        for (const side of ["tls", "socket", "tcp"] as const) {
            assert.doesNotMatch(connectionString(side, at), /password/);
        }
    });

    it("generates a program the offline preview runs, with every container", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hs-bench-test-"));
        try {
            const program = path.join(dir, "program.ts");
            fs.writeFileSync(program, generateProgram(3));
            const r = spawnSync(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    path.join(ROOT, "scripts", "bench", "previewProgram.ts"),
                    program,
                ],
                { cwd: ROOT, encoding: "utf8", timeout: 60000 },
            );
            assert.equal(r.status, 0, r.stderr);
            const containers = r.stdout.match(/docker:index\/container:Container {2}svc-\d+$/gm);
            assert.deepEqual(
                containers?.map((c) => c.split("  ")[1]),
                ["svc-0", "svc-1", "svc-2"],
            );
            assert.match(r.stdout, /docker:index\/network:Network {2}net-group0$/m);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the offline targets", () => {
    const scaling = (perContainerMs: (n: number) => number): Scaling => {
        const sizes = [10, 100, 1000];
        const at = (n: number) => 1500 + n * perContainerMs(n);
        const point = (ms: number) => ({ n: 1, median: ms, min: ms, max: ms, relativeSpread: 0 });
        const sized = sizes.map((x) => ({ x, y: at(x) }));
        return {
            tool: "check",
            label: "check",
            commands: [],
            points: [
                { label: "dev stack", wallMs: point(1200), maxRssMb: point(200) },
                ...sizes.map((n) => ({
                    label: `${n} containers`,
                    containers: n,
                    wallMs: point(at(n)),
                    maxRssMb: point(200),
                })),
            ],
            fit: linearFit(sized),
            steps: marginalCosts(sized),
        };
    };
    const verdicts = (s: Scaling) =>
        Object.fromEntries(scalingChecks(s).map((c) => [c.id, c.target.met]));

    it("passes a linear tool that is fast enough", () => {
        assert.deepEqual(verdicts(scaling(() => 5)), {
            "check-dev": true,
            "check-1000": true,
            "check-linear": true,
        });
    });

    it("fails a tool whose cost per container grows with the program", () => {
        assert.deepEqual(verdicts(scaling((n) => n / 200)), {
            "check-dev": true,
            "check-1000": true,
            "check-linear": false,
        });
        assert.equal(verdicts(scaling(() => 20))["check-1000"], false);
    });
});

describe("the benchmark report", () => {
    it("writes between the markers and keeps the hand-written text around them", () => {
        const doc = `# Benchmarks\n\nMethod.\n\n${RESULTS_START}\nold\n${RESULTS_END}\n\nNotes.\n`;
        const updated = replaceResults(doc, "new results\n");
        assert.equal(
            updated,
            `# Benchmarks\n\nMethod.\n\n${RESULTS_START}\n\nnew results\n\n${RESULTS_END}\n\nNotes.\n`,
        );
        assert.equal(replaceResults(updated, "new results\n"), updated);
        assert.throws(() => replaceResults("# Benchmarks\n", "x"), /markers/);
    });

    it("says which targets were missed", () => {
        const s = summarize([0.7, 0.75, 0.8]);
        const text = renderResults({
            mode: "full",
            startedAt: "2026-12-04T17:50:00.000Z",
            durationSeconds: 480,
            machine: { cpus: 2, cpuModel: "cpu", memoryGiB: 23.5, kernel: "Linux" },
            versions: { nginx: "nginx/1.22.1" },
            load: {
                before: { loadAverage: 0.5, busiest: [] },
                after: { loadAverage: 0.7, busiest: [{ comm: "node", cpuPercent: 12 }] },
            },
            suites: [
                {
                    name: "postgres",
                    comparisons: [
                        {
                            id: "postgres-persistent",
                            title: "PostgreSQL: persistent",
                            unit: "transactions/s",
                            variants: ["socket", "tls"].map((id) => ({
                                id,
                                label: id,
                                command: `pgbench ${id}`,
                                samples: [1, 2, 3],
                                summary: summarize([1, 2, 3]),
                            })),
                            ratios: [{ candidate: "tls", baseline: "socket", summary: s }],
                            target: { text: "TLS >= 0.8 x socket", met: false },
                            notes: [],
                        },
                    ],
                    checks: [],
                    notes: [],
                },
            ],
            failures: [{ suite: "nginx", error: "wrk is not installed" }],
        });
        assert.match(
            text,
            /\| PostgreSQL: persistent \| TLS >= 0\.8 x socket \| tls\/socket 0\.750 \| \*\*missed\*\* \|/,
        );
        assert.match(
            text,
            /\| nginx \| \(suite failed\) \| wrk is not installed \| \*\*missed\*\* \|/,
        );
        assert.match(text, /busiest other commands: node 12%/);
    });

    it("formats numbers for tables", () => {
        assert.equal(formatNumber(19601.5), "19,602");
        assert.equal(formatNumber(4.5678), "4.57");
    });
});
