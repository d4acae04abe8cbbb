import { WebConfig } from "../config/web";
import { renderTemplate } from "./templates";

/**
 * Mozilla's intermediate profile (guidelines 6.0): forward-secret AEAD suites only, in the
 * client's order of preference. TLS 1.3 suites are not configurable in nginx and are all AEAD.
 */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
];

/** Key-exchange groups of the intermediate profile. */
export const MOZILLA_CURVES = ["X25519", "prime256v1", "secp384r1"];

/** Ports nginx listens on inside its container: unprivileged, so it needs no capability. */
export const NGINX_HTTP_PORT = 8080;
export const NGINX_HTTPS_PORT = 8443;

/** Where the container's files live; the live test swaps these for a temporary folder. */
export interface NginxPaths {
    /** The folder of the rendered config and TLS files. */
    configDir: string;
    /** A writable folder for the pid file and temp files (a tmpfs in the container). */
    runtimeDir: string;
    /** Error log target. */
    errorLog: string;
    /** Access log target. */
    accessLog: string;
}

/** Paths inside the nginx container. */
export const CONTAINER_PATHS: NginxPaths = {
    configDir: "/etc/nginx/hardened",
    runtimeDir: "/tmp/nginx",
    errorLog: "stderr",
    accessLog: "/dev/stdout",
};

/** A security header sent on every response. */
export interface HeaderLine {
    name: string;
    value: string;
}

/** Everything the nginx template needs; built from config by {@link nginxModel}. */
export interface NginxModel {
    paths: NginxPaths;
    listen: { http: number; https: number; address: string };
    serverNames: string;
    /** The host part of redirects: the first domain, never the client's Host header. */
    canonicalHost: string;
    /** `:port` when HTTPS is not on 443, so redirects reach it; empty otherwise. */
    redirectPort: string;
    tls: { protocols: string; ciphers: string; curves: string; sessionTickets: boolean };
    hsts: string;
    headers: HeaderLine[];
    /** Upstream response headers to hide: ours replace them, and fingerprints go. */
    hiddenUpstreamHeaders: string[];
    rateLimit: { rate: string; burst: number; connections: number };
    clientMaxBodySize: string;
    upstream: { host: string; port: number; timeoutSeconds: number };
    healthPath: string;
}

/** Overrides for the live test and the benchmarks: paths, ports and the upstream. */
export interface NginxOverrides {
    paths?: NginxPaths;
    listen?: { http: number; https: number; address: string };
    upstream?: { host: string; port: number };
    rateLimit?: Partial<NginxModel["rateLimit"]>;
}

/** The security headers, in the order they are sent. */
export function securityHeaders(config: WebConfig): HeaderLine[] {
    return [
        { name: "X-Frame-Options", value: "DENY" },
        { name: "X-Content-Type-Options", value: "nosniff" },
        { name: "Referrer-Policy", value: config.proxy.referrerPolicy },
        { name: "Content-Security-Policy", value: config.proxy.contentSecurityPolicy },
        { name: "Permissions-Policy", value: config.proxy.permissionsPolicy },
        { name: "Cross-Origin-Opener-Policy", value: "same-origin" },
        { name: "Cross-Origin-Resource-Policy", value: "same-origin" },
        { name: "X-Permitted-Cross-Domain-Policies", value: "none" },
    ];
}

/** The HSTS header value. */
export function hstsValue(config: WebConfig): string {
    const { maxAgeSeconds, includeSubDomains, preload } = config.proxy.hsts;
    return [
        `max-age=${maxAgeSeconds}`,
        includeSubDomains && "includeSubDomains",
        preload && "preload",
    ]
        .filter(Boolean)
        .join("; ");
}

/** Builds the template model from validated config. */
export function nginxModel(config: WebConfig, overrides: NginxOverrides = {}): NginxModel {
    const headers = securityHeaders(config);
    return {
        paths: overrides.paths ?? CONTAINER_PATHS,
        listen: overrides.listen ?? { http: NGINX_HTTP_PORT, https: NGINX_HTTPS_PORT, address: "" },
        serverNames: config.domains.join(" "),
        canonicalHost: config.domains[0],
        redirectPort: config.proxy.httpsPort === 443 ? "" : `:${config.proxy.httpsPort}`,
        tls: {
            protocols: "TLSv1.2 TLSv1.3",
            ciphers: MOZILLA_INTERMEDIATE_CIPHERS.join(":"),
            curves: MOZILLA_CURVES.join(":"),
            // nginx before 1.23.2 does not rotate ticket keys; the shared cache resumes instead.
            sessionTickets: false,
        },
        hsts: hstsValue(config),
        headers,
        hiddenUpstreamHeaders: [
            "X-Powered-By",
            "Server",
            "X-AspNet-Version",
            "X-XSS-Protection",
            "Strict-Transport-Security",
            ...headers.map((h) => h.name),
        ],
        rateLimit: {
            rate: `${config.proxy.rateLimit.requestsPerSecond}r/s`,
            burst: config.proxy.rateLimit.burst,
            connections: config.proxy.rateLimit.connectionsPerClient,
            ...overrides.rateLimit,
        },
        clientMaxBodySize: config.proxy.clientMaxBodySize,
        upstream: {
            host: overrides.upstream?.host ?? config.app.name,
            port: overrides.upstream?.port ?? config.app.port,
            timeoutSeconds: config.proxy.upstreamTimeoutSeconds,
        },
        healthPath: config.app.healthPath,
    };
}

/** Renders nginx.conf. */
export function renderNginxConfig(model: NginxModel): string {
    return renderTemplate("nginx/nginx.conf", model);
}
