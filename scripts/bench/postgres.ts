// PostgreSQL: pgbench select-only over TLS with SCRAM against the same server over its local
// socket, with persistent connections and with a new connection per transaction (-C). The
// server runs the data tier's rendered postgresql.conf and pg_hba.conf.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { StackConfig } from "../../infra/config";
import {
    postgresModel,
    postgresPaths,
    renderPgHba,
    renderPostgresqlConf,
} from "../../infra/render/postgres";
import { renderTemplate } from "../../infra/render/templates";
import { selfSignedCertificate } from "./lib/certificates";
import { parsePgbench } from "./lib/parse";
import {
    Workspace,
    asServiceUser,
    freePorts,
    giveToServiceUser,
    runChecked,
    treeCpuMs,
} from "./lib/processes";
import {
    Comparison,
    Log,
    Sample,
    SuiteResult,
    VariantSpec,
    measureAlternately,
    ratioOf,
} from "./lib/results";

/** How long and how often to measure. */
export interface PostgresBenchOptions {
    /** Whether each variant gets a short untimed run first. */
    warmUp: boolean;
    seconds: number;
    rounds: number;
    /** pgbench clients (-c); two threads (-j 2) drive them. */
    clients: number;
}

/** The folder of PostgreSQL's server programs: PATH first, else Debian's versioned folder. */
export function postgresBinDir(): string {
    const root = "/usr/lib/postgresql";
    const versions = fs.existsSync(root)
        ? fs
              .readdirSync(root)
              .filter((v) => /^\d+$/.test(v))
              .sort((a, b) => Number(b) - Number(a))
        : [];
    if (versions.length === 0) {
        throw new Error("PostgreSQL's server is not installed (apt-get install postgresql)");
    }
    return path.join(root, versions[0], "bin");
}

/** How a client reaches the server. */
type Side = "socket" | "tls" | "tcp";

const SIDES: Record<Side, string> = {
    socket: "local Unix socket, SCRAM",
    tls: "TCP 127.0.0.1, TLS (sslmode=verify-full), SCRAM",
    tcp: "TCP 127.0.0.1 without TLS, SCRAM (only to tell TCP's share of the cost from TLS's)",
};

/** Where the server is and who logs in: real values, or placeholders for the report. */
interface Address {
    user: string;
    port: string;
    socketDir: string;
    caFile: string;
}

/** The libpq connection string of a side; the password comes from PGPASSFILE, never from here. */
export function connectionString(side: Side, at: Address): string {
    const common = `port=${at.port} user=${at.user} dbname=postgres gssencmode=disable`;
    switch (side) {
        case "socket":
            return `host=${at.socketDir} ${common}`;
        case "tls":
            return `host=127.0.0.1 ${common} sslmode=verify-full sslrootcert=${at.caFile}`;
        case "tcp":
            return `host=127.0.0.1 ${common} sslmode=disable`;
    }
}

/** The report's stand-ins for the values of one run. */
function placeholders(user: string): Address {
    return { user, port: "$PORT", socketDir: "$SOCKET_DIR", caFile: "$CA" };
}

/** A running server and how to reach it. */
interface Database {
    pid: number;
    at: Address;
    /** The environment of its clients, with PGPASSFILE. */
    env: NodeJS.ProcessEnv;
}

/**
 * Starts PostgreSQL on the data tier's rendered files, as its container does: initdb with the
 * admin role and SCRAM, then the server with `config_file` pointing at the rendered
 * postgresql.conf. Two changes, both for the baselines: a socket folder on the command line
 * (the rendered file has none) and the benchmark's lines in front of the rendered pg_hba.conf.
 */
async function startDatabase(ws: Workspace, config: StackConfig, log: Log): Promise<Database> {
    const pg = config.data.postgres;
    const user = pg.roles.admin;
    const bin = postgresBinDir();
    const [port] = await freePorts(1);
    const cert = await selfSignedCertificate(ws, "ecdsa");
    const paths = postgresPaths(ws.folder("conf"), ws.folder("data"));
    const socketDir = ws.folder("socket");
    giveToServiceUser(paths.dataDir, 0o700);
    giveToServiceUser(socketDir, 0o700);
    fs.mkdirSync(path.dirname(paths.certFile));
    fs.copyFileSync(cert.cert, paths.certFile);
    fs.copyFileSync(cert.key, paths.keyFile);
    giveToServiceUser(paths.keyFile, 0o600);

    // A fresh password per run, in files only the service uid and we can read.
    const password = randomBytes(24).toString("base64url");
    const pwFile = ws.file("initdb.pw");
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    giveToServiceUser(pwFile);
    const passFile = ws.file("pgpass");
    fs.writeFileSync(passFile, `*:${port}:*:${user}:${password}\n`, { mode: 0o600 });

    log("postgres: initdb");
    const [initdb, initArgs] = asServiceUser(path.join(bin, "initdb"), [
        `--pgdata=${paths.dataDir}`,
        `--username=${user}`,
        `--pwfile=${pwFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--data-checksums",
        "--no-instructions",
    ]);
    await runChecked(initdb, initArgs, { cwd: ws.dir });
    fs.rmSync(pwFile);

    const model = postgresModel(pg, "127.0.0.1/32", {
        paths,
        listen: { address: "127.0.0.1", port },
        clientCidr: "127.0.0.1/32",
    });
    fs.writeFileSync(paths.configFile, renderPostgresqlConf(model));
    fs.writeFileSync(
        paths.hbaFile,
        renderTemplate("bench/pg_hba.conf", { user: user.padEnd(19) }) + renderPgHba(model),
    );
    const server = ws.start(
        "postgres",
        path.join(bin, "postgres"),
        [
            "-D",
            paths.dataDir,
            "-c",
            `config_file=${paths.configFile}`,
            "-c",
            `unix_socket_directories=${socketDir}`,
        ],
        undefined,
        "SIGINT",
    );
    await server.waitForPort(port);

    const db: Database = {
        pid: server.pid,
        at: { user, port: String(port), socketDir, caFile: cert.cert },
        env: { ...process.env, PGPASSFILE: passFile },
    };
    log("postgres: pgbench -i (scale 1)");
    await runChecked("pgbench", ["-i", "-q", "-s", "1", connectionString("socket", db.at)], {
        env: db.env,
    });
    return db;
}

function pgbenchArgs(
    conninfo: string,
    options: PostgresBenchOptions,
    seconds: number,
    reconnect: boolean,
) {
    return [
        "-n",
        "-S",
        ...(reconnect ? ["-C"] : []),
        "-c",
        String(options.clients),
        "-j",
        "2",
        "-T",
        String(seconds),
        conninfo,
    ];
}

/** One pgbench round: transactions/s and the server's CPU per transaction. */
function pgbench(db: Database, side: Side, options: PostgresBenchOptions, reconnect: boolean) {
    return async (warmUp: boolean): Promise<Sample> => {
        const seconds = warmUp ? 1 : options.seconds;
        const args = pgbenchArgs(connectionString(side, db.at), options, seconds, reconnect);
        const cpuBefore = treeCpuMs(db.pid);
        const out = await runChecked("pgbench", args, { env: db.env });
        // Backends exit after pgbench does; once reaped, their time counts in the postmaster's.
        await new Promise((r) => setTimeout(r, 300));
        const cpuMs = treeCpuMs(db.pid) - cpuBefore;
        const r = parsePgbench(out);
        if (r.failed > 0 || r.transactions === 0) {
            throw new Error(
                `pgbench ${side}: ${r.failed} of ${r.transactions} transactions failed`,
            );
        }
        return { value: r.tps, serverCpuUs: (cpuMs * 1000) / r.transactions };
    };
}

/** The PostgreSQL suite. */
export async function benchPostgres(
    config: StackConfig,
    options: PostgresBenchOptions,
    log: Log,
): Promise<SuiteResult> {
    const ws = new Workspace("postgres");
    try {
        const db = await startDatabase(ws, config, log);
        const comparisons: Comparison[] = [];
        for (const reconnect of [false, true]) {
            log(
                `postgres: select-only, ${reconnect ? "a new connection per transaction" : "persistent connections"}`,
            );
            const variants: VariantSpec[] = (["socket", "tls", "tcp"] as const).map((side) => {
                const args = pgbenchArgs(
                    `"${connectionString(side, placeholders(db.at.user))}"`,
                    options,
                    options.seconds,
                    reconnect,
                );
                return {
                    id: side,
                    label: SIDES[side],
                    command: `PGPASSFILE=$PGPASS pgbench ${args.join(" ")}`,
                    measure: pgbench(db, side, options, reconnect),
                };
            });
            const results = await measureAlternately(variants, options.rounds, log, options.warmUp);
            const ratios = [ratioOf(results, "tls", "socket"), ratioOf(results, "tls", "tcp")];
            comparisons.push({
                id: reconnect ? "postgres-connect" : "postgres-persistent",
                title: reconnect
                    ? "PostgreSQL: select-only with a new connection per transaction (pgbench -C)"
                    : "PostgreSQL: select-only, persistent connections",
                unit: "transactions/s",
                variants: results,
                ratios,
                target: reconnect
                    ? undefined
                    : { text: "TLS >= 0.8 x socket", met: ratios[0].summary.median >= 0.8 },
                notes: [],
            });
        }
        return { name: "postgres", comparisons, checks: [], notes: [] };
    } finally {
        await ws.close();
    }
}
