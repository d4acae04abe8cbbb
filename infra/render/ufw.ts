import { createHash } from "node:crypto";

import { FirewallConfig, FirewallLogging } from "../config/firewall";
import { NetworkConfig } from "../config/web";
import { NGINX_HTTP_PORT, NGINX_HTTPS_PORT } from "./nginx";
import { renderTemplate } from "./templates";

/** A container port reachable from outside, named as DOCKER-USER sees it: after DNAT. */
export interface PublicEndpoint {
    /** The container's fixed address on its Docker network. */
    address: string;
    /** The port the container listens on (the `internal` side of the mapping). */
    port: number;
    /** Why it is public, for people reading the rules. */
    purpose: string;
}

/** What the firewall rules are built from. */
export interface UfwRulesInput {
    firewall: FirewallConfig;
    /** The subnets of the stack's Docker networks, trusted as sources and guarded as targets. */
    dockerSubnets: string[];
    /** The declared public container ports; every other published port stays closed. */
    publicEndpoints: PublicEndpoint[];
}

/** One address family's view: chain prefix, wildcard address and the rules of that family. */
export interface UfwFamilyModel {
    /** `""` for IPv4, `"6"` for IPv6, as in UFW's file and chain names. */
    family: "" | "6";
    /** UFW's chain prefix: `ufw` or `ufw6`. */
    chain: "ufw" | "ufw6";
    /** The wildcard network of the family, as UFW writes it in rule tuples. */
    anywhere: string;
    /** The path of this family's after.rules. */
    file: string;
    sshPort: number;
    /** Admin networks of this family that may reach SSH (rate-limited). */
    sshSources: string[];
    /** Route rules to the public container ports of this family. */
    routes: PublicEndpoint[];
    /** The stack's Docker subnets of this family. */
    dockerSubnets: string[];
    denyChain: string;
    logging: LoggingFlags;
    quietPorts: { protocol: "tcp" | "udp"; port: number }[];
    quietBroadcast: boolean;
}

/** The log level as flags, since templates have no equality test. */
export interface LoggingFlags {
    level: FirewallLogging;
    off: boolean;
    low: boolean;
    medium: boolean;
}

/** Everything the UFW templates need; built by {@link ufwModel}. */
export interface UfwModel {
    ipv6: "yes" | "no";
    logging: LoggingFlags;
    v4: UfwFamilyModel;
    v6: UfwFamilyModel;
}

/** One file of the bundle. */
export interface BundleFile {
    path: string;
    content: string;
}

/** The chain the rendered after.rules drops blocked container traffic into (logged first). */
export const DOCKER_DENY_CHAIN = "hardened-docker-deny";

/** The files every bundle carries, in the order they are written. */
export const BUNDLE_PATHS = [
    "/etc/default/ufw",
    "/etc/ufw/ufw.conf",
    "/etc/ufw/user.rules",
    "/etc/ufw/user6.rules",
    "/etc/ufw/after.rules",
    "/etc/ufw/after6.rules",
] as const;

/** The line that starts each file in the bundle. */
export const FILE_MARKER = "### file: ";

/** nginx's public container ports at its fixed frontend address: HTTPS and the redirect. */
export function proxyEndpoints(network: NetworkConfig): PublicEndpoint[] {
    return [
        { address: network.proxyAddress, port: NGINX_HTTPS_PORT, purpose: "HTTPS at nginx" },
        { address: network.proxyAddress, port: NGINX_HTTP_PORT, purpose: "HTTP redirect at nginx" },
    ];
}

/** Builds the template model; the rules name container addresses and ports, never host ports. */
export function ufwModel(input: UfwRulesInput): UfwModel {
    const { firewall } = input;
    const level = firewall.logging;
    const logging: LoggingFlags = {
        level,
        off: level === "off",
        low: level === "low",
        medium: level === "medium",
    };
    const isV6 = (address: string) => address.includes(":");
    const family = (six: boolean): UfwFamilyModel => ({
        family: six ? "6" : "",
        chain: six ? "ufw6" : "ufw",
        anywhere: six ? "::/0" : "0.0.0.0/0",
        file: six ? "/etc/ufw/after6.rules" : "/etc/ufw/after.rules",
        sshPort: firewall.sshPort,
        sshSources: firewall.adminCidrs.filter((c) => isV6(c) === six),
        routes: input.publicEndpoints.filter((e) => isV6(e.address) === six),
        dockerSubnets: input.dockerSubnets.filter((s) => isV6(s) === six),
        denyChain: DOCKER_DENY_CHAIN,
        logging,
        quietPorts: [
            { protocol: "udp", port: 137 },
            { protocol: "udp", port: 138 },
            { protocol: "tcp", port: 139 },
            { protocol: "tcp", port: 445 },
            ...(six
                ? [
                      { protocol: "udp" as const, port: 546 },
                      { protocol: "udp" as const, port: 547 },
                  ]
                : [
                      { protocol: "udp" as const, port: 67 },
                      { protocol: "udp" as const, port: 68 },
                  ]),
        ],
        quietBroadcast: !six,
    });
    return { ipv6: firewall.ipv6 ? "yes" : "no", logging, v4: family(false), v6: family(true) };
}

/** Renders the UFW files of the bundle, in {@link BUNDLE_PATHS} order. */
export function renderUfwFiles(model: UfwModel): BundleFile[] {
    return [
        { path: "/etc/default/ufw", content: renderTemplate("ufw/default-ufw", model) },
        { path: "/etc/ufw/ufw.conf", content: renderTemplate("ufw/ufw.conf", model) },
        { path: "/etc/ufw/user.rules", content: renderTemplate("ufw/user.rules", model.v4) },
        { path: "/etc/ufw/user6.rules", content: renderTemplate("ufw/user.rules", model.v6) },
        { path: "/etc/ufw/after.rules", content: renderTemplate("ufw/after.rules", model.v4) },
        { path: "/etc/ufw/after6.rules", content: renderTemplate("ufw/after.rules", model.v6) },
    ];
}

/** Joins files into the bundle text: a `### file: <path>` line before each file. */
export function formatBundle(files: BundleFile[]): string {
    return files
        .map((f) => {
            const content = f.content.endsWith("\n") ? f.content : `${f.content}\n`;
            return `${FILE_MARKER}${f.path}\n${content}`;
        })
        .join("");
}

/** Splits bundle text back into files; the inverse of {@link formatBundle}. */
export function parseBundle(text: string): BundleFile[] {
    const files: BundleFile[] = [];
    for (const line of text.split(/(?<=\n)/)) {
        if (line.startsWith(FILE_MARKER)) {
            files.push({ path: line.slice(FILE_MARKER.length).trimEnd(), content: "" });
        } else if (files.length > 0) {
            files[files.length - 1].content += line;
        } else if (line.trim() !== "") {
            throw new Error("the bundle does not start with a '### file: <path>' line");
        }
    }
    return files;
}

/** Renders the whole bundle from the rule inputs. */
export function renderUfwBundle(input: UfwRulesInput): string {
    return formatBundle(renderUfwFiles(ufwModel(input)));
}

/** The SHA-256 of the bundle text, in hex: the firewall command's trigger. */
export function bundleSha256(bundle: string): string {
    return createHash("sha256").update(bundle, "utf8").digest("hex");
}
