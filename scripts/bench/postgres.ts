// PostgreSQL: pgbench select-only over TLS with SCRAM against the same server over its local
// socket, with persistent connections and with a new connection per transaction (-C).
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { MOZILLA_INTERMEDIATE_CIPHERS } from "../../infra/render/nginx";
import { renderTemplate } from "../../infra/render/templates";
import { selfSignedCertificate } from "./lib/certificates";
import { parsePgbench } from "./lib/parse";
import {
    Workspace,
    asServiceUser,
    freePorts,
    giveToServiceUser,
    treeCpuMs,
    runChecked,
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

/** The login role of the benchmark. */
const ROLE = "bench";

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

/** Where the server is: real values, or placeholders for the report. */
interface Address {
    port: string;
    socketDir: string;
    caFile: string;
}

/** The libpq connection string of a side; the password comes from PGPASSFILE, never from here. */
export function connectionString(side: Side, at: Address): string {
    const common = `port=${at.port} user=${ROLE} dbname=postgres gssencmode=disable`;
    switch (side) {
        case "socket":
            return `host=${at.socketDir} ${common}`;
        case "tls":
            return `host=127.0.0.1 ${common} sslmode=verify-full sslrootcert=${at.caFile}`;
        case "tcp":
            return `host=127.0.0.1 ${common} sslmode=disable`;
    }
}

const PLACEHOLDERS: Address = { port: "$PORT", socketDir: "$SOCKET_DIR", caFile: "$CA" };

/** A running server and how to reach it. */
interface Database {
    pid: number;
    at: Address;
    /** The environment of its clients, with PGPASSFILE. */
    env: NodeJS.ProcessEnv;
}

async function startDatabase(ws: Workspace, log: Log): Promise<Database> {
    const bin = postgresBinDir();
    const [port] = await freePorts(1);
    const cert = await selfSignedCertificate(ws, "ecdsa");
    const dataDir = ws.folder("data");
    const socketDir = ws.folder("socket");
    giveToServiceUser(dataDir, 0o700);
    giveToServiceUser(socketDir, 0o700);

    // A fresh password per run, kept in files only the service uid and we can read.
    const password = randomBytes(24).toString("base64url");
    const pwFile = ws.file("initdb.pw");
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    giveToServiceUser(pwFile);
    const passFile = ws.file("pgpass");
    fs.writeFileSync(passFile, `*:${port}:*:${ROLE}:${password}\n`, { mode: 0o600 });

    log("postgres: initdb");
    const [initdb, initArgs] = asServiceUser(path.join(bin, "initdb"), [
        "-D",
        dataDir,
        "-U",
        ROLE,
        `--pwfile=${pwFile}`,
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--no-instructions",
    ]);
    await runChecked(initdb, initArgs, { cwd: ws.dir });
    fs.rmSync(pwFile);

    const confDir = ws.folder("conf");
    const hbaFile = path.join(confDir, "pg_hba.conf");
    const confFile = path.join(confDir, "postgresql.conf");
    fs.writeFileSync(hbaFile, renderTemplate("bench/pg_hba.conf", { user: ROLE }));
    fs.writeFileSync(
        confFile,
        renderTemplate("bench/postgresql.conf", {
            hbaFile,
            port,
            socketDir,
            certFile: cert.cert,
            keyFile: cert.key,
            ciphers: MOZILLA_INTERMEDIATE_CIPHERS.join(":"),
        }),
    );
    const server = ws.start(
        "postgres",
        path.join(bin, "postgres"),
        ["-D", dataDir, "-c", `config_file=${confFile}`],
        undefined,
        "SIGINT",
    );
    await server.waitForPort(port);

    const db: Database = {
        pid: server.pid,
        at: { port: String(port), socketDir, caFile: cert.cert },
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
export async function benchPostgres(options: PostgresBenchOptions, log: Log): Promise<SuiteResult> {
    const ws = new Workspace("postgres");
    try {
        const db = await startDatabase(ws, log);
        const comparisons: Comparison[] = [];
        for (const reconnect of [false, true]) {
            log(
                `postgres: select-only, ${reconnect ? "a new connection per transaction" : "persistent connections"}`,
            );
            const variants: VariantSpec[] = (["socket", "tls", "tcp"] as const).map((side) => {
                const args = pgbenchArgs(
                    `"${connectionString(side, PLACEHOLDERS)}"`,
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
