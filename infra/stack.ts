import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

import { APP_CONFIG_DIR, App } from "./components/app";
import { AppImage } from "./components/appImage";
import { DataTier, ExternalVault } from "./components/dataTier";
import { HostFirewall } from "./components/hostFirewall";
import { PolicyExemptions } from "./components/policyExemptions";
import { SegmentedNetworks } from "./components/segmentedNetworks";
import { TlsCertificate } from "./components/tlsCertificate";
import { WebProxy } from "./components/webProxy";
import { StackConfig } from "./config";
import { nginxModel } from "./render/nginx";
import { proxyEndpoints } from "./render/ufw";

/** Secret inputs, read by the program as secrets and never validated in the clear. */
export interface StackSecrets {
    /** Secret environment values of the app, by name. */
    appSecretEnv: pulumi.Output<Record<string, string>>;
    /** The secret key appSecretFiles: values the app reads from files named by `<NAME>_FILE`. */
    appSecretFiles?: pulumi.Output<Record<string, string>>;
    /** Provided certificate chain (tls.source = provided). */
    tlsCertificate?: pulumi.Output<string>;
    /** Provided private key (tls.source = provided). */
    tlsPrivateKey?: pulumi.Output<string>;
    /** SSH private key for the host firewall (firewall.mode = remote). */
    firewallSshPrivateKey?: pulumi.Output<string>;
    /** Token and CA of an external Vault (vault.mode = external). */
    externalVault?: ExternalVault;
}

/** The explicit providers every resource uses; default providers are disabled. */
export interface StackProviders {
    docker: docker.Provider;
    tls: tls.Provider;
}

/** What the stack exports. */
export interface StackOutputs {
    url: string;
    frontendNetwork: pulumi.Output<string>;
    backendNetwork: pulumi.Output<string>;
    proxyContainer: pulumi.Output<string>;
    appContainer: pulumi.Output<string>;
    certificatePem: pulumi.Output<string>;
    nginxConf: string;
    /** The rendered UFW bundle the firewall command applies; absent when not managed. */
    firewallBundle?: string;
    /** The internal CA that signs the PostgreSQL and Vault certificates. */
    internalCaCertificate: pulumi.Output<string>;
    /** The rendered server configurations of the data tier, for review and policies. */
    postgresqlConf: string;
    pgHbaConf: string;
    vaultHcl?: string;
    /** The rendered Vault policies, by role. */
    vaultPolicies: Record<string, string>;
}

/** Pulls an image by its reference and returns the id containers should use. */
export function pinnedImage(
    name: string,
    reference: string,
    provider: docker.Provider,
): pulumi.Output<string> {
    return new docker.RemoteImage(name, { name: reference, keepLocally: true }, { provider })
        .imageId;
}

/**
 * Builds the whole stack from validated config. Reads top to bottom: providers, networks, the
 * certificate, the app, and nginx in front of it. The data tier and the host firewall attach
 * at the marked places.
 */
export function createStack(
    config: StackConfig,
    secrets: StackSecrets,
    stackName = pulumi.getStack(),
): StackOutputs {
    // Explicit providers; Pulumi.yaml disables the default ones so nothing falls back silently.
    const providers: StackProviders = {
        docker: new docker.Provider("docker", { host: config.dockerHost }),
        tls: new tls.Provider("tls", {}),
    };
    const opts = { providers: [providers.docker, providers.tls] };

    // Policy exemptions, first, so the policy pack has them before it sees any other resource.
    new PolicyExemptions("policy-exemptions", {
        exemptions: config.policy.exemptions,
        environment: config.environment,
    });

    // Segmented networks: frontend for nginx and the app, an internal backend for the data tier.
    const networks = new SegmentedNetworks(
        "net",
        {
            frontend: { subnet: config.network.frontendSubnet, internal: false },
            backend: {
                subnet: config.network.backendSubnet,
                internal: true,
            },
        },
        opts,
    );

    // The public certificate: self-signed for dev, provided (key as a secret) otherwise.
    const certificate = new TlsCertificate(
        "edge-tls",
        {
            dnsNames: config.domains,
            source: config.tls.source,
            keyAlgorithm: config.tls.keyAlgorithm,
            validityHours: config.tls.validityHours,
            certificatePem: secrets.tlsCertificate,
            privateKeyPem: secrets.tlsPrivateKey,
        },
        opts,
    );

    // Images, pulled by their pinned references; containers use the pulled image's id, which is
    // what the engine reports back, so a second `pulumi up` sees no difference (FC-04). With
    // appBuild, the app's image is built here from a rendered Dockerfile and used by its id.
    const builtApp = config.appBuild
        ? new AppImage("app-image", { build: config.appBuild, app: config.app }, opts)
        : undefined;
    const appImage =
        builtApp?.imageId ?? pinnedImage("app-image", config.app.image, providers.docker);
    const proxyImage = pinnedImage("edge-image", config.proxy.image, providers.docker);

    // The data and secrets tier attaches here: it adds backend containers and app settings.
    const managedVault = config.data.vault.mode === "managed";
    const data = new DataTier(
        "data",
        {
            config: config.data,
            images: {
                postgres: pinnedImage(
                    "postgres-image",
                    config.data.postgres.image,
                    providers.docker,
                ),
                vault: managedVault
                    ? pinnedImage("vault-image", config.data.vault.image, providers.docker)
                    : undefined,
            },
            appName: config.app.name,
            appUser: config.app.user,
            backendNetwork: networks.backend.name,
            backendSubnet: config.network.backendSubnet,
            dockerHost: config.dockerHost,
            stack: stackName,
            externalVault: secrets.externalVault,
        },
        opts,
    );
    const appExtraEnv: Record<string, pulumi.Input<string>> = { ...data.appEnv };
    const appFiles = [...data.appFiles];
    // Secrets from appSecretFiles: a 0400 file each, owned by the app's uid, in the app's
    // read-only config volume; only the file's path is in the environment.
    const [appUid, appGid] = config.app.user.split(":").map(Number);
    if (config.app.secretFileNames.length > 0 && !secrets.appSecretFiles) {
        throw new Error("appSecretFiles names are configured but no values were passed");
    }
    for (const name of config.app.secretFileNames) {
        const file = `${APP_CONFIG_DIR}/secrets/${name.toLowerCase().replace(/_/g, "-")}`;
        appExtraEnv[`${name}_FILE`] = file;
        appFiles.push({
            path: file,
            content: pulumi.secret(secrets.appSecretFiles!.apply((all) => all[name])),
            mode: "0400",
            owner: appUid,
            group: appGid,
        });
    }

    // The application: on the frontend network for nginx, on the backend for the data tier.
    const secretEnv = Object.fromEntries(
        config.app.secretEnvNames.map((n) => [n, secrets.appSecretEnv.apply((all) => all[n])]),
    );
    const app = new App(
        config.app.name,
        {
            config: config.app,
            image: appImage,
            healthcheckCommand: builtApp?.healthcheckCommand,
            writablePaths: config.appBuild?.writablePaths,
            networks: [
                {
                    name: networks.frontend.name,
                    aliases: [config.app.name],
                    ipv4Address: config.network.appAddress,
                },
                { name: networks.backend.name, aliases: [config.app.name] },
            ],
            secretEnv,
            extraEnv: appExtraEnv,
            files: appFiles,
        },
        { ...opts, dependsOn: [data] },
    );

    // The host firewall: UFW plus DOCKER-USER rules that open only nginx's container ports and
    // SSH for admins. It comes before nginx, so no port is published before the rules hold.
    const firewall = config.firewall.manage
        ? new HostFirewall(
              "host-firewall",
              {
                  firewall: config.firewall,
                  dockerSubnets: [config.network.frontendSubnet, config.network.backendSubnet],
                  publicEndpoints: proxyEndpoints(config.network),
                  privateKey: secrets.firewallSshPrivateKey,
              },
              { providers: [new command.Provider("command", {})] },
          )
        : undefined;

    // nginx, the only container with published ports.
    const proxy = new WebProxy(
        "edge",
        {
            image: proxyImage,
            user: config.proxy.user,
            model: nginxModel(config),
            certificatePem: certificate.certificatePem,
            privateKeyPem: certificate.privateKeyPem,
            network: {
                name: networks.frontend.name,
                aliases: ["edge"],
                ipv4Address: config.network.proxyAddress,
            },
            bindAddress: config.proxy.bindAddress,
            httpsPort: config.proxy.httpsPort,
            httpPort: config.proxy.httpPort,
            limits: config.proxy.limits,
        },
        { ...opts, dependsOn: firewall ? [app, firewall] : [app] },
    );

    const port = config.proxy.httpsPort === 443 ? "" : `:${config.proxy.httpsPort}`;
    return {
        url: `https://${config.domains[0]}${port}/`,
        frontendNetwork: networks.frontend.name,
        backendNetwork: networks.backend.name,
        proxyContainer: proxy.container.containerName,
        appContainer: app.container.containerName,
        certificatePem: certificate.certificatePem,
        nginxConf: proxy.nginxConf,
        firewallBundle: firewall?.bundle,
        internalCaCertificate: data.caCertificatePem,
        postgresqlConf: data.postgres.postgresqlConf,
        pgHbaConf: data.postgres.pgHbaConf,
        vaultHcl: data.vaultServer?.vaultHcl,
        vaultPolicies: data.vaultConfiguration.policies,
    };
}
