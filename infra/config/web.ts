import { X509Certificate, createPrivateKey } from "node:crypto";

import {
    ConfigReader,
    OFFLINE_SECRET_PLACEHOLDER,
    ObjectView,
    SECRET_LOOKING,
    hasUrlPassword,
    printable,
} from "./reader";
import {
    ENV_NAME,
    HEADER_VALUE,
    BIND_ADDRESS,
    HOSTNAME,
    IPV4,
    IPV4_CIDR,
    NGINX_SIZE,
    NON_ROOT_USER,
    URL_PATH,
    addressInCidr,
    cidrContains,
    cidrsOverlap,
    imageRule,
    parseCidr,
    reservedAddresses,
} from "./rules";

/** `dev` relaxes only what a laptop cannot provide: self-signed TLS and tag-only images. */
export type Environment = "dev" | "production";

/** Subnets of the segmented Docker networks. */
export interface NetworkConfig {
    /** The frontend bridge network: nginx and the app. */
    frontendSubnet: string;
    /** The internal backend network: the app, PostgreSQL and Vault. No route out. */
    backendSubnet: string;
    /** The fixed address nginx takes on the frontend network (firewall rules name it). */
    proxyAddress: string;
    /**
     * The app's fixed address on the frontend network. nginx resolves the app's name once, at
     * start; a fixed address keeps that answer right when the app container is replaced.
     */
    appAddress: string;
}

/** Where the public certificate comes from. */
export interface TlsConfig {
    /** `self-signed` makes one with @pulumi/tls; `provided` reads tlsCertificate/tlsPrivateKey. */
    source: "self-signed" | "provided";
    /** Key type of the self-signed certificate. ECDSA P-256 handshakes faster than RSA 2048. */
    keyAlgorithm: "ECDSA-P256" | "RSA-2048";
    /** Lifetime of the self-signed certificate in hours (at most 366 days). */
    validityHours: number;
}

/** CPU, memory and process ceilings of one container. */
export interface ResourceLimits {
    /** Memory ceiling in MB; swap is set equal so the container cannot swap. */
    memoryMb: number;
    /** CPU ceiling in cores. */
    cpus: number;
    /** Ceiling on processes of the container's uid (RLIMIT_NPROC). */
    maxProcesses: number;
}

/** HTTP Strict Transport Security. */
export interface HstsConfig {
    maxAgeSeconds: number;
    includeSubDomains: boolean;
    preload: boolean;
}

/** Per-client request and connection limits at the proxy. */
export interface RateLimitConfig {
    /** Sustained requests per second per client address. */
    requestsPerSecond: number;
    /** Requests a client may send above the rate before it gets 429. */
    burst: number;
    /** Concurrent connections per client address. */
    connectionsPerClient: number;
}

/** The nginx edge. */
export interface ProxyConfig {
    /** nginx image; pinned by digest outside dev. */
    image: string;
    /** Host address the public ports bind to (0.0.0.0 for every address). */
    bindAddress: string;
    /** Host port for HTTPS. */
    httpsPort: number;
    /** Host port for the HTTP-to-HTTPS redirect. */
    httpPort: number;
    /** Largest request body nginx accepts. */
    clientMaxBodySize: string;
    /** Seconds nginx waits for the app's response. */
    upstreamTimeoutSeconds: number;
    /** Numeric uid:gid nginx runs as. */
    user: string;
    limits: ResourceLimits;
    rateLimit: RateLimitConfig;
    hsts: HstsConfig;
    /** Content-Security-Policy sent on every response. */
    contentSecurityPolicy: string;
    /** Permissions-Policy sent on every response. */
    permissionsPolicy: string;
    /** Referrer-Policy sent on every response. */
    referrerPolicy: string;
}

/** The application behind the proxy. */
export interface AppConfig {
    /** Container name prefix and upstream host name. */
    name: string;
    /** Application image; pinned by digest outside dev. */
    image: string;
    /** Port the app listens on inside its container (never published). */
    port: number;
    /** Path the healthcheck requests. */
    healthPath: string;
    /** Numeric uid:gid the app runs as. */
    user: string;
    /** Non-secret environment variables. */
    env: Record<string, string>;
    /** Names of environment variables whose values come from the secret key appSecretEnv. */
    secretEnvNames: string[];
    /**
     * Names of secrets from the secret key appSecretFiles: each reaches the app as a 0400 file
     * it owns, named by the variable `<NAME>_FILE`, never as an environment value.
     */
    secretFileNames: string[];
    limits: ResourceLimits;
}

/** The settings of the web tier: networks, TLS, proxy and app. */
export interface WebConfig {
    environment: Environment;
    domains: string[];
    network: NetworkConfig;
    tls: TlsConfig;
    proxy: ProxyConfig;
    app: AppConfig;
}

const HOURS_PER_DAY = 24;

/** nginx from Debian bookworm's package, as the default edge image (pinned outside dev). */
export const DEFAULT_PROXY_IMAGE = "nginx:1.27-bookworm";

/** The Daur AI service, the default application. */
export const DEFAULT_APP_IMAGE = "ghcr.io/daur-ai/daur-ai:1.0.0";

/** A strict default policy: same-origin everything, no plugins, no framing. */
export const DEFAULT_CSP =
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** Container and host names the stack itself uses; the app cannot take them. */
export const RESERVED_NAMES = [
    "edge",
    "localhost",
    "postgres",
    "vault",
    "app-image",
    "edge-image",
    // The data tier's containers and images (infra/components/dataTier.ts, infra/stack.ts).
    "data-postgres",
    "data-vault",
    "postgres-image",
    "vault-image",
];

/** An image setting; outside dev it must be given, since the defaults carry no digest. */
export function readImage(view: ObjectView, fallback: string, requireDigest: boolean): string {
    if (requireDigest && !view.has("image")) {
        view.report(
            "image",
            `is not set, and the default ${fallback} is not pinned`,
            imageRule(true).expected!,
        );
        return fallback;
    }
    return view.string("image", fallback, imageRule(requireDigest));
}

/** Reads and validates the web tier's keys. */
export function readWebConfig(reader: ConfigReader): WebConfig {
    const top = reader.top(["environment", "domains"]);
    const environment = top.oneOf<Environment>("environment", "production", ["dev", "production"]);
    const domains = top.stringList("domains", [], { ...HOSTNAME, minItems: 1 });
    if (!top.has("domains")) {
        top.report("domains", "is not set", "a list of DNS names such as [app.example.com]");
    }
    const seen = new Set<string>();
    domains.forEach((d, i) => {
        if (seen.has(d.toLowerCase())) {
            top.report(`domains[${i}]`, `repeats "${d}"`, "each name once (names ignore case)");
        }
        seen.add(d.toLowerCase());
    });
    const requireDigest = environment !== "dev";

    const net = reader.object("network", [
        "frontendSubnet",
        "backendSubnet",
        "proxyAddress",
        "appAddress",
    ]);
    const frontendSubnet = net.string("frontendSubnet", "172.30.0.0/24", IPV4_CIDR);
    const backendSubnet = net.string("backendSubnet", "172.30.1.0/24", IPV4_CIDR);
    const front = parseCidr(frontendSubnet);
    const back = parseCidr(backendSubnet);
    if (front && back && cidrsOverlap(front, back)) {
        net.report("backendSubnet", "overlaps network.frontendSubnet", "a separate network");
    }
    const proxyAddress = net.string(
        "proxyAddress",
        front ? addressInCidr(front, 10) : "172.30.0.10",
        IPV4,
    );

    const appAddress = net.string(
        "appAddress",
        front ? addressInCidr(front, 20) : "172.30.0.20",
        IPV4,
    );
    if (appAddress === proxyAddress) {
        net.report("appAddress", "equals network.proxyAddress", "a different address");
    }
    for (const [field, address] of [
        ["proxyAddress", proxyAddress],
        ["appAddress", appAddress],
    ] as const) {
        // With an invalid subnet there is nothing to place the address in; that is reported.
        if (front && !cidrContains(front, address)) {
            net.report(
                field,
                `is ${address}, outside network.frontendSubnet`,
                "an address inside it",
            );
        } else if (front && reservedAddresses(front).includes(address)) {
            net.report(
                field,
                `is ${address}, the network, gateway or broadcast address`,
                "a host address other than the first and the last",
            );
        }
    }

    const tlsView = reader.object("tls", ["source", "keyAlgorithm", "validityDays"]);
    const tls: TlsConfig = {
        source: tlsView.oneOf("source", environment === "dev" ? "self-signed" : "provided", [
            "self-signed",
            "provided",
        ]),
        keyAlgorithm: tlsView.oneOf("keyAlgorithm", "ECDSA-P256", ["ECDSA-P256", "RSA-2048"]),
        validityHours: tlsView.integer("validityDays", 90, 1, 366) * HOURS_PER_DAY,
    };
    if (environment !== "dev" && tls.source === "self-signed") {
        tlsView.report(
            "source",
            "is self-signed outside a dev stack",
            'provided (browsers refuse a self-signed certificate); self-signed needs environment "dev"',
        );
    }

    reader.declare("tlsCertificate", "tlsPrivateKey");
    if (tls.source === "provided") {
        readProvidedTls(reader, domains);
    } else {
        for (const key of ["tlsCertificate", "tlsPrivateKey"]) {
            if (reader.raw(key) !== undefined) {
                reader.report(
                    key,
                    "is set but tls.source is self-signed",
                    "tls.source: provided, or no value",
                );
            }
        }
    }
    const proxy = readProxy(reader, requireDigest);
    const app = readApp(reader, requireDigest);
    if (app.user.split(":")[0] === proxy.user.split(":")[0]) {
        reader.report(
            "app.user",
            "has the same uid as proxy.user",
            "a uid of its own (the process ceiling is counted per uid)",
        );
    }
    return {
        environment,
        domains,
        network: { frontendSubnet, backendSubnet, proxyAddress, appAddress },
        tls,
        proxy,
        app,
    };
}

/** Reads the `limits` object of a container: memory, CPU and process ceilings. */
export function readLimits(view: ObjectView, defaults: ResourceLimits): ResourceLimits {
    const limits = view.object("limits", ["memoryMb", "cpus", "maxProcesses"]);
    return {
        memoryMb: limits.integer("memoryMb", defaults.memoryMb, 16, 1024 * 1024),
        cpus: limits.number("cpus", defaults.cpus, 0.05, 256),
        maxProcesses: limits.integer("maxProcesses", defaults.maxProcesses, 8, 65536),
    };
}

function readProxy(reader: ConfigReader, requireDigest: boolean): ProxyConfig {
    const view = reader.object("proxy", [
        "image",
        "bindAddress",
        "httpsPort",
        "httpPort",
        "clientMaxBodySize",
        "upstreamTimeoutSeconds",
        "user",
        "limits",
        "rateLimit",
        "hsts",
        "contentSecurityPolicy",
        "permissionsPolicy",
        "referrerPolicy",
    ]);
    const rate = view.object("rateLimit", ["requestsPerSecond", "burst", "connectionsPerClient"]);
    const hsts = view.object("hsts", ["maxAgeSeconds", "includeSubDomains", "preload"]);
    const hstsConfig: HstsConfig = {
        maxAgeSeconds: hsts.integer("maxAgeSeconds", 63072000, 31536000, 126144000),
        includeSubDomains: hsts.boolean("includeSubDomains", true),
        preload: hsts.boolean("preload", false),
    };
    if (hstsConfig.preload && !hstsConfig.includeSubDomains) {
        hsts.report("preload", "is true without includeSubDomains", "includeSubDomains: true");
    }
    const csp = view.string("contentSecurityPolicy", DEFAULT_CSP, {
        ...HEADER_VALUE,
        expected: `a Content-Security-Policy with default-src and no 'unsafe-eval': ${HEADER_VALUE.expected}`,
        check: (v) => {
            const unsafe = HEADER_VALUE.check!(v);
            if (unsafe) {
                return unsafe;
            }
            // CSP keywords and directive names are case-insensitive.
            if (!/(^|;)\s*default-src\s/i.test(v)) {
                return "has no default-src directive";
            }
            if (/'unsafe-eval'/i.test(v)) {
                return "allows 'unsafe-eval'";
            }
            return undefined;
        },
    });
    const httpsPort = view.integer("httpsPort", 443, 1, 65535);
    const httpPort = view.integer("httpPort", 80, 1, 65535);
    if (httpPort === httpsPort) {
        view.report("httpPort", `is ${httpPort}, the same as proxy.httpsPort`, "a different port");
    }
    return {
        image: readImage(view, DEFAULT_PROXY_IMAGE, requireDigest),
        bindAddress: view.string("bindAddress", "0.0.0.0", BIND_ADDRESS),
        httpsPort,
        httpPort,
        clientMaxBodySize: view.string("clientMaxBodySize", "10m", NGINX_SIZE),
        upstreamTimeoutSeconds: view.integer("upstreamTimeoutSeconds", 30, 1, 600),
        user: view.string("user", "101:101", NON_ROOT_USER),
        limits: readLimits(view, { memoryMb: 256, cpus: 1, maxProcesses: 64 }),
        rateLimit: {
            requestsPerSecond: rate.integer("requestsPerSecond", 10, 1, 100000),
            burst: rate.integer("burst", 20, 0, 100000),
            connectionsPerClient: rate.integer("connectionsPerClient", 20, 1, 100000),
        },
        hsts: hstsConfig,
        contentSecurityPolicy: csp,
        permissionsPolicy: view.string(
            "permissionsPolicy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            HEADER_VALUE,
        ),
        referrerPolicy: view.oneOf("referrerPolicy", "strict-origin-when-cross-origin", [
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
        ]),
    };
}

function readApp(reader: ConfigReader, requireDigest: boolean): AppConfig {
    const view = reader.object("app", [
        "name",
        "image",
        "port",
        "healthPath",
        "user",
        "env",
        "limits",
    ]);
    const env = view.stringMap("env", ENV_NAME, { pattern: /^[^\r\n\0]*$/, expected: "one line" });
    for (const [name, value] of Object.entries(env)) {
        if (hasUrlPassword(value)) {
            view.report(
                `env.${name}`,
                "holds a URL with a password, in plain config",
                `the URL in a secret key: appSecretFiles.${name} or appSecretEnv.${name}`,
            );
        } else if (name === "PORT") {
            view.report("env.PORT", "is set, but the stack sets PORT from app.port", "app.port");
        } else if (SECRET_LOOKING.test(name)) {
            view.report(
                `env.${name}`,
                "looks like a secret but is set in plain config",
                "the value in a secret key: appSecretFiles, as a file (pulumi config set --secret " +
                    `--path appSecretFiles.${name} ...), or appSecretEnv`,
            );
        }
    }
    const secretEnvNames = readSecretNames(reader, "appSecretEnv");
    const secretFileNames = readSecretNames(reader, "appSecretFiles");
    for (const name of secretFileNames) {
        const variable = `${name}_FILE`;
        if (RESERVED_SECRET_FILE_NAMES.includes(name)) {
            reader.report(
                `appSecretFiles.${name}`,
                "is a credential the stack already gives the app as a file",
                "another name",
            );
        } else if (Object.hasOwn(env, variable) || secretEnvNames.includes(variable)) {
            reader.report(
                `appSecretFiles.${name}`,
                `would set ${variable}, which app.env or appSecretEnv sets too`,
                "each variable set once",
            );
        } else if (secretEnvNames.includes(name)) {
            reader.report(
                `appSecretFiles.${name}`,
                "is also in appSecretEnv",
                "each secret given once: as a file (preferred) or as an environment value",
            );
        }
    }
    for (const name of secretEnvNames) {
        if (Object.hasOwn(env, name)) {
            view.report(`env.${name}`, "is also set in appSecretEnv", "each variable set once");
        } else if (name === "PORT") {
            reader.report(
                "appSecretEnv.PORT",
                "is set, but the stack sets PORT from app.port",
                "app.port",
            );
        }
    }
    return {
        name: view.string("name", "daur-ai", {
            pattern: /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/,
            expected: "a lower-case name of letters, digits and hyphens such as daur-ai",
            check: (v) =>
                RESERVED_NAMES.includes(v) ? `is "${v}", a name the stack already uses` : undefined,
        }),
        // A stack that builds the app's image (appBuild, infra/config/image.ts) sets no image.
        image: readImage(
            view,
            DEFAULT_APP_IMAGE,
            requireDigest && reader.raw("appBuild") === undefined,
        ),
        port: view.integer("port", 8000, 1024, 65535),
        healthPath: view.string("healthPath", "/healthz", URL_PATH),
        user: view.string("user", "10001:10001", NON_ROOT_USER),
        env,
        secretEnvNames,
        secretFileNames,
        limits: readLimits(view, { memoryMb: 1024, cpus: 1, maxProcesses: 256 }),
    };
}

/**
 * Checks the provided certificate and key: present, parseable, the key set as a secret, and
 * the certificate valid for every domain (nginx would serve it, and browsers refuse it).
 */
function readProvidedTls(reader: ConfigReader, domains: string[]): void {
    const cert = reader.raw("tlsCertificate");
    const certHow =
        "the certificate chain in PEM (pulumi config set tlsCertificate < fullchain.pem)";
    if (cert === undefined) {
        reader.report("tlsCertificate", "is not set but tls.source is provided", certHow);
    } else if (cert === OFFLINE_SECRET_PLACEHOLDER) {
        // Set with --secret: the offline preview cannot read it; the real CLI checks it.
    } else if (typeof cert !== "string" || !parsesAs(() => new X509Certificate(cert))) {
        reader.report("tlsCertificate", "is not a PEM certificate", certHow);
    } else if (/PRIVATE KEY/.test(cert)) {
        reader.report("tlsCertificate", "contains a private key", `${certHow}, without the key`);
    } else {
        // The first certificate of the chain is the server's. Browsers match names in the
        // subject alternative names only (never the CN) and take no partial wildcards.
        const leaf = new X509Certificate(cert);
        const options = { subject: "never", partialWildcards: false } as const;
        const uncovered = domains.filter((d) => leaf.checkHost(d, options) === undefined);
        const now = Date.now();
        const serverAuth = "1.3.6.1.5.5.7.3.1";
        if (now > Date.parse(leaf.validTo) || now < Date.parse(leaf.validFrom)) {
            reader.report(
                "tlsCertificate",
                `is valid from ${leaf.validFrom} to ${leaf.validTo}, not now`,
                `${certHow}, currently valid`,
            );
        } else if (leaf.keyUsage !== undefined && !leaf.keyUsage.includes(serverAuth)) {
            reader.report(
                "tlsCertificate",
                "is not for TLS servers (its extended key usage lacks serverAuth)",
                `${certHow}, issued for server authentication`,
            );
        } else if (uncovered.length > 0) {
            reader.report(
                "tlsCertificate",
                `is not valid for ${uncovered.join(", ")} (its subject: ${printable(leaf.subject.replace(/\n/g, ", "))})`,
                `${certHow}, with every domain among its names`,
            );
        }
    }
    const key = reader.raw("tlsPrivateKey");
    const keyHow =
        "the private key in PEM (pulumi config set --secret tlsPrivateKey < privkey.pem)";
    if (key === undefined) {
        reader.report("tlsPrivateKey", "is not set but tls.source is provided", keyHow);
    } else if (!reader.isSecret("tlsPrivateKey")) {
        reader.report("tlsPrivateKey", "is set in plain text", keyHow);
    } else if (
        key !== OFFLINE_SECRET_PLACEHOLDER &&
        (typeof key !== "string" || !parsesAs(() => createPrivateKey(key)))
    ) {
        // The offline preview cannot decrypt secrets; the real CLI hands over the key itself.
        reader.report("tlsPrivateKey", "is not a PEM private key", keyHow);
    }
}

function parsesAs(parse: () => unknown): boolean {
    try {
        parse();
        return true;
    } catch {
        return false;
    }
}

/**
 * The credentials the data tier gives the app as files (infra/components/dataTier.ts), by the
 * name whose `<NAME>_FILE` variable points at them: appSecretFiles may not take them.
 */
const RESERVED_SECRET_FILE_NAMES = ["DATABASE_PASSWORD", "VAULT_ROLE_ID", "VAULT_SECRET_ID"];

/**
 * The names in appSecretEnv or appSecretFiles; the values are read later, as secrets, by the
 * program.
 */
function readSecretNames(reader: ConfigReader, key: "appSecretEnv" | "appSecretFiles"): string[] {
    const raw = reader.raw(key);
    if (raw === undefined) {
        return [];
    }
    if (!reader.isSecret(key)) {
        reader.report(
            key,
            "is set in plain text",
            `a secret: pulumi config set --secret --path ${key}.NAME VALUE`,
        );
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        reader.report(key, "is not a map", "a map of variable names to secret values");
        return [];
    }
    const names: string[] = [];
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!ENV_NAME.pattern?.test(name)) {
            reader.report(`${key}.${name}`, "is not a valid name", ENV_NAME.expected!);
        } else if (typeof value !== "string" || value.length === 0) {
            reader.report(`${key}.${name}`, "is not a non-empty string", "a secret string");
        } else {
            names.push(name);
        }
    }
    return names.sort();
}
