import { VAULT_API_PORT, VaultConfig } from "../config/data";
import { PasswordRule, STRONG_PASSWORD_RULE } from "./passwords";
import { renderTemplate } from "./templates";

/** Paths inside the Vault container (docs/ARCHITECTURE.md). */
export const VAULT_CONTAINER_PATHS = {
    configDir: "/vault/config",
    configFile: "/vault/config/vault.hcl",
    certFile: "/vault/config/tls/server.crt",
    keyFile: "/vault/config/tls/server.key",
    caFile: "/vault/config/tls/ca.pem",
    // The official image creates these two owned by the vault user, so fresh volumes are too.
    storage: "/vault/file",
    auditDir: "/vault/logs",
};

/** The port of Vault's cluster listener (raft traffic; nothing else talks to it). */
export const VAULT_CLUSTER_PORT = 8201;

/** Everything vault.hcl needs. */
export interface VaultServerModel {
    clusterName: string;
    nodeId: string;
    address: string;
    ports: { api: number; cluster: number };
    paths: { storage: string; certFile: string; keyFile: string };
    leases: { defaultTtl: string; maxTtl: string };
}

/** Builds the vault.hcl model from validated config. */
export function vaultServerModel(config: VaultConfig): VaultServerModel {
    return {
        clusterName: "hardened-stack",
        nodeId: "vault-1",
        address: config.ipv4Address,
        ports: { api: VAULT_API_PORT, cluster: VAULT_CLUSTER_PORT },
        paths: {
            storage: VAULT_CONTAINER_PATHS.storage,
            certFile: VAULT_CONTAINER_PATHS.certFile,
            keyFile: VAULT_CONTAINER_PATHS.keyFile,
        },
        leases: { defaultTtl: "1h", maxTtl: `${config.maxLeaseTtlHours}h` },
    };
}

/** Renders vault.hcl. */
export function renderVaultConfig(model: VaultServerModel): string {
    return renderTemplate("vault/vault.hcl", model);
}

/** A Vault ACL capability. */
export type Capability = "create" | "read" | "update" | "patch" | "delete" | "list" | "sudo";

/** One `path` block of a policy, with the reason it is granted. */
export interface PolicyRule {
    path: string;
    capabilities: Capability[];
    reason: string;
}

/** A named ACL policy. */
export interface VaultPolicy {
    name: string;
    description: string;
    rules: PolicyRule[];
}

/** The names of the stack's policies, by role. */
export const POLICY_NAMES = {
    admin: "hs-admin",
    operator: "hs-operator",
    viewer: "hs-viewer",
};

/** What the policies refer to. */
export interface PolicyTargets {
    kvMount: string;
    transitMount: string;
    transitKey: string;
    /** The app's name: its secrets live under `<kvMount>/data/<app>/`. */
    app: string;
    /** The AppRole auth mount path. */
    appRoleMount: string;
}

/** The KV v2 folder of platform secrets (the database superuser), readable by admins only. */
export const PLATFORM_SECRETS = "platform";

/** The policy name of an app. */
export function appPolicyName(app: string): string {
    return `app-${app}`;
}

/**
 * The four policies, least privilege, on KV v2's real API paths: secret values under
 * `<mount>/data/`, versions and listing under `<mount>/metadata/`. Only the admin may touch
 * `sys/`; nobody may export or back up transit keys; the app may only encrypt and decrypt with
 * its one named key (`update`, never `create`, which would let it mint new keys).
 */
export function vaultPolicies(t: PolicyTargets): Record<string, VaultPolicy> {
    const kv = t.kvMount;
    const key = `${t.transitMount}/keys/${t.transitKey}`;
    const all: Capability[] = ["create", "read", "update", "patch", "delete", "list"];
    return {
        admin: {
            name: POLICY_NAMES.admin,
            description:
                "Administers the stack's mounts, policies, auth methods and audit devices.",
            rules: [
                { path: "sys/mounts", capabilities: ["read"], reason: "List mounts." },
                {
                    path: "sys/mounts/*",
                    capabilities: ["create", "read", "update", "delete"],
                    reason: "Enable and tune mounts.",
                },
                { path: "sys/auth", capabilities: ["read"], reason: "List auth methods." },
                {
                    path: "sys/auth/*",
                    capabilities: ["create", "read", "update", "delete", "sudo"],
                    reason: "Enable auth methods (needs sudo).",
                },
                {
                    path: "sys/policies/acl/*",
                    capabilities: [...all],
                    reason: "Manage ACL policies.",
                },
                {
                    path: "sys/policies/password/*",
                    capabilities: [...all],
                    reason: "Manage password policies.",
                },
                {
                    path: "sys/audit",
                    capabilities: ["read", "sudo"],
                    reason: "List audit devices.",
                },
                {
                    path: "sys/audit/*",
                    capabilities: ["create", "read", "update", "delete", "sudo"],
                    reason: "Manage audit devices.",
                },
                {
                    path: `auth/${t.appRoleMount}/role/*`,
                    capabilities: [...all],
                    reason: "Manage AppRoles and their secret_ids.",
                },
                {
                    path: `${kv}/data/*`,
                    capabilities: [...all],
                    reason: "Read and write every secret.",
                },
                {
                    path: `${kv}/metadata/*`,
                    capabilities: [...all],
                    reason: "Manage versions and metadata.",
                },
                {
                    path: `${kv}/delete/*`,
                    capabilities: ["update"],
                    reason: "Soft-delete versions.",
                },
                { path: `${kv}/undelete/*`, capabilities: ["update"], reason: "Restore versions." },
                { path: `${kv}/destroy/*`, capabilities: ["update"], reason: "Destroy versions." },
                {
                    path: `${t.transitMount}/keys/*`,
                    capabilities: ["create", "read", "update", "list"],
                    reason: "Create, configure and rotate keys (no export or deletion).",
                },
            ],
        },
        operator: {
            name: POLICY_NAMES.operator,
            description: "Runs the app: writes its secrets, rotates its key and secret_id.",
            rules: [
                {
                    path: `${kv}/data/${t.app}/*`,
                    capabilities: ["create", "read", "update", "patch"],
                    reason: "Write the app's secrets.",
                },
                {
                    path: `${kv}/metadata/${t.app}/*`,
                    capabilities: ["read", "list"],
                    reason: "See the app's secret versions.",
                },
                {
                    path: `${key}`,
                    capabilities: ["read"],
                    reason: "See the transit key's settings.",
                },
                {
                    path: `${key}/rotate`,
                    capabilities: ["update"],
                    reason: "Rotate the transit key.",
                },
                {
                    path: `auth/${t.appRoleMount}/role/${t.app}/secret-id`,
                    capabilities: ["update"],
                    reason: "Issue the app a new secret_id.",
                },
            ],
        },
        viewer: {
            name: POLICY_NAMES.viewer,
            description: "Looks without reading secret values.",
            rules: [
                {
                    path: `${kv}/metadata/*`,
                    capabilities: ["read", "list"],
                    reason: "List secrets and their versions, never their values.",
                },
                {
                    path: `${key}`,
                    capabilities: ["read"],
                    reason: "See the transit key's settings.",
                },
                { path: "sys/mounts", capabilities: ["read"], reason: "List mounts." },
            ],
        },
        app: {
            name: appPolicyName(t.app),
            description: `The ${t.app} app: reads its own secrets, encrypts and decrypts with its key.`,
            rules: [
                {
                    path: `${kv}/data/${t.app}/*`,
                    capabilities: ["read"],
                    reason: "Read its own secrets.",
                },
                {
                    path: `${t.transitMount}/encrypt/${t.transitKey}`,
                    capabilities: ["update"],
                    reason: "Encrypt with its key.",
                },
                {
                    path: `${t.transitMount}/decrypt/${t.transitKey}`,
                    capabilities: ["update"],
                    reason: "Decrypt with its key.",
                },
            ],
        },
    };
}

/** Renders a policy as HCL. */
export function renderPolicy(policy: VaultPolicy): string {
    return renderTemplate("vault/policy.hcl", policy);
}

/** Renders Vault's password policy for a rule. */
export function renderPasswordPolicy(rule: PasswordRule = STRONG_PASSWORD_RULE): string {
    return renderTemplate("vault/password-policy.hcl", rule);
}
