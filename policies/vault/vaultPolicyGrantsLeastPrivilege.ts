import { stackPolicy } from "../lib/policy";
import { VAULT_APPROLE_ROLE, VAULT_POLICY } from "../lib/resources";

/** The `path "..." { capabilities = [...] }` rules of a Vault policy document. */
export function vaultPolicyRules(hcl: string): { path: string; capabilities: string[] }[] {
    const rules: { path: string; capabilities: string[] }[] = [];
    for (const m of hcl.matchAll(/path\s+"([^"]*)"\s*\{([^}]*)\}/g)) {
        const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2])?.[1] ?? "";
        rules.push({ path: m[1], capabilities: [...caps.matchAll(/"([^"]+)"/g)].map((c) => c[1]) });
    }
    return rules;
}

/** Sub-paths of a KV v2 mount; anything else under a KV mount is a v1-style path. */
const KV2_SEGMENTS = /^[^/]+\/(data|metadata|delete|undelete|destroy|subkeys|config)(\/|$)/;

/**
 * Vault policies grant only what their holder needs. No policy grants `path "*"`; KV paths
 * carry KV v2's `data/` or `metadata/` (v1 paths grant nothing, erratum E20); no policy may
 * `create` on transit encrypt, which mints keys (erratum E23). Policies an AppRole hands to an
 * app also stay out of `sys/` and never hold `sudo`; the operator's own policy may manage mounts.
 */
export const vaultPolicyGrantsLeastPrivilege = stackPolicy({
    name: "vault-policy-grants-least-privilege",
    description:
        "Vault policies grant no root wildcard, use KV v2 paths and never create on transit encrypt; app policies also avoid sys/ and sudo.",
    meta: {
        severity: "critical",
        checklist: ["rbac", "secrets-stored-securely"],
        references: [
            "Vault docs: policies",
            "Vault docs: KV v2 ACL rules",
            "Vault transit API (encrypt upsert)",
        ],
        remediation:
            'Grant `read` on "<mount>/data/<app>/*" (and metadata if needed) and `update` on "transit/encrypt/<key>"; nothing at "*", and nothing under sys/ for app policies.',
        exemptible: true,
    },
    check: (resources, _args, report) => {
        const appPolicies = new Set(
            resources
                .filter((r) => r.type === VAULT_APPROLE_ROLE)
                .flatMap((r) => (r.props.tokenPolicies ?? []) as string[]),
        );
        for (const r of resources.filter((x) => x.type === VAULT_POLICY)) {
            const forApp = appPolicies.has(r.props.name);
            for (const rule of vaultPolicyRules(String(r.props.policy ?? ""))) {
                const at = `${r.props.name ?? r.name}: path "${rule.path}"`;
                if (rule.path === "*" || rule.path === "+/*") {
                    report(`${at} grants access to all of Vault.`, r.urn);
                }
                if (forApp && rule.capabilities.includes("sudo")) {
                    report(`${at} grants sudo to an app.`, r.urn);
                }
                if (forApp && rule.path.startsWith("sys/")) {
                    report(`${at} lets an app reach the system backend.`, r.urn);
                }
                if (/^(secret|kv)[^/]*\//.test(rule.path) && !KV2_SEGMENTS.test(rule.path)) {
                    report(
                        `${at} is a KV v1 path; on KV v2 it grants nothing, use data/ or metadata/.`,
                        r.urn,
                    );
                }
                if (
                    /^transit[^/]*\/encrypt\//.test(rule.path) &&
                    rule.capabilities.includes("create")
                ) {
                    report(`${at} grants create, which lets a token make new transit keys.`, r.urn);
                }
            }
        }
    },
});
