import { resourcePolicy } from "../lib/policy";
import { VAULT_APPROLE_ROLE } from "../lib/resources";

/** Longest accepted lifetimes, in seconds. */
export const APPROLE_LIMITS = { secretIdTtl: 30 * 86400, tokenTtl: 3600, tokenMaxTtl: 86400 };

/**
 * An AppRole needs a secret ID, and both the secret ID and the tokens it yields expire soon
 * and are bounded in use. Zero means never (erratum E24).
 */
export const vaultApproleCredentialsAreShortLived = resourcePolicy({
    name: "vault-approle-credentials-are-short-lived",
    description:
        "AppRoles bind a secret ID with a non-zero TTL and use count, and issue short-lived tokens.",
    types: [VAULT_APPROLE_ROLE],
    meta: {
        severity: "high",
        checklist: ["api-key-rotation", "secrets-stored-securely"],
        references: [
            "Vault AppRole API (secret_id_ttl, secret_id_num_uses)",
            "Vault production hardening: short TTLs",
        ],
        remediation:
            "Set bindSecretId true, secretIdTtl and secretIdNumUses above 0, tokenTtl up to 1 h and tokenMaxTtl up to 24 h.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (props.bindSecretId === false) {
            report("The AppRole logs in without a secret ID.");
        }
        const ttl = Number(props.secretIdTtl ?? 0);
        if (!(ttl > 0 && ttl <= APPROLE_LIMITS.secretIdTtl)) {
            report(
                `secretIdTtl is ${ttl}; use 1 to ${APPROLE_LIMITS.secretIdTtl} seconds (0 never expires).`,
            );
        }
        if (!(Number(props.secretIdNumUses ?? 0) > 0)) {
            report("secretIdNumUses is 0, so a secret ID works any number of times.");
        }
        const tokenTtl = Number(props.tokenTtl ?? 0);
        if (!(tokenTtl > 0 && tokenTtl <= APPROLE_LIMITS.tokenTtl)) {
            report(
                `tokenTtl is ${tokenTtl}; use 1 to ${APPROLE_LIMITS.tokenTtl} seconds (0 means 32 days).`,
            );
        }
        const maxTtl = Number(props.tokenMaxTtl ?? 0);
        if (!(maxTtl > 0 && maxTtl <= APPROLE_LIMITS.tokenMaxTtl)) {
            report(`tokenMaxTtl is ${maxTtl}; use 1 to ${APPROLE_LIMITS.tokenMaxTtl} seconds.`);
        }
    },
});
