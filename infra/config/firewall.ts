import { ConfigReader, StringRule } from "./reader";
import { IPV4, hostProblem, parseCidr } from "./rules";

/** `local` when Pulumi runs on the Docker host itself; `remote` reaches the host over SSH. */
export type FirewallMode = "local" | "remote";

/** UFW's log levels this stack offers; higher levels log every allowed packet too. */
export type FirewallLogging = "off" | "low" | "medium";

/** How Pulumi reaches the Docker host in remote mode. The private key is a separate secret. */
export interface FirewallRemote {
    /** The host's DNS name or IPv4 address. */
    host: string;
    /** The SSH user; anyone but root runs the script through `sudo -n`. */
    user: string;
    /** The host's public key (`ssh-ed25519 AAAA...`); without it any host would be trusted. */
    hostKey: string;
}

/** The host firewall: UFW rules plus the DOCKER-USER chain that closes Docker's bypass. */
export interface FirewallConfig {
    /** Whether the stack manages the host firewall at all. */
    manage: boolean;
    /** Where the firewall commands run. */
    mode: FirewallMode;
    /** Networks allowed to reach SSH (IPv4 or IPv6 CIDR); SSH is closed when empty. */
    adminCidrs: string[];
    /** The port sshd listens on: open to adminCidrs only, rate-limited; remote mode uses it. */
    sshPort: number;
    /** Whether UFW manages IPv6 too (IPV6=yes), with the same DOCKER-USER rules. */
    ipv6: boolean;
    /** UFW's log level; `low` logs blocked packets, rate-limited. */
    logging: FirewallLogging;
    /** The SSH connection, in remote mode only. */
    remote?: FirewallRemote;
}

/** The secret config key holding the SSH private key of remote mode. */
export const FIREWALL_KEY_SECRET = "firewallSshPrivateKey";

/** The 128 bits of an IPv6 address in text form, or undefined when it is not one. */
function ipv6Bits(address: string): bigint | undefined {
    const groups = address.split("::");
    if (groups.length > 2) {
        return undefined;
    }
    const [head, tail] = groups.map((g) => (g === "" ? [] : g.split(":")));
    const parts = [...head, ...(tail ?? [])];
    if (!parts.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p))) {
        return undefined;
    }
    if (groups.length === 2 ? parts.length > 7 : parts.length !== 8) {
        return undefined;
    }
    const zeros = Array(8 - parts.length).fill("0");
    const all = groups.length === 2 ? [...head, ...zeros, ...(tail ?? [])] : parts;
    return all.reduce((acc, p) => (acc << 16n) | BigInt(`0x${p}`), 0n);
}

/** An IPv6 network in CIDR form, such as 2001:db8::/32, without host bits. */
export const IPV6_CIDR: StringRule = {
    rendered: true,
    pattern: /^[0-9a-fA-F:]+\/(0|[1-9]\d{0,2})$/,
    expected: "an IPv6 network in CIDR form such as 2001:db8::/32",
    check: (value) => {
        const [address, prefixText] = value.split("/");
        const prefix = Number(prefixText);
        const bits = ipv6Bits(address);
        // No leading zeros: ip6tables reads "/032" in base 8, as a /26.
        if (bits === undefined || prefix > 128 || !/^(0|[1-9]\d*)$/.test(prefixText ?? "")) {
            return `is "${value}", which is not a valid IPv6 network`;
        }
        const hostMask = (1n << BigInt(128 - prefix)) - 1n;
        if ((bits & hostMask) !== 0n) {
            return `is "${value}", which has host bits set for a /${prefix}`;
        }
        return undefined;
    },
};

/**
 * The broadest admin networks accepted: no one administers a host from more than a /8 of
 * IPv4 (16 million addresses) or a /32 of IPv6 (an ISP's allocation); broader is the Internet.
 */
const ADMIN_MIN_PREFIX = { ipv4: 8, ipv6: 32 };

/** The IPv6 spaces an admin network may come from: global unicast and unique local. */
const ADMIN_IPV6_SPACES = ["2000::/3", "fc00::/7"];

/** Whether the IPv6 network `inner` lies inside `outer` (both valid CIDRs). */
function ipv6Within(inner: string, outer: string): boolean {
    const [a, ap] = inner.split("/");
    const [b, bp] = outer.split("/");
    const shift = BigInt(128 - Number(bp));
    return Number(ap) >= Number(bp) && ipv6Bits(a)! >> shift === ipv6Bits(b)! >> shift;
}

/** An admin network: IPv4 or IPv6 CIDR, never the whole Internet or a large part of it. */
const ADMIN_CIDR: StringRule = {
    rendered: true,
    pattern: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
    expected:
        "an IPv4 or IPv6 network in CIDR form such as 198.51.100.0/24, " +
        `no broader than a /${ADMIN_MIN_PREFIX.ipv4} (IPv6: /${ADMIN_MIN_PREFIX.ipv6})`,
    check: (value) => {
        const ipv6 = value.includes(":");
        const problem = ipv6 ? IPV6_CIDR.check?.(value) : ipv4NetworkProblem(value);
        if (problem) {
            return problem;
        }
        const prefix = Number(value.split("/")[1]);
        if (prefix === 0) {
            return `is "${value}", which opens SSH to the whole Internet`;
        }
        if (prefix < (ipv6 ? ADMIN_MIN_PREFIX.ipv6 : ADMIN_MIN_PREFIX.ipv4)) {
            return `is "${value}", which opens SSH to a large part of the Internet`;
        }
        if (ipv6 && !ADMIN_IPV6_SPACES.some((space) => ipv6Within(value, space))) {
            // ::ffff:0:0/96 is all of IPv4 again, ::/96 the old IPv4-compatible space.
            return `is "${value}", outside global unicast (2000::/3) and unique local (fc00::/7) space`;
        }
        return undefined;
    },
};

/** Why an IPv4 network in CIDR form is not valid (any prefix; no host bits), or undefined. */
function ipv4NetworkProblem(value: string): string | undefined {
    const parsed = parseCidr(value);
    if (!parsed) {
        return `is "${value}", which is not a valid network`;
    }
    if (parsed.hostBits) {
        return `is "${value}", which has host bits set (the network is ${parsed.network})`;
    }
    return undefined;
}

/** A host name as SSH resolves it: RFC 1123 labels, a single label allowed (`dockerhost`). */
const HOST_NAME =
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const SSH_USER: StringRule = {
    rendered: true,
    pattern: /^[a-z_][a-z0-9_-]{0,31}$/,
    expected: "a Unix user name such as deploy",
};

const HOST_KEY: StringRule = {
    rendered: true,
    pattern: /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}$/,
    expected: "the host's public key as in known_hosts, such as ssh-ed25519 AAAAC3Nza...",
};

/** Reads and validates the `firewall` key and, in remote mode, the secret SSH key. */
export function readFirewallConfig(reader: ConfigReader): FirewallConfig {
    const view = reader.object("firewall", [
        "manage",
        "mode",
        "adminCidrs",
        "sshPort",
        "ipv6",
        "logging",
        "remote",
    ]);
    const manage = view.boolean("manage", true);
    const mode = view.oneOf<FirewallMode>("mode", "local", ["local", "remote"]);
    const adminCidrs = view.stringList("adminCidrs", [], ADMIN_CIDR);
    const sshPort = view.integer("sshPort", 22, 1, 65535);
    const ipv6 = view.boolean("ipv6", true);
    const logging = view.oneOf<FirewallLogging>("logging", "low", ["off", "low", "medium"]);
    if (!ipv6 && adminCidrs.some((c) => c.includes(":"))) {
        view.report("adminCidrs", "has IPv6 networks while ipv6 is false", "IPv4 networks only");
    }

    const remoteView = view.object("remote", ["host", "user", "hostKey"]);
    reader.declare(FIREWALL_KEY_SECRET);
    const key = reader.raw(FIREWALL_KEY_SECRET);
    if (key !== undefined && !reader.isSecret(FIREWALL_KEY_SECRET)) {
        // Unused or not, a plain private key sits in clear in the stack file.
        reader.report(
            FIREWALL_KEY_SECRET,
            "is set in plain text",
            `a secret: pulumi config set --secret ${FIREWALL_KEY_SECRET} < key`,
        );
    }
    if (mode === "local" || !manage) {
        if (view.has("remote") && manage) {
            view.report("remote", "is set while mode is local", "mode: remote, or no remote");
        }
        if (key !== undefined && manage) {
            reader.report(
                FIREWALL_KEY_SECRET,
                "is set while firewall.mode is local",
                "firewall.mode: remote, or no SSH key in the stack",
            );
        }
        return { manage, mode, adminCidrs, sshPort, ipv6, logging };
    }
    const host = remoteView.string("host", "", {
        rendered: true,
        expected: "the Docker host's DNS name or IPv4 address",
        check: (v) => (HOST_NAME.test(v) || IPV4.pattern!.test(v) ? hostProblem(v) : `is "${v}"`),
    });
    const remote: FirewallRemote = {
        host,
        user: remoteView.string("user", "", SSH_USER),
        hostKey: remoteView.string("hostKey", "", HOST_KEY),
    };
    for (const field of ["host", "user", "hostKey"] as const) {
        if (!remoteView.has(field)) {
            remoteView.report(field, "is not set", "a value: remote mode needs it");
        }
    }
    if (adminCidrs.length === 0) {
        view.report(
            "adminCidrs",
            "is empty in remote mode, which would close SSH to Pulumi itself",
            "the networks Pulumi and the admins connect from",
        );
    }
    if (key === undefined) {
        reader.report(
            FIREWALL_KEY_SECRET,
            "is not set",
            `the SSH private key: pulumi config set --secret ${FIREWALL_KEY_SECRET} < key`,
        );
    }
    return { manage, mode, adminCidrs, sshPort, ipv6, logging, remote };
}
