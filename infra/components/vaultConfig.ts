import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";

import { VaultConfig } from "../config/data";
import { renderPasswordPolicy, renderPolicy, vaultPolicies } from "../render/vault";
import { VAULT_CONTAINER_PATHS } from "../render/vault";

/** A secret the stack writes into the KV v2 mount. */
export interface KvSecret {
    /** The path under the mount, e.g. `daur-ai/database`. */
    path: string;
    /** The fields; values that are secrets must be secret outputs. */
    data: Record<string, pulumi.Input<string>>;
    /** Bump to write a new version; the data is write-only and never read back. */
    version: number;
}

/** Arguments of {@link VaultConfiguration}. */
export interface VaultConfigurationArgs {
    /** The validated settings. */
    config: VaultConfig;
    /** The app's name: its secrets live under `<kvMount>/data/<app>/`. */
    app: string;
    /** The backend subnet: the only network AppRole logins and tokens are accepted from. */
    backendSubnet: string;
    /** Secrets to store. */
    secrets: KvSecret[];
    /** Whether to enable audit devices (a managed Vault; an external one has its own). */
    manageAudit: boolean;
    /** The explicit Vault provider. */
    provider: vault.Provider;
}

/** The AppRole auth mount path. */
export const APPROLE_MOUNT = "approle";

/** The name of Vault's password policy with the strong-password rule. */
export const PASSWORD_POLICY_NAME = "hs-strong";

/**
 * Everything the stack configures inside Vault through @pulumi/vault: a KV v2 mount for the
 * app's secrets, a transit key for application-level encryption, policies for the admin,
 * operator and viewer roles and the app, AppRole auth for the app with short-lived tokens and
 * a bounded secret_id, a password policy, and two audit devices.
 */
export class VaultConfiguration extends pulumi.ComponentResource {
    /** The app's AppRole role_id (an identifier, not a credential on its own). */
    public readonly appRoleId: pulumi.Output<string>;
    /** The app's AppRole secret_id; secret. */
    public readonly appSecretId: pulumi.Output<string>;
    /** The rendered policies, by role. */
    public readonly policies: Record<string, string>;

    constructor(
        name: string,
        args: VaultConfigurationArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("hardened-stack:data:VaultConfiguration", name, {}, opts);
        const { config } = args;
        for (const s of args.secrets) {
            if (!s.path.startsWith(`${args.app}/`) && !s.path.startsWith("platform/")) {
                throw new Error(
                    `VaultConfiguration ${name}: secret ${s.path} is outside app paths`,
                );
            }
        }
        const child = { parent: this, provider: args.provider };
        const maxTtl = config.maxLeaseTtlHours * 3600;

        // Audit first: Vault records every later request. Two devices, because Vault refuses
        // requests when no device can write: the file on its volume, and stdout for Docker's log.
        const audits: vault.Audit[] = [];
        if (args.manageAudit) {
            const common = { log_raw: "false", hmac_accessor: "true", format: "json" };
            audits.push(
                new vault.Audit(
                    `${name}-audit-file`,
                    {
                        type: "file",
                        path: "file",
                        options: {
                            ...common,
                            file_path: `${VAULT_CONTAINER_PATHS.auditDir}/audit.log`,
                            mode: "0600",
                        },
                    },
                    child,
                ),
                new vault.Audit(
                    `${name}-audit-stdout`,
                    { type: "file", path: "stdout", options: { ...common, file_path: "stdout" } },
                    { ...child, dependsOn: audits.slice() },
                ),
            );
        }
        const after = { ...child, dependsOn: audits };

        // KV version 2 for the app's secrets; a bounded history of versions.
        const kv = new vault.Mount(
            `${name}-kv`,
            {
                path: config.kvMount,
                type: "kv",
                options: { version: "2" },
                description: "Application secrets (KV v2)",
                maxLeaseTtlSeconds: maxTtl,
            },
            after,
        );
        new vault.kv.SecretBackendV2(
            `${name}-kv-config`,
            { mount: kv.path, maxVersions: 10, casRequired: false },
            child,
        );

        // Transit: the app encrypts sensitive columns with a key that never leaves Vault.
        const transit = new vault.Mount(
            `${name}-transit`,
            {
                path: config.transitMount,
                type: "transit",
                description: "Application-level encryption",
                maxLeaseTtlSeconds: maxTtl,
            },
            after,
        );
        new vault.transit.SecretBackendKey(
            `${name}-transit-key`,
            {
                backend: transit.path,
                name: config.transitKey,
                type: "aes256-gcm96",
                exportable: false,
                allowPlaintextBackup: false,
                deletionAllowed: false,
                autoRotatePeriod: config.transitRotationDays * 24 * 3600,
            },
            child,
        );

        // Policies, rendered from infra/render/vault.ts.
        const all = vaultPolicies({
            kvMount: config.kvMount,
            transitMount: config.transitMount,
            transitKey: config.transitKey,
            app: args.app,
            appRoleMount: APPROLE_MOUNT,
        });
        this.policies = {};
        const policyResources: Record<string, vault.Policy> = {};
        for (const [role, policy] of Object.entries(all)) {
            this.policies[role] = renderPolicy(policy);
            policyResources[role] = new vault.Policy(
                `${name}-policy-${role}`,
                { name: policy.name, policy: this.policies[role] },
                after,
            );
        }

        // The strong-password rule, for anyone generating passwords through Vault.
        new vault.generic.Endpoint(
            `${name}-password-policy`,
            {
                path: `sys/policies/password/${PASSWORD_POLICY_NAME}`,
                dataJson: JSON.stringify({ policy: renderPasswordPolicy() }),
                disableRead: true,
            },
            after,
        );

        // AppRole for the app: short tokens, a secret_id that expires and wears out, and both
        // usable only from the backend network.
        const approle = new vault.AuthBackend(
            `${name}-approle`,
            {
                type: "approle",
                path: APPROLE_MOUNT,
                tune: { maxLeaseTtl: `${config.maxLeaseTtlHours}h`, defaultLeaseTtl: "1h" },
            },
            after,
        );
        const role = new vault.approle.AuthBackendRole(
            `${name}-approle-app`,
            {
                backend: approle.path,
                roleName: args.app,
                tokenPolicies: [all.app.name],
                tokenTtl: config.appRole.tokenTtlSeconds,
                tokenMaxTtl: config.appRole.tokenMaxTtlSeconds,
                tokenType: "service",
                bindSecretId: true,
                secretIdTtl: config.appRole.secretIdTtlSeconds,
                secretIdNumUses: config.appRole.secretIdNumUses,
                secretIdBoundCidrs: [args.backendSubnet],
                tokenBoundCidrs: [args.backendSubnet],
            },
            { ...child, dependsOn: [policyResources.app] },
        );
        this.appRoleId = role.roleId;
        const secretId = new vault.approle.AuthBackendRoleSecretId(
            `${name}-approle-app-secret-id`,
            {
                backend: approle.path,
                roleName: role.roleName,
                cidrLists: [args.backendSubnet],
                // Every field forces a new secret_id; the rotation counter is one of them.
                metadata: JSON.stringify({ rotation: String(config.appRole.secretIdRotation) }),
            },
            { ...child, additionalSecretOutputs: ["secretId", "accessor", "wrappingToken"] },
        );
        this.appSecretId = pulumi.secret(secretId.secretId);

        // Secrets, written through the write-only field so the state keeps no copy of them.
        for (const s of args.secrets) {
            new vault.kv.SecretV2(
                `${name}-secret-${s.path.replace(/[^a-z0-9]+/gi, "-")}`,
                {
                    mount: kv.path,
                    name: s.path,
                    dataJsonWo: pulumi.secret(
                        pulumi.output(s.data).apply((d) => JSON.stringify(d)),
                    ),
                    dataJsonWoVersion: s.version,
                },
                child,
            );
        }
        this.registerOutputs({});
    }
}
