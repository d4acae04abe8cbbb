import { isUnknownProperty } from "./sdkProxy";

/** A reader for the firewall bundle of docs/ARCHITECTURE.md: `### file: <path>` sections. */

/** The component whose command children apply the bundle (docs/ARCHITECTURE.md). */
export const HOST_FIREWALL_TYPE = "hardened-stack:firewall:HostFirewall";

/**
 * The bundle's files if the command applies one. A child of the HostFirewall component must
 * carry a bundle known at preview, so reading its stdin fails closed; any other command with an
 * unknown stdin (an unseal script fed from outputs, say) is simply not a firewall command.
 */
export function bundleOf(props: Record<string, any>, urn: string): Map<string, string> | undefined {
    const firewallChild = urn.includes(`${HOST_FIREWALL_TYPE}$`);
    if (!firewallChild && isUnknownProperty(props, "stdin")) {
        return undefined;
    }
    const stdin = props.stdin;
    if (typeof stdin !== "string" || !stdin.includes("### file: ")) {
        return undefined;
    }
    return parseBundle(stdin);
}

/** Splits the bundle into files by path. */
export function parseBundle(text: string): Map<string, string> {
    const files = new Map<string, string>();
    let path: string | undefined;
    let lines: string[] = [];
    const flush = () => {
        if (path) {
            files.set(path, lines.join("\n"));
        }
    };
    for (const line of text.split("\n")) {
        const m = /^### file: (\/\S+)\s*$/.exec(line);
        if (m) {
            flush();
            path = m[1];
            lines = [];
        } else {
            lines.push(line);
        }
    }
    flush();
    return files;
}

/** Files every bundle must contain. */
export const BUNDLE_FILES = [
    "/etc/default/ufw",
    "/etc/ufw/user.rules",
    "/etc/ufw/user6.rules",
    "/etc/ufw/after.rules",
    "/etc/ufw/after6.rules",
];

/** `KEY="value"` settings of /etc/default/ufw. */
export function ufwDefaults(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const line of text.split("\n")) {
        const m = /^\s*([A-Z_0-9]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line);
        if (m) {
            out.set(m[1], m[2]);
        }
    }
    return out;
}

/** The ports a ruleset accepts: `--dport N` on ACCEPT rules of the user chains. */
export function acceptedPorts(rules: string): number[] {
    const ports: number[] = [];
    for (const line of rules.split("\n")) {
        if (/^-A\s+ufw6?-user-(input|forward)\b/.test(line) && /-j\s+ACCEPT\b/.test(line)) {
            for (const m of line.matchAll(/--dports?\s+([\d,:]+)/g)) {
                for (const part of m[1].split(",")) {
                    const [lo, hi] = part.split(":").map(Number);
                    for (let p = lo; p <= (hi ?? lo); p++) {
                        ports.push(p);
                    }
                }
            }
        }
    }
    return ports;
}
