import * as command from "@pulumi/command";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";

import { DataConfig, POSTGRES_PORT, VAULT_API_PORT } from "../config/data";
import { databasePlan } from "../render/databasePlan";
import { PLATFORM_SECRETS } from "../render/vault";
import { APP_CONFIG_DIR } from "./app";
import { AppDatabase } from "./database";
import { ContainerFile } from "./hardenedContainer";
import { InternalCa } from "./internalCa";
import { GeneratedPassword, LocalTrustFile } from "./localCommands";
import { PostgresServer } from "./postgres";
import { VaultServer } from "./vault";
import { VaultConfiguration } from "./vaultConfig";

/** Credentials of an external Vault, read from secret config. */
export interface ExternalVault {
    /** A token with the admin policy's rights; secret. */
    token: pulumi.Input<string>;
    /** The CA certificate that signed the Vault server's certificate. */
    caCertificatePem: pulumi.Input<string>;
}

/** Arguments of {@link DataTier}. */
export interface DataTierArgs {
    /** The validated settings. */
    config: DataConfig;
    /** The pulled images' ids; Vault's only for a managed Vault. */
    images: { postgres: pulumi.Input<string>; vault?: pulumi.Input<string> };
    /** The app's name: its Vault paths, AppRole and policy carry it. */
    appName: string;
    /** The app's numeric uid:gid: its credential files are readable by it alone. */
    appUser: string;
    /** The internal backend network's name. */
    backendNetwork: pulumi.Input<string>;
    /** The backend subnet. */
    backendSubnet: string;
    /** The Docker engine, for the Vault init and unseal commands. */
    dockerHost: string;
    /** The stack's name: local trust files are kept per stack. */
    stack: string;
    /** Required when `config.vault.mode` is external. */
    externalVault?: ExternalVault;
}

/** Where the app finds the internal CA and, for an external Vault, Vault's CA. */
export const APP_TRUST_FILES = {
    internalCa: `${APP_CONFIG_DIR}/internal-ca.pem`,
    vaultCa: `${APP_CONFIG_DIR}/vault-ca.pem`,
};

/** Where the app finds its credentials, one file each, named by `*_FILE` variables. */
export const APP_SECRET_FILES = {
    DATABASE_PASSWORD_FILE: `${APP_CONFIG_DIR}/secrets/database-password`,
    VAULT_ROLE_ID_FILE: `${APP_CONFIG_DIR}/secrets/vault-role-id`,
    VAULT_SECRET_ID_FILE: `${APP_CONFIG_DIR}/secrets/vault-secret-id`,
};

/**
 * The data and secrets tier: an internal CA, PostgreSQL and (managed or external) Vault on the
 * backend network, the app's database and roles, and Vault's mounts, policies and AppRole.
 * It hands the app plain settings, CA files, and its credentials as files only it can read
 * (`docker inspect` shows the environment to anyone with the engine's socket).
 */
export class DataTier extends pulumi.ComponentResource {
    /** Plain environment for the app: where the database and Vault are and how to trust them. */
    public readonly appEnv: Record<string, pulumi.Input<string>>;
    /** Files for the app: the CA certificates, and its credentials (secret, mode 0400). */
    public readonly appFiles: ContainerFile[];
    /** The internal CA certificate. */
    public readonly caCertificatePem: pulumi.Output<string>;
    /** The PostgreSQL server. */
    public readonly postgres: PostgresServer;
    /** The managed Vault server, if any. */
    public readonly vaultServer?: VaultServer;
    /** Vault's configuration. */
    public readonly vaultConfiguration: VaultConfiguration;

    constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:data:DataTier", name, {}, opts);
        const { config } = args;
        const managed = config.vault.mode === "managed";
        if (!managed && args.externalVault === undefined) {
            throw new Error(`DataTier ${name}: an external Vault needs a token and a CA`);
        }
        if (managed && args.images.vault === undefined) {
            throw new Error(`DataTier ${name}: a managed Vault needs its image`);
        }
        const pg = config.postgres;

        // Local commands: password generation, trust files, Vault init and unseal.
        const commandProvider = new command.Provider(`${name}-command`, {}, { parent: this });

        // The internal CA and the two server certificates it signs.
        const ca = new InternalCa(
            `${name}-ca`,
            {
                commonName: "hardened-stack internal CA",
                servers: {
                    postgres: { dnsNames: [pg.hostName], ipAddresses: [pg.ipv4Address] },
                    ...(managed
                        ? {
                              vault: {
                                  dnsNames: [config.vault.hostName],
                                  ipAddresses: [config.vault.ipv4Address, "127.0.0.1"],
                              },
                          }
                        : {}),
                },
            },
            { parent: this },
        );
        this.caCertificatePem = ca.certificatePem;
        const trustDir = `.hardened-stack/${args.stack}`;
        const caFile = new LocalTrustFile(
            `${name}-ca-file`,
            {
                path: `${trustDir}/internal-ca.pem`,
                certificatePem: ca.certificatePem,
                provider: commandProvider,
            },
            { parent: this },
        );

        // Passwords: the superuser's is made once; the app's rotates with passwordRotation.
        const adminPassword = new GeneratedPassword(
            `${name}-pg-admin-password`,
            { rotation: 1, provider: commandProvider },
            { parent: this },
        );
        const appPassword = new GeneratedPassword(
            `${name}-pg-app-password`,
            { rotation: pg.passwordRotation, provider: commandProvider },
            { parent: this },
        );

        // PostgreSQL, and the provider that waits for it to be healthy and verifies its name.
        this.postgres = new PostgresServer(
            `${name}-postgres`,
            {
                config: pg,
                image: args.images.postgres,
                backendNetwork: args.backendNetwork,
                backendSubnet: args.backendSubnet,
                certificatePem: ca.servers.postgres.certificatePem,
                privateKeyPem: ca.servers.postgres.privateKeyPem,
                adminPassword: adminPassword.value,
            },
            { parent: this },
        );
        const pgProvider = new postgresql.Provider(
            `${name}-postgresql`,
            {
                host: pg.ipv4Address,
                port: POSTGRES_PORT,
                database: "postgres",
                username: pg.roles.admin,
                password: adminPassword.value,
                sslmode: "verify-full",
                sslrootcert: caFile.path,
                superuser: true,
                connectTimeout: 15,
            },
            { parent: this, dependsOn: [this.postgres.container, caFile.writer] },
        );
        const plan = databasePlan(pg);
        new AppDatabase(
            `${name}-db`,
            {
                plan,
                owner: pg.roles.admin,
                appPassword: appPassword.value,
                passwordVersion: pg.passwordRotation,
                provider: pgProvider,
            },
            { parent: this },
        );

        // Vault: a managed container, or an external server reached with a secret token.
        let token: pulumi.Input<string>;
        let vaultCaFile = caFile;
        let unsealed: pulumi.Resource[] = [];
        if (managed) {
            this.vaultServer = new VaultServer(
                `${name}-vault`,
                {
                    config: config.vault,
                    image: args.images.vault!,
                    backendNetwork: args.backendNetwork,
                    certificatePem: ca.servers.vault.certificatePem,
                    privateKeyPem: ca.servers.vault.privateKeyPem,
                    caCertificatePem: ca.certificatePem,
                    dockerHost: args.dockerHost,
                    commandProvider,
                },
                { parent: this },
            );
            token = this.vaultServer.rootToken;
            unsealed = [this.vaultServer.unsealed];
        } else {
            token = pulumi.secret(args.externalVault!.token);
            vaultCaFile = new LocalTrustFile(
                `${name}-vault-ca-file`,
                {
                    path: `${trustDir}/vault-ca.pem`,
                    certificatePem: args.externalVault!.caCertificatePem,
                    provider: commandProvider,
                },
                { parent: this },
            );
        }
        const vaultProvider = new vault.Provider(
            `${name}-vault`,
            {
                address: config.vault.address,
                token,
                caCertFile: vaultCaFile.path,
                skipTlsVerify: false,
                // The provider works with a short-lived child token, never the token itself.
                skipChildToken: false,
                maxLeaseTtlSeconds: 1200,
            },
            { parent: this, dependsOn: [vaultCaFile.writer, ...unsealed] },
        );

        // The app's database credentials, and the superuser's for admins, stored in KV v2.
        this.vaultConfiguration = new VaultConfiguration(
            `${name}-vault-config`,
            {
                config: config.vault,
                app: args.appName,
                backendSubnet: args.backendSubnet,
                manageAudit: managed,
                provider: vaultProvider,
                secrets: [
                    {
                        path: `${args.appName}/database`,
                        data: {
                            host: pg.hostName,
                            port: String(POSTGRES_PORT),
                            database: pg.database,
                            username: pg.roles.app,
                            password: appPassword.value,
                        },
                        version: pg.passwordRotation,
                    },
                    {
                        path: `${PLATFORM_SECRETS}/postgres-admin`,
                        data: { username: pg.roles.admin, password: adminPassword.value },
                        version: 1,
                    },
                ],
            },
            { parent: this },
        );

        // What the app gets: settings in the clear, CAs and credentials as files.
        const vaultCaPath = managed ? APP_TRUST_FILES.internalCa : APP_TRUST_FILES.vaultCa;
        this.appEnv = {
            DATABASE_HOST: pg.hostName,
            DATABASE_PORT: String(POSTGRES_PORT),
            DATABASE_NAME: pg.database,
            DATABASE_USER: pg.roles.app,
            DATABASE_SSLMODE: "verify-full",
            DATABASE_SSLROOTCERT: APP_TRUST_FILES.internalCa,
            VAULT_ADDR: managed
                ? `https://${config.vault.hostName}:${VAULT_API_PORT}`
                : config.vault.address,
            VAULT_CACERT: vaultCaPath,
            VAULT_AUTH_PATH: "approle",
            VAULT_TRANSIT_MOUNT: config.vault.transitMount,
            VAULT_TRANSIT_KEY: config.vault.transitKey,
            VAULT_KV_MOUNT: config.vault.kvMount,
            ...APP_SECRET_FILES,
        };
        const [uid, gid] = args.appUser.split(":").map(Number);
        const credential = (path: string, content: pulumi.Input<string>): ContainerFile => ({
            path,
            content: pulumi.secret(content),
            mode: "0400",
            owner: uid,
            group: gid,
        });
        this.appFiles = [
            { path: APP_TRUST_FILES.internalCa, content: ca.certificatePem },
            credential(APP_SECRET_FILES.DATABASE_PASSWORD_FILE, appPassword.value),
            credential(APP_SECRET_FILES.VAULT_ROLE_ID_FILE, this.vaultConfiguration.appRoleId),
            credential(APP_SECRET_FILES.VAULT_SECRET_ID_FILE, this.vaultConfiguration.appSecretId),
        ];
        if (!managed) {
            this.appFiles.push({
                path: APP_TRUST_FILES.vaultCa,
                content: args.externalVault!.caCertificatePem,
            });
        }
        this.registerOutputs({ caCertificatePem: this.caCertificatePem });
    }
}
