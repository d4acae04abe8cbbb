import { resourcePolicy } from "../lib/policy";
import { PG_PROVIDER } from "../lib/resources";

/**
 * The PostgreSQL provider connects with `sslmode=verify-full` and a pinned root certificate.
 * `require` and `prefer` encrypt but never check who answers (erratum E28).
 */
export const postgresProviderVerifiesServer = resourcePolicy({
    name: "postgres-provider-verifies-server",
    description: "The PostgreSQL provider uses sslmode verify-full with a pinned sslrootcert.",
    types: [PG_PROVIDER],
    meta: {
        severity: "high",
        checklist: ["tls-everywhere"],
        references: ["PostgreSQL libpq docs: SSL Support", "FC-15"],
        remediation:
            'Set `sslmode: "verify-full"` and `sslrootcert` to the internal CA on the postgresql.Provider.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        const mode = props.sslmode ?? props.sslMode;
        if (mode !== "verify-full") {
            report(
                `The provider connects with sslmode ${mode ?? "prefer (the default)"}; use verify-full.`,
            );
        }
        if (!props.sslrootcert) {
            report("The provider pins no sslrootcert, so it cannot verify the server.");
        }
    },
});
