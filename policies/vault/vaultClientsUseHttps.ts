import { resourcePolicy } from "../lib/policy";
import { CONTAINER, envMap } from "../lib/resources";

/**
 * Every container that talks to Vault does so over https and checks Vault's certificate.
 * `VAULT_SKIP_VERIFY` turns the check off (erratum E18). Kept apart from the listener rule so
 * an environment value unknown at preview cannot mask the listener's settings (FC-20).
 */
export const vaultClientsUseHttps = resourcePolicy({
    name: "vault-clients-use-https",
    description:
        "Containers reach Vault through an https VAULT_ADDR and never set VAULT_SKIP_VERIFY.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["tls-everywhere"],
        references: [
            "Vault production hardening: end-to-end TLS",
            "Vault CLI docs (VAULT_SKIP_VERIFY)",
        ],
        remediation:
            "Use an https:// VAULT_ADDR with VAULT_CACERT pointing at the internal CA; remove VAULT_SKIP_VERIFY.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        const env = envMap(props);
        if (env.has("VAULT_SKIP_VERIFY") && env.get("VAULT_SKIP_VERIFY") !== "false") {
            report("VAULT_SKIP_VERIFY turns off the check of Vault's certificate.");
        }
        const addr = env.get("VAULT_ADDR");
        if (addr !== undefined && !addr.startsWith("https://")) {
            report(`VAULT_ADDR ${addr} is not https.`);
        }
    },
});
