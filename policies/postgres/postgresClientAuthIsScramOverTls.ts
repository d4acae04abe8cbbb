import { renderedFile, RENDERED_PATHS } from "../lib/dataTier";
import { resourcePolicy } from "../lib/policy";
import { parseHba } from "../lib/postgres";
import { CONTAINER, envMap, roleOf } from "../lib/resources";

const WEAK_METHODS = ["trust", "password", "md5"];

/**
 * PostgreSQL accepts TCP clients only over TLS with SCRAM: every TCP rule is `hostssl ...
 * scram-sha-256`, no rule uses trust, password or md5, and the file ends in a reject for
 * everything else. A `host` line matches plaintext connections too (FC-12).
 */
export const postgresClientAuthIsScramOverTls = resourcePolicy({
    name: "postgres-client-auth-is-scram-over-tls",
    description:
        "pg_hba.conf admits TCP clients only through hostssl with scram-sha-256 and ends in a reject.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere", "password-policy", "database-credentials-encrypted"],
        references: [
            "PostgreSQL docs: The pg_hba.conf File",
            "dev-sec postgres-baseline postgres-15",
            "FC-12",
        ],
        remediation:
            "Ship a complete pg_hba.conf: `local` and `hostnossl` lines that reject, `hostssl <db> <role> <backend subnet> scram-sha-256` lines, then `hostssl all all all reject`; no `host` line, never trust, password or md5.",
        exemptible: true,
    },
    check: (props, args, report) => {
        // Only the database's environment matters here; other containers' may be unknown.
        if (roleOf(props) !== "database") {
            return;
        }
        if (envMap(props).get("POSTGRES_HOST_AUTH_METHOD") === "trust") {
            report("POSTGRES_HOST_AUTH_METHOD=trust lets anyone log in without a password.");
        }
        const text = renderedFile(args.type, props, "database", RENDERED_PATHS.pgHba, report);
        if (text === undefined) {
            return;
        }
        const rules = parseHba(text);
        for (const rule of rules) {
            if (WEAK_METHODS.includes(rule.method)) {
                report(`pg_hba.conf line ${rule.line} uses ${rule.method}; use scram-sha-256.`);
            } else if (
                rule.method !== "reject" &&
                (rule.type === "host" || rule.type === "hostnossl")
            ) {
                report(
                    `pg_hba.conf line ${rule.line} admits ${rule.type} connections, which need not use TLS.`,
                );
            } else if (
                rule.type === "hostssl" &&
                rule.method !== "scram-sha-256" &&
                rule.method !== "reject"
            ) {
                report(
                    `pg_hba.conf line ${rule.line} authenticates with ${rule.method}; use scram-sha-256.`,
                );
            }
        }
        const last = rules[rules.length - 1];
        if (!last || last.method !== "reject" || last.database !== "all" || last.user !== "all") {
            report("pg_hba.conf does not end in a catch-all reject rule.");
        }
    },
});
