import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { VAULT_API_PORT, VaultConfig } from "../config/data";
import { VAULT_CONTAINER_PATHS, renderVaultConfig, vaultServerModel } from "../render/vault";
import { HardenedContainer } from "./hardenedContainer";
import { SECRET_COMMAND } from "./localCommands";

/** Arguments of {@link VaultServer}. */
export interface VaultServerArgs {
    /** The validated settings (mode managed). */
    config: VaultConfig;
    /** The pulled image's id (config.image, pinned). */
    image: pulumi.Input<string>;
    /** The internal backend network's name; the server joins no other network. */
    backendNetwork: pulumi.Input<string>;
    /** The server certificate, signed by the internal CA. */
    certificatePem: pulumi.Input<string>;
    /** Its private key; secret. */
    privateKeyPem: pulumi.Input<string>;
    /** The internal CA certificate, for the CLI inside the container. */
    caCertificatePem: pulumi.Input<string>;
    /** The Docker engine the init and unseal commands reach the container through. */
    dockerHost: string;
    /** The explicit command provider. */
    commandProvider: command.Provider;
}

/** The init command: prints the key shares and root token as JSON (kept only as a secret). */
export function vaultInitCommand(shares: number, threshold: number): string {
    return (
        'docker exec "$VAULT_CONTAINER" vault operator init -format=json ' +
        `-key-shares=${shares} -key-threshold=${threshold}`
    );
}

/**
 * The unseal command: reads one key share per line on stdin and hands each to Vault on the
 * container's stdin (`key=-`), so no key is ever a command-line argument or printed. Ends
 * with `vault status`, which exits 0 only once Vault is unsealed.
 */
export const VAULT_UNSEAL_COMMAND = [
    "set -eu",
    "while IFS= read -r share; do",
    '  [ -n "$share" ] || continue',
    '  printf \'%s\' "$share" | docker exec -i "$VAULT_CONTAINER" \\',
    "    vault write -format=json sys/unseal key=- >/dev/null",
    "done",
    'docker exec "$VAULT_CONTAINER" vault status >/dev/null',
].join("\n");

/**
 * A Vault server on the internal backend network, never in dev mode: the rendered vault.hcl,
 * TLS from the internal CA, integrated storage and the audit log on their own volumes, no UI,
 * every capability dropped (mlock is off, see vault.hcl). @pulumi/command initialises it once
 * and unseals it after every (re)creation; key shares and the root token exist only as
 * secrets in the state and are never printed.
 */
export class VaultServer extends pulumi.ComponentResource {
    /** The container. */
    public readonly container: HardenedContainer;
    /** The rendered vault.hcl. */
    public readonly vaultHcl: string;
    /** The root token from initialisation; secret. */
    public readonly rootToken: pulumi.Output<string>;
    /** The command that unseals Vault; whatever talks to Vault depends on it. */
    public readonly unsealed: command.local.Command;

    constructor(name: string, args: VaultServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:data:VaultServer", name, {}, opts);
        const { config } = args;
        if (config.mode !== "managed") {
            throw new Error(`VaultServer ${name}: only a managed Vault runs as a container`);
        }
        const [uid, gid] = config.user.split(":").map(Number);
        const paths = VAULT_CONTAINER_PATHS;
        this.vaultHcl = renderVaultConfig(vaultServerModel(config));

        // Storage and audit log on volumes of their own; both survive a replaced container.
        const volume = (part: string) =>
            new docker.Volume(
                `${name}-${part}`,
                {
                    name: `${name}-${part}`,
                    labels: [{ label: "hardened-stack.role", value: "vault" }],
                },
                { parent: this, retainOnDelete: true },
            );
        const storage = volume("storage");
        const audit = volume("audit");

        this.container = new HardenedContainer(
            name,
            {
                image: args.image,
                user: config.user,
                // The image's entrypoint would fall back to `server -dev`; name the command.
                entrypoint: ["vault"],
                command: ["server", `-config=${paths.configFile}`],
                env: {
                    VAULT_ADDR: `https://127.0.0.1:${VAULT_API_PORT}`,
                    VAULT_CACERT: paths.caFile,
                },
                networks: [
                    {
                        name: args.backendNetwork,
                        aliases: [config.hostName],
                        ipv4Address: config.ipv4Address,
                    },
                ],
                volumes: [
                    { volumeName: storage.name, containerPath: paths.storage, readOnly: false },
                    { volumeName: audit.name, containerPath: paths.auditDir, readOnly: false },
                ],
                tmpfs: [{ path: "/tmp", size: "16m", mode: "1777" }],
                configDir: paths.configDir,
                files: [
                    { path: paths.configFile, content: this.vaultHcl },
                    { path: paths.certFile, content: args.certificatePem },
                    { path: paths.caFile, content: args.caCertificatePem },
                    {
                        path: paths.keyFile,
                        content: pulumi.secret(args.privateKeyPem),
                        mode: "0400",
                        owner: uid,
                        group: gid,
                    },
                ],
                limits: config.limits,
                healthcheck: {
                    // Healthy means serving: 0 is unsealed and 2 is sealed, 1 is an error.
                    // A new server is sealed until the unseal command below runs, so waiting
                    // for exit 0 here would wait forever; the providers wait for the unseal.
                    test: ["CMD-SHELL", "vault status >/dev/null 2>&1; [ $? -ne 1 ]"],
                    intervalSeconds: 5,
                    timeoutSeconds: 3,
                    retries: 5,
                    startPeriodSeconds: 10,
                },
                labels: { "hardened-stack.role": "vault" },
            },
            { parent: this },
        );

        const environment = {
            DOCKER_HOST: args.dockerHost,
            VAULT_CONTAINER: this.container.containerName,
        };
        const init = new command.local.Command(
            `${name}-init`,
            {
                create: vaultInitCommand(config.keyShares, config.keyThreshold),
                environment,
                logging: SECRET_COMMAND.logging,
            },
            {
                parent: this,
                provider: args.commandProvider,
                additionalSecretOutputs: SECRET_COMMAND.additionalSecretOutputs,
                dependsOn: [this.container],
            },
        );
        const result = init.stdout.apply(
            (out) => JSON.parse(out) as { unseal_keys_b64: string[]; root_token: string },
        );
        this.rootToken = pulumi.secret(result.apply((r) => r.root_token));

        this.unsealed = new command.local.Command(
            `${name}-unseal`,
            {
                create: VAULT_UNSEAL_COMMAND,
                environment,
                stdin: pulumi.secret(
                    result.apply(
                        (r) => r.unseal_keys_b64.slice(0, config.keyThreshold).join("\n") + "\n",
                    ),
                ),
                // A new container starts sealed: unseal again whenever it is replaced.
                triggers: [this.container.container.id],
                logging: SECRET_COMMAND.logging,
            },
            {
                parent: this,
                provider: args.commandProvider,
                additionalSecretOutputs: SECRET_COMMAND.additionalSecretOutputs,
            },
        );
        this.registerOutputs({ vaultHcl: this.vaultHcl });
    }
}
