// TEST CODE, NOT A DEPLOYMENT PATH. The program manages the database, roles, schema, grants and
// extensions with @pulumi/postgresql resources, which no engine applies under mocks. For the
// engine test this turns their recorded inputs into the SQL the provider would run and applies
// it with psql as the provider's own user, over the provider's TLS settings (the recorded
// server address and verify-full against the internal CA), so the app meets the database the
// program describes. Only the inputs the program sets are translated; anything else throws.
import { spawnSync } from "node:child_process";

import { ProgramRun, unwrapSecrets } from "../../scripts/lib/mockRuntime";

/** SQL to run, in order, each batch in one database. */
export interface SqlBatch {
    database: string;
    statements: string[];
}

/** A quoted SQL identifier; `public` stays the keyword. */
function ident(name: string): string {
    return name === "public" ? "PUBLIC" : `"${name.replace(/"/g, '""')}"`;
}

/** A quoted SQL string literal. */
function literal(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
}

const GRANT_TARGETS: Record<string, (i: Record<string, any>) => string> = {
    database: (i) => `DATABASE ${ident(i.database)}`,
    schema: (i) => `SCHEMA ${ident(i.schema)}`,
    table: (i) => `ALL TABLES IN SCHEMA ${ident(i.schema)}`,
    sequence: (i) => `ALL SEQUENCES IN SCHEMA ${ident(i.schema)}`,
};

const DEFAULT_TARGETS: Record<string, string> = { table: "TABLES", sequence: "SEQUENCES" };

/** The SQL the postgresql resources of a run stand for: roles, databases, then the rest. */
export function postgresBatches(run: ProgramRun): SqlBatch[] {
    const of = (kind: string) =>
        run.resources
            .filter((r) => r.type === `postgresql:index/${kind}`)
            .map((r) => unwrapSecrets(r.inputs) as Record<string, any>);
    const batches: SqlBatch[] = [];
    const roles = of("role:Role").map((r) => {
        const password = r.passwordWo ?? r.password;
        return [
            `CREATE ROLE ${ident(r.name)} WITH ${r.login ? "LOGIN" : "NOLOGIN"}`,
            r.superuser ? "SUPERUSER" : "NOSUPERUSER",
            r.createDatabase ? "CREATEDB" : "NOCREATEDB",
            r.createRole ? "CREATEROLE" : "NOCREATEROLE",
            r.inherit === false ? "NOINHERIT" : "INHERIT",
            r.replication ? "REPLICATION" : "NOREPLICATION",
            r.bypassRowLevelSecurity ? "BYPASSRLS" : "NOBYPASSRLS",
            `CONNECTION LIMIT ${r.connectionLimit ?? -1}`,
            password ? `PASSWORD ${literal(password)}` : "",
        ].join(" ");
    });
    // CREATE DATABASE cannot run inside the transaction psql opens for a batch.
    batches.push({ database: "postgres", statements: roles });
    for (const d of of("database:Database")) {
        const options = [
            d.owner && `OWNER ${ident(d.owner)}`,
            d.template && `TEMPLATE ${ident(d.template)}`,
            d.encoding && `ENCODING ${literal(d.encoding)}`,
        ].filter(Boolean);
        batches.push({
            database: "postgres",
            statements: [`CREATE DATABASE ${ident(d.name)} ${options.join(" ")}`],
        });
    }
    const inDatabase = new Map<string, string[]>();
    const add = (database: string, sql: string) =>
        inDatabase.set(database, [...(inDatabase.get(database) ?? []), sql]);
    for (const s of of("schema:Schema")) {
        add(s.database, `CREATE SCHEMA ${ident(s.name)} AUTHORIZATION ${ident(s.owner)}`);
    }
    for (const e of of("extension:Extension")) {
        const schema = e.schema ? ` SCHEMA ${ident(e.schema)}` : "";
        add(e.database, `CREATE EXTENSION IF NOT EXISTS ${ident(e.name)}${schema}`);
    }
    for (const g of of("grant:Grant")) {
        const target = GRANT_TARGETS[g.objectType];
        if (!target) throw new Error(`cannot translate a grant on ${g.objectType}`);
        // The provider first revokes everything, then grants the listed privileges.
        add(g.database, `REVOKE ALL ON ${target(g)} FROM ${ident(g.role)}`);
        if (g.privileges.length > 0) {
            const option = g.withGrantOption ? " WITH GRANT OPTION" : "";
            add(
                g.database,
                `GRANT ${g.privileges.join(", ")} ON ${target(g)} TO ${ident(g.role)}${option}`,
            );
        }
    }
    for (const p of of("defaultPrivileges:DefaultPrivileges")) {
        const target = DEFAULT_TARGETS[p.objectType];
        if (!target) throw new Error(`cannot translate default privileges on ${p.objectType}`);
        add(
            p.database,
            `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(p.owner)} IN SCHEMA ${ident(p.schema)} ` +
                `GRANT ${p.privileges.join(", ")} ON ${target} TO ${ident(p.role)}`,
        );
    }
    for (const [database, statements] of inDatabase) {
        batches.push({ database, statements });
    }
    return batches.filter((b) => b.statements.length > 0);
}

/** How psql reaches the server: the provider's settings with the address on this engine. */
export interface PsqlTarget {
    /** The recorded host, which the server certificate names. */
    host: string;
    /** The address to connect to, where the realizer moved the server. */
    hostaddr: string;
    port: string;
    user: string;
    password: string;
    /** The CA file that verifies the server. */
    caFile: string;
}

/** The recorded postgresql provider's connection settings, secrets unwrapped. */
export function recordedProvider(run: ProgramRun): Record<string, any> | undefined {
    const provider = run.resources.find((r) => r.type === "pulumi:providers:postgresql");
    return provider && (unwrapSecrets(provider.inputs) as Record<string, any>);
}

/** Runs SQL with psql over TLS (verify-full unless told), stopping at the first error. */
export function psql(
    target: PsqlTarget,
    database: string,
    sql: string,
    sslmode = "verify-full",
): string {
    const conninfo = [
        `host=${target.host}`,
        `hostaddr=${target.hostaddr}`,
        `port=${target.port}`,
        `dbname=${database}`,
        `user=${target.user}`,
        `sslmode=${sslmode}`,
        ...(target.caFile ? [`sslrootcert=${target.caFile}`] : []),
        "connect_timeout=10",
    ].join(" ");
    const result = spawnSync("psql", [conninfo, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], {
        input: sql,
        encoding: "utf8",
        env: { ...process.env, PGPASSWORD: target.password },
        timeout: 30000,
    });
    if (result.status !== 0) {
        throw new Error(`psql in ${database} failed: ${result.stderr || result.error}`);
    }
    return result.stdout;
}

/** Applies the SQL of the run's postgresql resources, batch by batch. */
export function applyPostgresObjects(run: ProgramRun, target: PsqlTarget): void {
    for (const batch of postgresBatches(run)) {
        for (const statement of batch.statements) {
            psql(target, batch.database, `${statement};`);
        }
    }
}
