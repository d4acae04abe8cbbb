import { renderedFile, RENDERED_PATHS } from "../lib/dataTier";
import { resourcePolicy } from "../lib/policy";
import { TLS_ORDER, parsePostgresConf } from "../lib/postgres";
import { CONTAINER } from "../lib/resources";

/**
 * PostgreSQL serves TLS 1.2 or newer and stores SCRAM verifiers: `ssl = on`, an explicit
 * `ssl_min_protocol_version` of TLSv1.2 or TLSv1.3, and `password_encryption = scram-sha-256`.
 */
export const postgresRequiresTls = resourcePolicy({
    name: "postgres-requires-tls",
    description:
        "postgresql.conf turns ssl on with a TLSv1.2 floor and stores SCRAM password verifiers.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere", "database-credentials-encrypted"],
        references: [
            "PostgreSQL docs: SSL support and ssl_min_protocol_version",
            "Mozilla ssl-config-generator (PostgreSQL)",
            "dev-sec postgres-baseline postgres-11",
        ],
        remediation:
            "Set `ssl = on`, `ssl_min_protocol_version = 'TLSv1.2'` and `password_encryption = 'scram-sha-256'`.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const text = renderedFile(
            args.type,
            props,
            "database",
            RENDERED_PATHS.postgresConf,
            report,
        );
        if (text === undefined) {
            return;
        }
        const conf = parsePostgresConf(text);
        if (conf.get("ssl") !== "on") {
            report("postgresql.conf does not set ssl = on.");
        }
        const floor = conf.get("ssl_min_protocol_version");
        if (!floor || TLS_ORDER.indexOf(floor) < TLS_ORDER.indexOf("TLSv1.2")) {
            report(
                `ssl_min_protocol_version is ${floor ?? "unset"}; set TLSv1.2 or TLSv1.3 explicitly.`,
            );
        }
        if (conf.get("password_encryption") !== "scram-sha-256") {
            report("password_encryption is not scram-sha-256.");
        }
    },
});
