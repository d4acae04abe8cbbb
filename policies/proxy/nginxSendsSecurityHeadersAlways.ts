import { edgeNginx } from "../lib/edge";
import { NginxContext, directivesNamed, isTlsServer } from "../lib/nginx";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/** Headers every response carries (OWASP Secure Headers Project). */
export const REQUIRED_HEADERS = [
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
];

/** HSTS max-age of Mozilla's and OWASP's recommendation: two years. */
export const HSTS_MIN_AGE = 63072000;

/**
 * Every block that adds headers adds the whole security set with `always`. A location with
 * its own add_header inherits none from its server, and without `always` error responses
 * carry none (erratum E2). Blocks under a TLS server also send HSTS for two years.
 */
export const nginxSendsSecurityHeadersAlways = resourcePolicy({
    name: "nginx-sends-security-headers-always",
    description:
        "Every nginx block that adds headers sends the full security set, and HSTS under TLS, with always.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["security-headers", "tls-everywhere"],
        references: [
            "OWASP Secure Headers Project",
            "nginx ngx_http_headers_module (add_header inheritance)",
            "Mozilla Server Side TLS (HSTS)",
        ],
        remediation:
            "Include the security-headers partial in every server and location that adds a header, each line ending in `always`; send Strict-Transport-Security max-age=63072000 in TLS servers.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const contexts = edgeNginx(args.type, props, report);
        if (!contexts) {
            return;
        }
        const tlsPaths = contexts.filter(isTlsServer).map((c) => c.path);
        const underTls = (c: NginxContext) =>
            tlsPaths.some((p) => c.path === p || c.path.startsWith(`${p} >`));
        for (const ctx of contexts) {
            const adds = directivesNamed(ctx, "add_header");
            const mustHave = underTls(ctx)
                ? [...REQUIRED_HEADERS, "Strict-Transport-Security"]
                : REQUIRED_HEADERS;
            if (adds.length === 0) {
                // A TLS server that refuses every handshake never answers, so it sends nothing.
                const rejects = directivesNamed(ctx, "ssl_reject_handshake").some(
                    (d) => d.args[0] === "on",
                );
                if (isTlsServer(ctx) && !rejects) {
                    report(`${ctx.path} is a TLS server that adds no security headers.`);
                }
                continue;
            }
            for (const name of mustHave) {
                const line = adds.find((d) => d.args[0]?.toLowerCase() === name.toLowerCase());
                if (!line) {
                    report(`${ctx.path} does not send ${name}.`);
                } else if (!line.args.includes("always")) {
                    report(
                        `${ctx.path} sends ${name} without "always", so error responses lack it.`,
                    );
                } else if (name === "Strict-Transport-Security") {
                    const age = Number(/max-age=(\d+)/.exec(line.args[1] ?? "")?.[1] ?? 0);
                    if (age < HSTS_MIN_AGE) {
                        report(
                            `${ctx.path} sends HSTS with max-age ${age}; use at least ${HSTS_MIN_AGE}.`,
                        );
                    }
                }
            }
        }
    },
});
