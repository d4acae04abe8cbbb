import { POSTGRES_PORT, PostgresConfig } from "../config/data";
import { MOZILLA_INTERMEDIATE_CIPHERS } from "./nginx";
import { renderTemplate } from "./templates";

/** Where the server's files live; the live test swaps these for a temporary folder. */
export interface PostgresPaths {
    /** The folder of the rendered files (a read-only config volume in the container). */
    configDir: string;
    /** The rendered postgresql.conf. */
    configFile: string;
    /** The rendered pg_hba.conf. */
    hbaFile: string;
    /** The server certificate. */
    certFile: string;
    /** The server's private key, owned by the postgres uid with mode 0600. */
    keyFile: string;
    /** The bootstrap superuser's SCRAM verifier, read once by initdb. */
    adminPasswordFile: string;
    /** The data directory, inside the data volume. */
    dataDir: string;
}

/**
 * Where the stack's data volume is mounted in the PostgreSQL container: the postgres user's
 * home in every Debian-based image, so a new volume takes its owner from the image.
 */
export const POSTGRES_VOLUME_PATH = "/var/lib/postgresql";

/**
 * Paths inside the PostgreSQL container (docs/ARCHITECTURE.md). The data directory is a folder
 * of the volume that no known image declares as a VOLUME: the official images up to 17 declare
 * /var/lib/postgresql/data, and Docker mounts a new anonymous volume there, over a folder of
 * ours of that name; the data would go into it and be lost when the container is replaced.
 */
export const POSTGRES_CONTAINER_PATHS: PostgresPaths = postgresPaths(
    "/etc/postgresql/hardened",
    `${POSTGRES_VOLUME_PATH}/pgdata`,
);

/** The paths of the rendered files under a config folder, with a data directory. */
export function postgresPaths(configDir: string, dataDir: string): PostgresPaths {
    return {
        configDir,
        configFile: `${configDir}/postgresql.conf`,
        hbaFile: `${configDir}/pg_hba.conf`,
        certFile: `${configDir}/tls/server.crt`,
        keyFile: `${configDir}/tls/server.key`,
        adminPasswordFile: `${configDir}/admin.scram`,
        dataDir,
    };
}

/** One `hostssl ... scram-sha-256` line of pg_hba.conf. */
export interface HbaAllow {
    /** A database name, `all`, or a comma-separated list. */
    database: string;
    /** A role name, `+group` for the group's members, or `all`. */
    user: string;
    /** The client network in CIDR form. */
    address: string;
}

/** Everything the two PostgreSQL templates need. */
export interface PostgresModel {
    paths: PostgresPaths;
    listen: { address: string; port: number };
    maxConnections: number;
    tls: { ciphers: string };
    log: { slowStatementMs: number };
    idleInTransactionTimeout: string;
    allow: HbaAllow[];
}

/** Overrides for the live test: paths, the listen address and the client network. */
export interface PostgresOverrides {
    paths?: PostgresPaths;
    listen?: { address: string; port: number };
    clientCidr?: string;
}

/**
 * Who may connect: the app role to the app database, members of the operator and viewer group
 * roles to the app database, and the admin role to any database (the provider manages roles
 * from `postgres`). All from the client network only.
 */
export function hbaAllowLines(config: PostgresConfig, clientCidr: string): HbaAllow[] {
    const { roles, database } = config;
    return [
        { database, user: roles.app, address: clientCidr },
        { database, user: `+${roles.operator}`, address: clientCidr },
        { database, user: `+${roles.viewer}`, address: clientCidr },
        { database: "all", user: roles.admin, address: clientCidr },
    ];
}

/** Builds the template model from validated config and the backend network. */
export function postgresModel(
    config: PostgresConfig,
    backendSubnet: string,
    overrides: PostgresOverrides = {},
): PostgresModel {
    const width = 19;
    return {
        paths: overrides.paths ?? POSTGRES_CONTAINER_PATHS,
        listen: overrides.listen ?? { address: "*", port: POSTGRES_PORT },
        maxConnections: config.maxConnections,
        tls: { ciphers: MOZILLA_INTERMEDIATE_CIPHERS.join(":") },
        log: { slowStatementMs: 1000 },
        idleInTransactionTimeout: "5min",
        // Padded so the rendered file reads as a table.
        allow: hbaAllowLines(config, overrides.clientCidr ?? backendSubnet).map((l) => ({
            database: l.database.padEnd(width),
            user: l.user.padEnd(width),
            address: l.address.padEnd(width),
        })),
    };
}

/** Renders postgresql.conf. */
export function renderPostgresqlConf(model: PostgresModel): string {
    return renderTemplate("postgresql/postgresql.conf", model);
}

/** Renders pg_hba.conf. */
export function renderPgHba(model: PostgresModel): string {
    return renderTemplate("postgresql/pg_hba.conf", model);
}

/** One parsed, non-comment line of pg_hba.conf. */
export interface HbaLine {
    type: string;
    database: string;
    user: string;
    /** The address column; empty for `local` lines. */
    address: string;
    method: string;
}

/** Parses pg_hba.conf into its lines, in order. Exported for tests and policies. */
export function parseHba(text: string): HbaLine[] {
    return text
        .split("\n")
        .map((l) => l.replace(/#.*$/, "").trim())
        .filter((l) => l.length > 0)
        .map((l) => {
            const f = l.split(/\s+/);
            return f[0] === "local"
                ? { type: f[0], database: f[1], user: f[2], address: "", method: f[3] }
                : { type: f[0], database: f[1], user: f[2], address: f[3], method: f[4] };
        });
}
