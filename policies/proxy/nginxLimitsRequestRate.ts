import { edgeNginx } from "../lib/edge";
import { directivesNamed } from "../lib/nginx";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * nginx limits each client's request rate. The zones are declared in the http block (nginx
 * refuses them anywhere else, erratum E1), and every zone a limit_req uses is declared.
 */
export const nginxLimitsRequestRate = resourcePolicy({
    name: "nginx-limits-request-rate",
    description:
        "nginx declares limit_req_zone in http only and applies limit_req with declared zones.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["rate-limiting"],
        references: ["nginx ngx_http_limit_req_module", "OWASP API Security Top 10 API4:2023"],
        remediation:
            "Declare `limit_req_zone $binary_remote_addr zone=NAME:10m rate=10r/s;` in http and use `limit_req zone=NAME burst=...` in the servers.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const contexts = edgeNginx(args.type, props, report);
        if (!contexts) {
            return;
        }
        const zones = new Set<string>();
        for (const ctx of contexts) {
            for (const d of directivesNamed(ctx, "limit_req_zone")) {
                if (ctx.path !== "main > http") {
                    report(
                        `limit_req_zone is declared in ${ctx.path}; nginx accepts it only in http.`,
                    );
                }
                const zone = d.args
                    .find((a) => a.startsWith("zone="))
                    ?.slice(5)
                    .split(":")[0];
                if (zone) {
                    zones.add(zone);
                }
            }
        }
        const uses = contexts.flatMap((c) => directivesNamed(c, "limit_req"));
        if (uses.length === 0) {
            report("No limit_req applies a request rate limit.");
        }
        for (const d of uses) {
            const zone = d.args.find((a) => a.startsWith("zone="))?.slice(5);
            if (!zone || !zones.has(zone)) {
                report(
                    `limit_req uses zone "${zone ?? ""}", which no limit_req_zone in http declares.`,
                );
            }
        }
    },
});
