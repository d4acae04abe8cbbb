// The Pulumi program: validate the stack's config, then build the stack from it.
import * as pulumi from "@pulumi/pulumi";

import { PROJECT, loadConfig } from "./config";
import { FIREWALL_KEY_SECRET } from "./config/firewall";
import { createStack } from "./stack";

const config = loadConfig();
const raw = new pulumi.Config(PROJECT);
const outputs = createStack(config, {
    appSecretEnv:
        raw.getSecretObject<Record<string, string>>("appSecretEnv") ??
        pulumi.secret<Record<string, string>>({}),
    appSecretFiles:
        raw.getSecretObject<Record<string, string>>("appSecretFiles") ??
        pulumi.secret<Record<string, string>>({}),
    tlsCertificate:
        config.tls.source === "provided" ? raw.requireSecret("tlsCertificate") : undefined,
    tlsPrivateKey:
        config.tls.source === "provided" ? raw.requireSecret("tlsPrivateKey") : undefined,
    firewallSshPrivateKey:
        config.firewall.manage && config.firewall.mode === "remote"
            ? raw.requireSecret(FIREWALL_KEY_SECRET)
            : undefined,
    externalVault:
        config.data.vault.mode === "external"
            ? {
                  token: raw.requireSecret("vaultToken"),
                  caCertificatePem: raw.requireSecret("vaultCaCertificate"),
              }
            : undefined,
});

export const url = outputs.url;
export const frontendNetwork = outputs.frontendNetwork;
export const backendNetwork = outputs.backendNetwork;
export const proxyContainer = outputs.proxyContainer;
export const appContainer = outputs.appContainer;
export const certificatePem = outputs.certificatePem;
export const nginxConf = outputs.nginxConf;
export const firewallBundle = outputs.firewallBundle;
export const internalCaCertificate = outputs.internalCaCertificate;
export const postgresqlConf = outputs.postgresqlConf;
export const pgHbaConf = outputs.pgHbaConf;
export const vaultHcl = outputs.vaultHcl;
export const vaultPolicies = outputs.vaultPolicies;
