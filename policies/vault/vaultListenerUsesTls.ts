import { renderedFile, RENDERED_PATHS } from "../lib/dataTier";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER, envMap } from "../lib/resources";
import { hclTrue, parseVaultHcl } from "../lib/vaultHcl";

/**
 * Vault serves TLS on every listener: certificate and key set, no `tls_disable`, a floor of
 * TLS 1.2; and no container talks to it over plain HTTP or skips verification (erratum E18).
 * This is a floor: no exemption can waive it.
 */
export const vaultListenerUsesTls = resourcePolicy({
    name: "vault-listener-uses-tls",
    description:
        "Vault's listeners serve TLS 1.2+ and no container reaches Vault over HTTP or skips verification.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere", "secrets-stored-securely"],
        references: [
            "Vault production hardening: end-to-end TLS",
            "Vault TCP listener docs (tls_disable)",
        ],
        remediation:
            'Give each listener tls_cert_file and tls_key_file, remove tls_disable, set tls_min_version = "tls12"; use an https VAULT_ADDR with the internal CA.',
        exemptible: false,
    },
    check: (props, args, report) => {
        const env = envMap(props);
        if (env.has("VAULT_SKIP_VERIFY") && env.get("VAULT_SKIP_VERIFY") !== "false") {
            report("VAULT_SKIP_VERIFY turns off the check of Vault's certificate.");
        }
        const addr = env.get("VAULT_ADDR");
        if (addr !== undefined && !addr.startsWith("https://")) {
            report(`VAULT_ADDR ${addr} is not https.`);
        }
        const text = renderedFile(args.type, props, "vault", RENDERED_PATHS.vaultHcl, report);
        if (text === undefined) {
            return;
        }
        const config = parseVaultHcl(text);
        if (config.listeners.length === 0) {
            report("vault.hcl declares no listener.");
        }
        for (const listener of config.listeners) {
            const s = listener.settings;
            const where = `listener "${listener.type}" ${s.get("address") ?? ""}`.trim();
            if (hclTrue(s.get("tls_disable"))) {
                report(`${where} sets tls_disable: Vault would serve plain HTTP.`);
                continue;
            }
            if (!s.get("tls_cert_file") || !s.get("tls_key_file")) {
                report(`${where} names no tls_cert_file and tls_key_file.`);
            }
            const floor = s.get("tls_min_version");
            if (floor !== undefined && !["tls12", "tls13"].includes(floor)) {
                report(`${where} allows ${floor}; use tls12 or tls13.`);
            }
        }
    },
});
