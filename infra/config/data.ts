import { ConfigReader, StringRule } from "./reader";
import {
    HOSTNAME,
    IPV4,
    NON_ROOT_USER,
    addressInCidr,
    cidrContains,
    hostPortProblem,
    parseCidr,
    reservedAddresses,
} from "./rules";
import { Environment, ResourceLimits, readImage, readLimits } from "./web";

/** Where Vault comes from. */
export type VaultMode = "managed" | "external";

/** The AppRole the app logs in with. */
export interface AppRoleConfig {
    /** Lifetime of a token the app gets at login, in seconds. */
    tokenTtlSeconds: number;
    /** Ceiling a token may be renewed to, in seconds. */
    tokenMaxTtlSeconds: number;
    /** Lifetime of the secret_id handed to the app, in seconds (never 0, which is forever). */
    secretIdTtlSeconds: number;
    /** Logins one secret_id allows (never 0, which is unlimited). */
    secretIdNumUses: number;
    /** Bump to issue a new secret_id to the app (the old one is destroyed). */
    secretIdRotation: number;
}

/** Vault, managed as a container of the stack or reached at an existing address. */
export interface VaultConfig {
    mode: VaultMode;
    /** The image of a managed Vault; pinned by digest outside dev. */
    image: string;
    /** Numeric uid:gid Vault runs as (the official image's `vault` user is 100:1000). */
    user: string;
    /** The managed server's fixed address on the backend network. */
    ipv4Address: string;
    /** The name the app and the certificate use for a managed Vault. */
    hostName: string;
    /** The https address of an external Vault; derived for a managed one. */
    address: string;
    /** Unseal key shares and the threshold of a managed Vault's initialisation. */
    keyShares: number;
    keyThreshold: number;
    /** Path of the KV version 2 mount for the app's secrets. */
    kvMount: string;
    /** Path of the transit mount and the name of the app's encryption key. */
    transitMount: string;
    transitKey: string;
    /** Days between automatic rotations of the transit key. */
    transitRotationDays: number;
    /** Ceiling on any lease and token of the stack's mounts, in hours. */
    maxLeaseTtlHours: number;
    appRole: AppRoleConfig;
    limits: ResourceLimits;
}

/** The roles of the application database. */
export interface PostgresRoles {
    /** The bootstrap superuser; only the Pulumi provider logs in with it. */
    admin: string;
    /** Group role that owns the app's schema and runs migrations (no login). */
    operator: string;
    /** Group role that reads the app's tables (no login). */
    viewer: string;
    /** The app's login role: reads and writes rows, owns nothing. */
    app: string;
}

/** PostgreSQL in a container on the backend network. */
export interface PostgresConfig {
    /** The image; it must ship PostgreSQL's server binaries on PATH. Pinned outside dev. */
    image: string;
    /** Numeric uid:gid of the image's postgres user; the TLS key is owned by it. */
    user: string;
    /** The server's fixed address on the backend network. */
    ipv4Address: string;
    /** The name the app and the certificate use. */
    hostName: string;
    /** The application database. */
    database: string;
    /** The schema the app's tables live in, owned by the operator role. */
    schema: string;
    roles: PostgresRoles;
    /** Bump to generate new passwords for the admin and app roles. */
    passwordRotation: number;
    /** Ceiling on server connections. */
    maxConnections: number;
    /** Ceiling on the app role's connections. */
    appConnectionLimit: number;
    limits: ResourceLimits;
}

/** The settings of the data and secrets tier. */
export interface DataConfig {
    vault: VaultConfig;
    postgres: PostgresConfig;
}

/**
 * The postgres uid:gid of the images we know, by repository. The server refuses a private key
 * that its own uid does not own (or root with group access), so the owner must match the image.
 */
export const POSTGRES_IMAGE_USERS: Readonly<Record<string, string>> = {
    // Debian's postgresql package in the project's base image, renumbered to the official
    // image's ids by scripts/images/build-base.sh.
    "hardened-stack/base": "999:999",
    // The official image (Debian variants); its Alpine variants use 70:70.
    postgres: "999:999",
};

/** The default PostgreSQL image: the project's Debian bookworm base with PostgreSQL 15. */
export const DEFAULT_POSTGRES_IMAGE = "hardened-stack/base:bookworm";

/** The default Vault image. */
export const DEFAULT_VAULT_IMAGE = "hashicorp/vault:1.17.6";

/** The uid:gid of the `vault` user in the official image. */
export const VAULT_IMAGE_USER = "100:1000";

/** A PostgreSQL identifier we create: lower-case, so it never needs quoting. */
const PG_IDENTIFIER: StringRule = {
    rendered: true,
    pattern: /^[a-z_][a-z0-9_]{0,62}$/,
    expected: "a lower-case PostgreSQL name of letters, digits and underscores such as daur",
    check: (v) => (/^pg_/.test(v) ? 'starts with the reserved prefix "pg_"' : undefined),
};

/** A Vault mount path or key name: one path segment. */
const VAULT_NAME: StringRule = {
    rendered: true,
    pattern: /^[a-z][a-z0-9-]{0,62}$/,
    expected: "a lower-case name of letters, digits and hyphens such as app-data",
};

const HTTPS_URL: StringRule = {
    rendered: true,
    pattern: /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
    expected: "an https address without a path, such as https://vault.example.com:8200",
    check: (value) => hostPortProblem(value.slice("https://".length)),
};

/** The port of Vault's TLS API listener. */
export const VAULT_API_PORT = 8200;

/** The port PostgreSQL listens on inside its container. */
export const POSTGRES_PORT = 5432;

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR;

/** The repository of an image reference, without registry `docker.io/library/`, tag or digest. */
export function imageRepository(image: string): string {
    const noDigest = image.split("@")[0];
    const slash = noDigest.lastIndexOf("/");
    const colon = noDigest.lastIndexOf(":");
    const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
    return repo.replace(/^(docker\.io\/)?(library\/)?/, "");
}

/** Reads and validates the data tier's keys (`vault`, `postgres` and their secrets). */
export function readDataConfig(
    reader: ConfigReader,
    environment: Environment,
    backendSubnet: string,
): DataConfig {
    const requireDigest = environment !== "dev";
    const backend = parseCidr(backendSubnet);
    const defaultAddress = (offset: number) =>
        backend ? addressInCidr(backend, offset) : `172.30.1.${offset}`;
    const postgres = readPostgres(reader, requireDigest, defaultAddress(10));
    const vault = readVault(reader, requireDigest, defaultAddress(20));
    if (vault.mode === "managed" && vault.ipv4Address === postgres.ipv4Address) {
        reader.report("vault.ipv4Address", "is the same as postgres.ipv4Address", "a free address");
    }
    for (const [key, address] of [
        ["postgres.ipv4Address", postgres.ipv4Address],
        ["vault.ipv4Address", vault.ipv4Address],
    ]) {
        // With an invalid subnet there is nothing to place the address in; that is reported.
        if (backend && !cidrContains(backend, address)) {
            reader.report(key, `is ${address}, outside network.backendSubnet`, "an address in it");
        } else if (backend && reservedAddresses(backend).includes(address)) {
            reader.report(
                key,
                `is ${address}, the network, gateway or broadcast address`,
                "a host address other than the first and the last",
            );
        }
    }
    return { vault, postgres };
}

function readPostgres(
    reader: ConfigReader,
    requireDigest: boolean,
    defaultAddress: string,
): PostgresConfig {
    const view = reader.object("postgres", [
        "image",
        "user",
        "ipv4Address",
        "hostName",
        "database",
        "schema",
        "roles",
        "passwordRotation",
        "maxConnections",
        "appConnectionLimit",
        "limits",
    ]);
    const image = readImage(view, DEFAULT_POSTGRES_IMAGE, requireDigest);
    const knownUser = POSTGRES_IMAGE_USERS[imageRepository(image)];
    if (!view.has("user") && knownUser === undefined) {
        view.report(
            "user",
            `is not set and the postgres uid of image ${imageRepository(image)} is not known`,
            "the image's postgres uid:gid, e.g. 999:999 for the official image",
        );
    }
    const rolesView = view.object("roles", ["admin", "operator", "viewer", "app"]);
    const roles: PostgresRoles = {
        admin: rolesView.string("admin", "hs_admin", PG_IDENTIFIER),
        operator: rolesView.string("operator", "hs_operator", PG_IDENTIFIER),
        viewer: rolesView.string("viewer", "hs_viewer", PG_IDENTIFIER),
        app: rolesView.string("app", "hs_app", PG_IDENTIFIER),
    };
    if (new Set(Object.values(roles)).size !== 4) {
        rolesView.report("app", "repeats another role's name", "four different role names");
    }
    const maxConnections = view.integer("maxConnections", 100, 10, 10000);
    const appConnectionLimit = view.integer("appConnectionLimit", 20, 1, 10000);
    if (appConnectionLimit >= maxConnections) {
        view.report("appConnectionLimit", "is not below maxConnections", "a smaller number");
    }
    return {
        image,
        user: view.string("user", knownUser ?? "999:999", NON_ROOT_USER),
        ipv4Address: view.string("ipv4Address", defaultAddress, IPV4),
        hostName: view.string("hostName", "postgres", HOSTNAME),
        database: view.string("database", "daur", PG_IDENTIFIER),
        schema: view.string("schema", "app", PG_IDENTIFIER),
        roles,
        passwordRotation: view.integer("passwordRotation", 1, 1, 1000000),
        maxConnections,
        appConnectionLimit,
        limits: readLimits(view, { memoryMb: 512, cpus: 1, maxProcesses: 256 }),
    };
}

function readVault(
    reader: ConfigReader,
    requireDigest: boolean,
    defaultAddress: string,
): VaultConfig {
    const view = reader.object("vault", [
        "mode",
        "image",
        "user",
        "ipv4Address",
        "hostName",
        "address",
        "keyShares",
        "keyThreshold",
        "kvMount",
        "transitMount",
        "transitKey",
        "transitRotationDays",
        "maxLeaseTtlHours",
        "appRole",
        "limits",
    ]);
    const mode = view.oneOf<VaultMode>("mode", "managed", ["managed", "external"]);
    reader.declare("vaultToken", "vaultCaCertificate");
    const ipv4Address = view.string("ipv4Address", defaultAddress, IPV4);
    const hostName = view.string("hostName", "vault", HOSTNAME);
    if (mode === "external" && !view.has("address")) {
        view.report("address", "is not set for mode external", HTTPS_URL.expected!);
    }
    for (const key of ["vaultToken", "vaultCaCertificate"]) {
        // Only an external Vault uses them, but a plain value is in clear in the stack file
        // whatever the mode: it is refused in both.
        if (reader.raw(key) === undefined) {
            if (mode === "external") {
                reader.report(key, "is not set for vault.mode external", "a secret (--secret)");
            }
        } else if (!reader.isSecret(key)) {
            reader.report(
                key,
                "is set in plain text",
                `a secret: pulumi config set --secret ${key}`,
            );
        }
    }
    const keyShares = view.integer("keyShares", 1, 1, 10);
    const keyThreshold = view.integer("keyThreshold", 1, 1, 10);
    if (keyThreshold > keyShares) {
        view.report("keyThreshold", "is above keyShares", "at most vault.keyShares");
    }
    const maxLeaseTtlHours = view.integer("maxLeaseTtlHours", 24, 1, 768);
    const role = view.object("appRole", [
        "tokenTtlMinutes",
        "tokenMaxTtlMinutes",
        "secretIdTtlDays",
        "secretIdNumUses",
        "secretIdRotation",
    ]);
    const appRole: AppRoleConfig = {
        tokenTtlSeconds: role.integer("tokenTtlMinutes", 15, 1, 1440) * 60,
        tokenMaxTtlSeconds: role.integer("tokenMaxTtlMinutes", 60, 1, 1440) * 60,
        secretIdTtlSeconds: role.integer("secretIdTtlDays", 30, 1, 365) * SECONDS_PER_DAY,
        secretIdNumUses: role.integer("secretIdNumUses", 1000, 1, 100000),
        secretIdRotation: role.integer("secretIdRotation", 1, 1, 1000000),
    };
    if (appRole.tokenMaxTtlSeconds < appRole.tokenTtlSeconds) {
        role.report("tokenMaxTtlMinutes", "is below tokenTtlMinutes", "at least tokenTtlMinutes");
    }
    if (appRole.tokenMaxTtlSeconds > maxLeaseTtlHours * SECONDS_PER_HOUR) {
        role.report("tokenMaxTtlMinutes", "is above vault.maxLeaseTtlHours", "a shorter time");
    }
    return {
        mode,
        // An external Vault runs no image, so only a managed one must be pinned.
        image: readImage(view, DEFAULT_VAULT_IMAGE, requireDigest && mode === "managed"),
        user: view.string("user", VAULT_IMAGE_USER, NON_ROOT_USER),
        ipv4Address,
        hostName,
        address:
            mode === "external"
                ? view.string("address", "", HTTPS_URL)
                : `https://${ipv4Address}:${VAULT_API_PORT}`,
        keyShares,
        keyThreshold,
        kvMount: view.string("kvMount", "kv", VAULT_NAME),
        transitMount: view.string("transitMount", "transit", VAULT_NAME),
        transitKey: view.string("transitKey", "app-data", VAULT_NAME),
        transitRotationDays: view.integer("transitRotationDays", 30, 1, 365),
        maxLeaseTtlHours,
        appRole,
        limits: readLimits(view, { memoryMb: 256, cpus: 1, maxProcesses: 128 }),
    };
}
