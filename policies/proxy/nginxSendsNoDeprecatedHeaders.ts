import { edgeNginx } from "../lib/edge";
import { directivesNamed } from "../lib/nginx";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

const DEPRECATED = ["expect-ct", "public-key-pins", "feature-policy"];

/**
 * nginx sends no deprecated header and hides its version. `X-XSS-Protection: 1` turns on a
 * filter browsers removed and that could be abused (erratum E3); only `0` is acceptable.
 */
export const nginxSendsNoDeprecatedHeaders = resourcePolicy({
    name: "nginx-sends-no-deprecated-headers",
    description:
        "nginx sends no deprecated header (X-XSS-Protection only as 0) and sets server_tokens off.",
    types: [CONTAINER],
    meta: {
        severity: "medium",
        checklist: ["security-headers"],
        references: [
            "OWASP Secure Headers Project (deprecated headers)",
            "CIS NGINX Benchmark v2.1.0 2.5.1",
        ],
        remediation:
            'Remove X-XSS-Protection (or send "0"), Expect-CT, Public-Key-Pins and Feature-Policy; set `server_tokens off;` in http.',
        exemptible: true,
    },
    check: (props, args, report) => {
        const contexts = edgeNginx(args.type, props, report);
        if (!contexts) {
            return;
        }
        for (const ctx of contexts) {
            for (const d of directivesNamed(ctx, "add_header")) {
                const name = (d.args[0] ?? "").toLowerCase();
                if (name === "x-xss-protection" && d.args[1] !== "0") {
                    report(`${ctx.path} sends X-XSS-Protection "${d.args[1]}"; send 0 or nothing.`);
                } else if (DEPRECATED.includes(name)) {
                    report(`${ctx.path} sends the deprecated header ${d.args[0]}.`);
                }
            }
        }
        const http = contexts.find((c) => c.path === "main > http");
        const tokens = http ? directivesNamed(http, "server_tokens") : [];
        if (tokens.length === 0 || tokens.some((d) => d.args[0] !== "off")) {
            report("server_tokens is not off in http: responses reveal the nginx version.");
        }
    },
});
