import { MOZILLA_INTERMEDIATE_CIPHERS } from "../../infra/render/nginx";
import { edgeNginx } from "../lib/edge";
import { directivesNamed } from "../lib/nginx";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * nginx's TLS 1.2 cipher list names only forward-secret AEAD suites. Keyword strings such as
 * nginx's default `HIGH:!aNULL:!MD5` expand to static-RSA and SHA1 suites (erratum E4), so
 * the list must be explicit.
 */
export const nginxCiphersAreAeadOnly = resourcePolicy({
    name: "nginx-ciphers-are-aead-only",
    description: "nginx's ssl_ciphers lists only forward-secret AEAD suites, by name.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere"],
        references: [
            "Mozilla Server Side TLS intermediate profile (guidelines 6.0)",
            "CIS NGINX Benchmark v2.1.0 4.1.5",
        ],
        remediation:
            "Set `ssl_ciphers` to the six ECDHE AEAD suites of Mozilla's intermediate profile.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const contexts = edgeNginx(args.type, props, report);
        if (!contexts) {
            return;
        }
        const lists = contexts.flatMap((c) => directivesNamed(c, "ssl_ciphers"));
        if (lists.length === 0) {
            report(
                "nginx sets no ssl_ciphers; its default HIGH:!aNULL:!MD5 admits CBC and static-RSA suites.",
            );
        }
        for (const d of lists) {
            for (const suite of d.args.join(":").split(":").filter(Boolean)) {
                if (!MOZILLA_INTERMEDIATE_CIPHERS.includes(suite)) {
                    report(
                        `ssl_ciphers admits ${suite}, which is not a forward-secret AEAD suite.`,
                    );
                }
            }
        }
    },
});
