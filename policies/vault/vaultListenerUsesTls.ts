import { renderedFile, RENDERED_PATHS } from "../lib/dataTier";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";
import { hclTrue, parseVaultHcl } from "../lib/vaultHcl";

/**
 * Vault serves TLS on every listener: certificate and key set, no `tls_disable`, a floor of
 * TLS 1.2. Tutorials turn TLS off and proxy Vault over plain HTTP (erratum E18).
 * This is a floor: no exemption can waive it.
 */
export const vaultListenerUsesTls = resourcePolicy({
    name: "vault-listener-uses-tls",
    description:
        "Vault's listeners serve TLS 1.2 or newer with a certificate and key, never plain HTTP.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere", "secrets-stored-securely"],
        references: [
            "Vault production hardening: end-to-end TLS",
            "Vault TCP listener docs (tls_disable)",
        ],
        remediation:
            'Give each listener tls_cert_file and tls_key_file, remove tls_disable and set tls_min_version = "tls12".',
        exemptible: false,
    },
    check: (props, args, report) => {
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
