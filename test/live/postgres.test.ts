import assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { postgresStartScript } from "../../infra/components/postgres";
import { loadConfig } from "../../infra/config";
import { DatabasePlan, databasePlan } from "../../infra/render/databasePlan";
import { stableScramVerifier } from "../../infra/render/passwords";
import {
    parseHba,
    postgresModel,
    postgresPaths,
    renderPgHba,
    renderPostgresqlConf,
} from "../../infra/render/postgres";
import { devConfig } from "../support/program";
import {
    freePort,
    requireRoot,
    requireTool,
    run,
    tempDir,
    testCertificate,
    waitForPort,
} from "../support/live";

// A real PostgreSQL 15 from Debian's packages, started by the container's own start script on
// the rendered postgresql.conf and pg_hba.conf, on 127.0.0.1, as the postgres OS user.
const BIN = "/usr/lib/postgresql/15/bin";
const config = loadConfig(devConfig()).data.postgres;
const roles = config.roles;
const ADMIN_PASSWORD = "Adm1n-live-test-password-xyzXYZ";
const APP_PASSWORD = "App-live-test-password-123abcXYZ";
const VIEWER_PERSON = "hs_data_viewer_person";
const VIEWER_PASSWORD = "Viewer-live-test-password-9zZ";

let server: ChildProcess | undefined;
let workDir: { dir: string; remove: () => void } | undefined;
let port = 0;
let psql = "";
let openssl = "";
let caFile = "";
let dataDir = "";
let skipped = false;
let logFile = "";

/** Runs SQL with psql and returns status and output; never throws. */
function sql(
    user: string,
    password: string,
    statement: string,
    options: { db?: string; sslmode?: string; vars?: Record<string, string> } = {},
) {
    const conninfo = [
        "host=127.0.0.1",
        `port=${port}`,
        `dbname=${options.db ?? config.database}`,
        `user=${user}`,
        `sslmode=${options.sslmode ?? "verify-full"}`,
        `sslrootcert=${caFile}`,
        "connect_timeout=5",
    ].join(" ");
    const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-v", `${k}=${v}`]);
    const r = run(
        "env",
        [
            `PGPASSWORD=${password}`,
            psql,
            conninfo,
            "-X",
            "-q",
            "-tA",
            "-v",
            "ON_ERROR_STOP=1",
            ...vars,
            "-f",
            "-",
        ],
        statement,
    );
    return { ...r, out: r.stdout.trim() };
}

/** Runs SQL that must succeed and returns its output. */
function ok(user: string, password: string, statement: string, options = {}): string {
    const r = sql(user, password, statement, options);
    assert.equal(r.status, 0, `${user}: ${statement}\n${r.stderr}`);
    return r.out;
}

/** The SQL equivalent of what AppDatabase asks @pulumi/postgresql to do. */
function planSql(plan: DatabasePlan): string[] {
    const lines: string[] = [];
    for (const r of plan.roles) {
        const attrs = [
            r.login ? "LOGIN" : "NOLOGIN",
            "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT",
            `CONNECTION LIMIT ${r.connectionLimit}`,
            r.withPassword ? `PASSWORD '${stableScramVerifier(APP_PASSWORD, r.name)}'` : "",
        ];
        lines.push(`CREATE ROLE ${r.name} ${attrs.join(" ")};`);
    }
    lines.push(`\\connect ${plan.database}`);
    lines.push(`CREATE SCHEMA ${plan.schema} AUTHORIZATION ${plan.schemaOwner};`);
    for (const ext of plan.extensions) {
        lines.push(`CREATE EXTENSION ${ext};`);
    }
    for (const g of plan.grants) {
        const target =
            g.objectType === "database"
                ? `DATABASE ${plan.database}`
                : g.objectType === "schema"
                  ? `SCHEMA ${g.schema}`
                  : `ALL ${g.objectType.toUpperCase()}S IN SCHEMA ${g.schema}`;
        lines.push(
            g.privileges.length === 0
                ? `REVOKE ALL ON ${target} FROM ${g.role};`
                : `GRANT ${g.privileges.join(", ")} ON ${target} TO ${g.role};`,
        );
    }
    for (const d of plan.defaultPrivileges) {
        lines.push(
            `ALTER DEFAULT PRIVILEGES FOR ROLE ${d.owner} IN SCHEMA ${d.schema} ` +
                `GRANT ${d.privileges.join(", ")} ON ${d.objectType.toUpperCase()}S TO ${d.role};`,
        );
    }
    return lines;
}

async function stopServer(): Promise<void> {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) {
        return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
    await exited;
    clearTimeout(timer);
}

describe("PostgreSQL with the rendered configuration (live)", () => {
    before(async (t) => {
        const ctx = t as unknown as import("node:test").TestContext;
        if (!requireRoot(ctx)) {
            skipped = true;
            return;
        }
        const initdb = requireTool(ctx, "initdb", [`${BIN}/initdb`]);
        psql = requireTool(ctx, "psql", ["/usr/bin/psql"]) ?? "";
        openssl = requireTool(ctx, "openssl") ?? "";
        if (!initdb || !psql || !openssl) {
            skipped = true;
            return;
        }
        workDir = tempDir("hs-data-pg");
        const dir = workDir.dir;
        const configDir = path.join(dir, "config");
        dataDir = path.join(dir, "data");
        fs.mkdirSync(path.join(configDir, "tls"), { recursive: true });
        const paths = postgresPaths(configDir, dataDir);
        port = await freePort();
        logFile = path.join(dir, "server.log");

        const cert = testCertificate(dir, ["127.0.0.1", "localhost"]);
        caFile = cert.cert;
        fs.copyFileSync(cert.cert, paths.certFile);
        fs.copyFileSync(cert.key, paths.keyFile);
        const model = postgresModel(config, "127.0.0.1/32", {
            paths,
            listen: { address: "127.0.0.1", port },
            clientCidr: "127.0.0.1/32",
        });
        fs.writeFileSync(paths.configFile, renderPostgresqlConf(model));
        fs.writeFileSync(paths.hbaFile, renderPgHba(model));
        fs.writeFileSync(
            paths.adminPasswordFile,
            stableScramVerifier(ADMIN_PASSWORD, roles.admin) + "\n",
        );
        // The same owners and modes the container's uploads set (FC-14).
        execFileSync("chown", ["-R", "postgres:postgres", dir]);
        fs.chmodSync(dir, 0o700);
        fs.chmodSync(paths.keyFile, 0o600);
        fs.chmodSync(paths.adminPasswordFile, 0o400);

        server = spawn(
            "setpriv",
            [
                "--reuid=postgres",
                "--regid=postgres",
                "--init-groups",
                "--",
                "bash",
                "-c",
                postgresStartScript(roles.admin, paths),
            ],
            {
                env: { PATH: `${BIN}:/usr/bin:/bin`, LANG: "C.UTF-8" },
                // A file, not a pipe: the tests block on psql, and a full pipe would stall the
                // server.
                stdio: ["ignore", "ignore", fs.openSync(logFile, "a")],
            },
        );
        try {
            await waitForPort(port, 60000);
        } catch (err) {
            const log = fs.readFileSync(logFile, "utf8");
            throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
        }

        // The app database and its roles, as the stack creates them.
        ok(
            roles.admin,
            ADMIN_PASSWORD,
            `CREATE DATABASE ${config.database} OWNER ${roles.admin};`,
            {
                db: "postgres",
            },
        );
        ok(roles.admin, ADMIN_PASSWORD, planSql(databasePlan(config)).join("\n"), {
            db: "postgres",
        });
        ok(
            roles.admin,
            ADMIN_PASSWORD,
            [
                `CREATE ROLE ${VIEWER_PERSON} LOGIN PASSWORD ` +
                    `'${stableScramVerifier(VIEWER_PASSWORD, VIEWER_PERSON)}' IN ROLE ${roles.viewer};`,
                `SET ROLE ${roles.operator};`,
                `CREATE TABLE ${config.schema}.notes (id int PRIMARY KEY, body bytea, memo text);`,
            ].join("\n"),
        );
    });

    after(async () => {
        await stopServer();
        workDir?.remove();
    });

    it("refuses a connection without TLS", (t) => {
        if (skipped) return t.skip("setup skipped");
        const r = sql(roles.admin, ADMIN_PASSWORD, "SELECT 1;", { sslmode: "disable" });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /no encryption|rejects connection/);
    });

    it("refuses TLS below 1.2 and accepts TLS 1.2", (t) => {
        if (skipped) return t.skip("setup skipped");
        const handshake = (version: string) =>
            run(
                openssl,
                [
                    "s_client",
                    "-starttls",
                    "postgres",
                    "-connect",
                    `127.0.0.1:${port}`,
                    version,
                    // Let the client offer old protocols, so a refusal is the server's.
                    "-cipher",
                    "DEFAULT@SECLEVEL=0",
                ],
                "",
            );
        const old = handshake("-tls1_1");
        assert.match(old.stdout, /no peer certificate available/);
        assert.match(old.stdout, /Cipher is \(NONE\)/);
        const current = handshake("-tls1_2");
        assert.match(current.stdout, /Protocol\s*:\s*TLSv1\.2/);
        assert.doesNotMatch(current.stdout, /Cipher is \(NONE\)/);
    });

    it("logs in with SCRAM over verified TLS on the shipped hba file", (t) => {
        if (skipped) return t.skip("setup skipped");
        const out = ok(
            roles.admin,
            ADMIN_PASSWORD,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\nSHOW hba_file;\n" +
                "SHOW password_encryption;",
        ).split("\n");
        assert.deepEqual(out.slice(1), [
            path.join(workDir!.dir, "config", "pg_hba.conf"),
            "scram-sha-256",
        ]);
        assert.equal(out[0], "t");
        const rules = ok(
            roles.admin,
            ADMIN_PASSWORD,
            "SELECT type, auth_method FROM pg_hba_file_rules ORDER BY line_number;",
        );
        const rendered = parseHba(fs.readFileSync(out[1], "utf8"));
        assert.deepEqual(
            rules.split("\n"),
            rendered.map((l) => `${l.type}|${l.method}`),
            "the server reads the rendered rules, in order",
        );
        const verifiers = ok(
            roles.admin,
            ADMIN_PASSWORD,
            "SELECT count(*) FROM pg_authid WHERE rolpassword IS NOT NULL " +
                "AND rolpassword NOT LIKE 'SCRAM-SHA-256$%';",
        );
        assert.equal(verifiers, "0");
        assert.equal(ok(roles.app, APP_PASSWORD, "SELECT current_user;"), roles.app);
    });

    it("fails a login with a wrong password", (t) => {
        if (skipped) return t.skip("setup skipped");
        const r = sql(roles.app, `${APP_PASSWORD}x`, "SELECT 1;");
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /password authentication failed/);
    });

    it("lets each role do exactly what it should", (t) => {
        if (skipped) return t.skip("setup skipped");
        const table = `${config.schema}.notes`;
        ok(roles.app, APP_PASSWORD, `INSERT INTO ${table} (id, memo) VALUES (1, 'hello');`);
        assert.equal(
            ok(roles.app, APP_PASSWORD, `SELECT memo FROM ${table} WHERE id = 1;`),
            "hello",
        );
        assert.equal(ok(VIEWER_PERSON, VIEWER_PASSWORD, `SELECT count(*) FROM ${table};`), "1");
        const denied = (user: string, password: string, statement: string) => {
            const r = sql(user, password, statement);
            assert.notEqual(r.status, 0, `${user} may: ${statement}`);
            assert.match(r.stderr, /permission denied|must be owner|must have|not have permission/);
        };
        denied(VIEWER_PERSON, VIEWER_PASSWORD, `INSERT INTO ${table} (id) VALUES (2);`);
        denied(VIEWER_PERSON, VIEWER_PASSWORD, `DELETE FROM ${table};`);
        denied(roles.app, APP_PASSWORD, "CREATE ROLE hs_data_intruder;");
        denied(roles.app, APP_PASSWORD, `CREATE TABLE ${config.schema}.mine (id int);`);
        denied(roles.app, APP_PASSWORD, "CREATE TABLE public.mine (id int);");
        denied(roles.app, APP_PASSWORD, `DROP TABLE ${table};`);
        denied(roles.app, APP_PASSWORD, `CREATE DATABASE hs_data_other;`);
        const attrs = ok(
            roles.admin,
            ADMIN_PASSWORD,
            `SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = '${roles.app}';`,
        );
        assert.equal(attrs, "f|f|f");
        const publicConnect = ok(
            roles.admin,
            ADMIN_PASSWORD,
            `SELECT has_database_privilege('public', '${config.database}', 'CONNECT'), ` +
                "has_schema_privilege('public', 'public', 'CREATE');",
        );
        assert.equal(publicConnect, "f|f");
    });

    it("logs connections and DDL, never a password", (t) => {
        if (skipped) return t.skip("setup skipped");
        const log = fs.readFileSync(logFile, "utf8");
        assert.match(log, /connection authorized: user=/);
        assert.match(log, /statement: CREATE ROLE/);
        for (const password of [ADMIN_PASSWORD, APP_PASSWORD, VIEWER_PASSWORD]) {
            assert.ok(!log.includes(password), "a password reached the server log");
        }
    });

    it("encrypts a column with pgcrypto, and the plaintext never reaches the disk", (t) => {
        if (skipped) return t.skip("setup skipped");
        const secret = "hs-data-plaintext-marker-7f3a";
        const visible = "hs-data-visible-marker-c41e";
        const key = "hs-data-column-key-from-vault";
        const table = `${config.schema}.notes`;
        ok(
            roles.app,
            APP_PASSWORD,
            `INSERT INTO ${table} (id, body, memo) VALUES (10, pgp_sym_encrypt(:'secret', :'key'), :'visible');`,
            { vars: { secret, key, visible } },
        );
        const back = ok(
            roles.app,
            APP_PASSWORD,
            `SELECT pgp_sym_decrypt(body, :'key') FROM ${table} WHERE id = 10;`,
            { vars: { key } },
        );
        assert.equal(back, secret);

        const file = ok(
            roles.admin,
            ADMIN_PASSWORD,
            `CHECKPOINT;\nSELECT pg_relation_filepath('${table}');`,
        );
        const bytes = fs.readFileSync(path.join(dataDir, file));
        // The unencrypted column is found, so the search does read the row's bytes.
        assert.ok(bytes.includes(visible), "the table file does not hold the row");
        assert.ok(!bytes.includes(secret), "the encrypted column's plaintext is on disk");
    });
});
