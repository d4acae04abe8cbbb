import { resourcePolicy } from "../lib/policy";
import { VAULT_POLICY } from "../lib/resources";

/** The `path "..." { capabilities = [...] }` rules of a Vault policy document. */
export function vaultPolicyRules(hcl: string): { path: string; capabilities: string[] }[] {
    const rules: { path: string; capabilities: string[] }[] = [];
    for (const m of hcl.matchAll(/path\s+"([^"]*)"\s*\{([^}]*)\}/g)) {
        const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2])?.[1] ?? "";
        rules.push({ path: m[1], capabilities: [...caps.matchAll(/"([^"]+)"/g)].map((c) => c[1]) });
    }
    return rules;
}

/**
 * A Vault policy grants only what one app needs: no wildcard at the root, no `sudo`, nothing
 * under `sys/`; KV v2 paths carry `data/` or `metadata/` (v1 paths grant nothing, erratum
 * E20); and no `create` on transit encrypt, which would let a token mint keys (erratum E23).
 */
export const vaultPolicyGrantsLeastPrivilege = resourcePolicy({
    name: "vault-policy-grants-least-privilege",
    description:
        "Vault policies grant no root wildcard, sudo or sys/ access, use KV v2 paths and never create on transit encrypt.",
    types: [VAULT_POLICY],
    meta: {
        severity: "critical",
        checklist: ["rbac", "secrets-stored-securely"],
        references: [
            "Vault docs: policies",
            "Vault docs: KV v2 ACL rules",
            "Vault transit API (encrypt upsert)",
        ],
        remediation:
            'Grant `read` on "<mount>/data/<app>/*" (and metadata if needed) and `update` on "transit/encrypt/<key>"; nothing at "*" or under sys/.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        for (const rule of vaultPolicyRules(String(props.policy ?? ""))) {
            if (rule.path === "*" || rule.path === "+/*") {
                report(`path "${rule.path}" grants access to all of Vault.`);
            }
            if (rule.capabilities.includes("sudo")) {
                report(`path "${rule.path}" grants sudo.`);
            }
            if (rule.path.startsWith("sys/")) {
                report(`path "${rule.path}" reaches the system backend.`);
            }
            if (/^(secret|kv)[^/]*\//.test(rule.path) && !/\/(data|metadata)\//.test(rule.path)) {
                report(
                    `path "${rule.path}" is a KV v1 path; on KV v2 it grants nothing useful, use data/ or metadata/.`,
                );
            }
            if (
                /^transit[^/]*\/encrypt\//.test(rule.path) &&
                rule.capabilities.includes("create")
            ) {
                report(
                    `path "${rule.path}" grants create, which lets a token make new transit keys.`,
                );
            }
        }
    },
});
