import { resourcePolicy } from "../lib/policy";
import { VAULT_AUDIT } from "../lib/resources";

/**
 * Vault's audit devices hash secrets before writing them: `log_raw` would put every secret
 * and token in the audit log in the clear.
 */
export const vaultAuditLogsNoRawValues = resourcePolicy({
    name: "vault-audit-logs-no-raw-values",
    description: "Vault audit devices never log raw secret values.",
    types: [VAULT_AUDIT],
    meta: {
        severity: "high",
        checklist: ["audit-logging", "secrets-stored-securely"],
        references: ["Vault docs: audit devices (log_raw, hmac_accessor)"],
        remediation: 'Remove `log_raw` from the audit device options (or set it to "false").',
        exemptible: true,
    },
    check: (props, _args, report) => {
        const options = props.options ?? {};
        if (String(options.log_raw ?? "false") !== "false") {
            report(`The ${props.type ?? ""} audit device logs raw values, secrets included.`);
        }
        if (String(options.hmac_accessor ?? "true") === "false") {
            report(`The ${props.type ?? ""} audit device logs token accessors unhashed.`);
        }
    },
});
