import { edgeNginx } from "../lib/edge";
import { directivesNamed } from "../lib/nginx";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

const ALLOWED = ["TLSv1.2", "TLSv1.3"];

/**
 * nginx offers TLS 1.2 and 1.3 only. TLS 1.0 and 1.1 lack modern AEAD suites and are
 * deprecated by RFC 8996; Mozilla's intermediate profile starts at 1.2.
 */
export const nginxTlsFloorIsTls12 = resourcePolicy({
    name: "nginx-tls-floor-is-tls12",
    description: "nginx sets ssl_protocols and offers only TLSv1.2 and TLSv1.3.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere"],
        references: [
            "Mozilla Server Side TLS intermediate profile (guidelines 6.0)",
            "CIS NGINX Benchmark v2.1.0 4.1.4",
        ],
        remediation: "Set `ssl_protocols TLSv1.2 TLSv1.3;` once in the http block.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const contexts = edgeNginx(args.type, props, report);
        if (!contexts) {
            return;
        }
        const protocols = contexts.flatMap((c) => directivesNamed(c, "ssl_protocols"));
        if (protocols.length === 0) {
            report("nginx sets no ssl_protocols, so it falls back to its build's defaults.");
        }
        for (const d of protocols) {
            for (const p of d.args.filter((a) => !ALLOWED.includes(a))) {
                report(`ssl_protocols offers ${p}; only TLSv1.2 and TLSv1.3 are allowed.`);
            }
        }
    },
});
