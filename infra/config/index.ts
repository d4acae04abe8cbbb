import { FirewallConfig, readFirewallConfig } from "./firewall";
import { AppBuildConfig, readAppBuildConfig } from "./image";
import { PolicyConfig, readPolicyConfig } from "./policy";
import { DataConfig, readDataConfig } from "./data";
import { ConfigReader, ConfigSource, pulumiConfigSource } from "./reader";
import { hostPortProblem } from "./rules";
import { WebConfig, readWebConfig } from "./web";

export { ConfigError, ConfigIssue, ConfigReader, ConfigSource, formatIssues } from "./reader";

/** Every validated setting of a stack. Each tier adds its own part. */
export interface StackConfig extends WebConfig {
    /** The Docker engine the explicit docker provider talks to. */
    dockerHost: string;
    /** Policy exemptions, read by the CrossGuard pack and the offline check. */
    policy: PolicyConfig;
    /** The host firewall. */
    firewall: FirewallConfig;
    /** How to build the app's image; when set, it replaces `app.image`. */
    appBuild?: AppBuildConfig;
    /** The data and secrets tier: Vault and PostgreSQL. */
    data: DataConfig;
}

/** The project name, which is also the config namespace. */
export const PROJECT = "hardened-stack";

/**
 * Reads and validates the whole stack configuration. Every bad key is reported at once, in one
 * ConfigError, before the program registers any resource.
 */
export function loadConfig(source: ConfigSource = pulumiConfigSource(PROJECT)): StackConfig {
    const reader = new ConfigReader(source, PROJECT);
    const web = readWebConfig(reader);
    const dockerHost = reader
        .top(["dockerHost"])
        .string("dockerHost", "unix:///var/run/docker.sock", {
            // No tcp://: the engine's API would be spoken unencrypted and unauthenticated.
            pattern: /^(unix:\/\/\/[\w./-]+|ssh:\/\/[\w.-]+@[\w.-]+(:\d+)?)$/,
            expected: "unix:///var/run/docker.sock or ssh://user@host[:port]",
            check: (value) =>
                value.startsWith("ssh://")
                    ? hostPortProblem(value.slice(value.indexOf("@") + 1))
                    : undefined,
        });
    const policy = readPolicyConfig(reader);
    // Further tiers read their keys here, before finish(), so all problems surface together.
    const firewall = readFirewallConfig(reader);
    const appBuild = readAppBuildConfig(reader, web.environment !== "dev");
    const data = readDataConfig(reader, web.environment, web.network.backendSubnet);
    // sshd and Docker's published ports share the host's ports.
    const { httpsPort, httpPort } = web.proxy;
    if (firewall.manage && [httpsPort, httpPort].includes(firewall.sshPort)) {
        const other = firewall.sshPort === httpsPort ? "httpsPort" : "httpPort";
        reader.report(
            "firewall.sshPort",
            `is ${firewall.sshPort}, the same as proxy.${other}`,
            "a port that nginx does not publish",
        );
    }
    reportSharedUids(reader, [
        ["proxy.user", web.proxy.user],
        ["app.user", web.app.user],
        ["postgres.user", data.postgres.user],
        ...(data.vault.mode === "managed" ? [["vault.user", data.vault.user] as const] : []),
    ]);
    reader.finish();
    return { ...web, dockerHost, policy, firewall, appBuild, data };
}

/**
 * Every service runs under its own uid: the kernel counts the nproc ceiling per uid, across
 * containers, and a shared uid could read the other service's files on a shared volume.
 */
function reportSharedUids(reader: ConfigReader, users: (readonly [string, string])[]): void {
    const firstByUid = new Map<string, string>();
    for (const [key, user] of users) {
        const uid = user.split(":")[0];
        const first = firstByUid.get(uid);
        if (first === undefined) {
            firstByUid.set(uid, key);
        } else {
            reader.report(
                key,
                `runs as uid ${uid}, as ${first} does`,
                "a uid no other service of the stack uses (the nproc ceiling is counted per uid)",
            );
        }
    }
}
