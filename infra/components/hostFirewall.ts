import * as fs from "node:fs";
import * as path from "node:path";

import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { FirewallConfig } from "../config/firewall";
import { parseCidr } from "../config/rules";
import { PublicEndpoint, bundleSha256, renderUfwBundle } from "../render/ufw";

/** The script both modes run on the host; see its header for the verbs. */
export const FIREWALL_SCRIPT_PATH = path.resolve(
    __dirname,
    "..",
    "..",
    "scripts",
    "firewall",
    "firewall.sh",
);

/** When this program run started: the drift check's trigger, new on every run. */
const PROGRAM_STARTED = new Date().toISOString();

/** The here-document delimiter that carries the script inside the command line. */
const SCRIPT_DELIMITER = "HARDENED_STACK_FIREWALL_SH";

/** Arguments of {@link HostFirewall}. */
export interface HostFirewallArgs {
    /** The validated firewall settings; `manage` must be true. */
    firewall: FirewallConfig;
    /** The subnets of the stack's Docker networks: trusted sources, guarded destinations. */
    dockerSubnets: string[];
    /** The container ports reachable from outside, at their fixed container addresses. */
    publicEndpoints: PublicEndpoint[];
    /** The SSH private key, secret; remote mode only. */
    privateKey?: pulumi.Input<string>;
    /** The script text; defaults to scripts/firewall/firewall.sh (tests pass their own). */
    script?: string;
    /**
     * A value that differs on every `pulumi up`, so the drift check runs each time; defaults
     * to the time the program started. Tests pin it.
     */
    runId?: string;
}

/** The shell commands a firewall Command runs: the script travels inside them. */
export interface FirewallCommands {
    /** Applies the bundle read from stdin, as one more resource holding it. */
    create: string;
    /** Applies it again for the same resource (the script changed, the bundle did not). */
    update: string;
    /** Restores what the stack replaced, unless a newer resource or bundle holds the rules. */
    delete: string;
    /** Re-applies the bundle read from stdin if the host drifted from it; reports the drift. */
    ensure: string;
}

/**
 * The host firewall: one rendered bundle of UFW files, applied by one command that runs the
 * same script locally or over SSH. Its triggers hold the bundle's hash, so any change to the
 * rules re-applies the whole bundle; the replacement runs before the old delete, and that delete
 * does nothing once a newer bundle (or a replacement holding the same one) is in force, so the
 * firewall never falls back in between. A second command runs on every `pulumi up` and
 * re-applies the bundle if someone disabled UFW or edited its files since.
 */
export class HostFirewall extends pulumi.ComponentResource {
    /** The rendered bundle, the command's stdin; no secret is in it. */
    public readonly bundle: string;
    /** The SHA-256 of the bundle, the command's trigger. */
    public readonly bundleSha256: string;
    /** The command that applies the bundle. */
    public readonly command: command.local.Command | command.remote.Command;
    /** The command that checks, on every update, that the bundle is still in force. */
    public readonly ensure: command.local.Command | command.remote.Command;

    constructor(name: string, args: HostFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:firewall:HostFirewall", name, {}, opts);
        validateFirewallArgs(args);

        if (args.firewall.adminCidrs.length === 0) {
            pulumi.log.warn(
                "firewall.adminCidrs is empty: SSH to the host is closed to everyone",
                this,
            );
        }

        this.bundle = renderUfwBundle(args);
        this.bundleSha256 = bundleSha256(this.bundle);
        const script = args.script ?? fs.readFileSync(FIREWALL_SCRIPT_PATH, "utf8");
        const commands = firewallCommands(script, this.bundleSha256);
        const apply = {
            create: commands.create,
            update: commands.update,
            delete: commands.delete,
            stdin: this.bundle,
            triggers: [this.bundleSha256],
            // The script prints status and UFW's own messages; it never sees a secret.
            logging: "stdoutAndStderr" as const,
        };
        const ensure = {
            create: commands.ensure,
            stdin: this.bundle,
            triggers: [args.runId ?? PROGRAM_STARTED],
            logging: "stdoutAndStderr" as const,
        };
        const remote = args.firewall.remote;
        if (args.firewall.mode === "remote" && remote && args.privateKey) {
            const connection = {
                host: remote.host,
                port: args.firewall.sshPort,
                user: remote.user,
                hostKey: remote.hostKey,
                privateKey: pulumi.secret(args.privateKey),
            };
            // The SDK itself marks `connection` (which carries the key) an additional secret
            // output; the unit tests pin that, since errors must not print it (FC-22).
            this.command = new command.remote.Command(
                `${name}-apply`,
                { ...apply, connection },
                { parent: this },
            );
            this.ensure = new command.remote.Command(
                `${name}-ensure`,
                { ...ensure, connection },
                { parent: this, dependsOn: [this.command] },
            );
        } else {
            this.command = new command.local.Command(`${name}-apply`, apply, { parent: this });
            this.ensure = new command.local.Command(`${name}-ensure`, ensure, {
                parent: this,
                dependsOn: [this.command],
            });
        }
        this.registerOutputs({ bundle: this.bundle, bundleSha256: this.bundleSha256 });
    }
}

/**
 * The commands of both resources: the script is written to a temporary file from a quoted
 * here-document, so the host needs nothing installed beforehand and the command shows at
 * preview exactly what will run. Root runs it directly; any other user through `sudo -n`.
 */
export function firewallCommands(script: string, sha256: string): FirewallCommands {
    if (script.split("\n").includes(SCRIPT_DELIMITER)) {
        throw new Error(`HostFirewall: the script contains the line ${SCRIPT_DELIMITER}`);
    }
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
        throw new Error("HostFirewall: the bundle hash must be 64 hex digits");
    }
    const body = script.endsWith("\n") ? script : `${script}\n`;
    const run = (verb: string) =>
        [
            "set -eu",
            "f=$(mktemp)",
            `trap 'rm -f "$f"' EXIT`,
            `cat >"$f" <<'${SCRIPT_DELIMITER}'`,
            `${body}${SCRIPT_DELIMITER}`,
            `if [ "$(id -u)" -eq 0 ]; then bash "$f" ${verb}; else sudo -n bash "$f" ${verb}; fi`,
            "",
        ].join("\n");
    return {
        create: run("apply"),
        update: run("update"),
        delete: run(`remove ${sha256}`),
        ensure: run("ensure"),
    };
}

/** Throws on argument combinations the component refuses; runs before any child exists. */
export function validateFirewallArgs(args: HostFirewallArgs): void {
    const { firewall } = args;
    if (!firewall.manage) {
        throw new Error("HostFirewall: firewall.manage is false; do not create the component");
    }
    if (firewall.mode === "remote" && (!firewall.remote || args.privateKey === undefined)) {
        throw new Error("HostFirewall: remote mode needs firewall.remote and the private key");
    }
    if (firewall.mode === "local" && args.privateKey !== undefined) {
        throw new Error("HostFirewall: a private key was given in local mode");
    }
    if (args.publicEndpoints.length === 0) {
        throw new Error("HostFirewall: no public endpoint; the proxy would be unreachable");
    }
    const subnets = args.dockerSubnets.map((s) => {
        const cidr = parseCidr(s);
        if (!cidr || cidr.hostBits) {
            throw new Error(`HostFirewall: "${s}" is not an IPv4 network in CIDR form`);
        }
        return cidr;
    });
    for (const endpoint of args.publicEndpoints) {
        const address = parseCidr(`${endpoint.address}/32`);
        const inside = address && subnets.some((s) => withinCidr(address.base, s));
        if (!inside) {
            throw new Error(
                `HostFirewall: public endpoint ${endpoint.address} is not in a stack Docker ` +
                    "subnet; rules must name the container's fixed address (after DNAT)",
            );
        }
        if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
            throw new Error(`HostFirewall: public endpoint port ${endpoint.port} is invalid`);
        }
    }
}

function withinCidr(address: number, cidr: { base: number; prefix: number }): boolean {
    return address >= cidr.base && address < cidr.base + 2 ** (32 - cidr.prefix);
}
