import { StringRule } from "./reader";

/**
 * A public DNS name of letters, digits and hyphens (RFC 1123), optionally a leading `*.`. Not an
 * IP address, not `localhost`, and a wildcard covers at least a registrable name (`*.a.com`).
 */
export const HOSTNAME: StringRule = {
    rendered: true,
    pattern:
        /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i,
    expected: "a DNS name such as app.example.com (letters, digits, hyphens and dots)",
    check: (value) => {
        if (/\.\d+$/.test(value)) {
            return `is "${value}", which looks like an IP address`;
        }
        if (/(^|\.)localhost$/i.test(value)) {
            return `is "${value}", which no public certificate can name`;
        }
        if (value.startsWith("*.") && value.split(".").length < 3) {
            return `is "${value}", a wildcard over a whole top-level domain`;
        }
        return undefined;
    },
};

/** An IPv4 address in dotted-quad form. */
export const IPV4: StringRule = {
    rendered: true,
    pattern: /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
    expected: "an IPv4 address such as 203.0.113.10",
};

/**
 * Why a host to connect to (a DNS name or an IPv4 address) is not in a form every resolver reads
 * alike, or undefined. A name made only of numbers and hex (`0x7f.1`, `2130706433`, `010.0.0.1`)
 * is an address to inet_aton, which SSH and libc use: 127.0.0.1 and 8.0.0.1 here.
 */
export function hostProblem(host: string): string | undefined {
    const labels = host.split(".");
    if (labels.every((l) => /^(0x[0-9a-f]*|[0-9]+)$/i.test(l))) {
        return IPV4.pattern!.test(host)
            ? undefined
            : `has the host "${host}", an address not in dotted-quad form (such as 203.0.113.10)`;
    }
    const name =
        /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
    return name.test(host) ? undefined : `has the host "${host}", which is not a DNS name`;
}

/** Why a port in a URL is not a decimal number from 1 to 65535, or undefined. */
function portProblem(port: string): string | undefined {
    return /^[1-9]\d{0,4}$/.test(port) && Number(port) <= 65535
        ? undefined
        : `has the port "${port}"; expected a number from 1 to 65535 without leading zeros`;
}

/** Why `host` or `host:port` (the authority of a URL, without a user) is not usable, or undefined. */
export function hostPortProblem(authority: string): string | undefined {
    const [host, port] = authority.split(":");
    return hostProblem(host) ?? (port === undefined ? undefined : portProblem(port));
}

/** Private address ranges (RFC 1918): Docker networks never take public addresses. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * A private IPv4 network in CIDR form, with no host bits set, from /16 to /27: large enough for
 * the fixed addresses the stack gives containers (.10 to .30), small enough to be one tier.
 */
export const IPV4_CIDR: StringRule = {
    rendered: true,
    pattern: /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/,
    expected: "a private IPv4 network from /16 to /27, such as 172.30.0.0/24",
    check: (value) => {
        const parsed = parseCidr(value);
        if (!parsed) {
            return `is "${value}", which is not a valid network`;
        }
        if (parsed.hostBits) {
            return `is "${value}", which has host bits set (the network is ${parsed.network})`;
        }
        if (parsed.prefix < 16 || parsed.prefix > 27) {
            return `is "${value}", a /${parsed.prefix}`;
        }
        if (!PRIVATE_RANGES.some((r) => cidrContains(parseCidr(r)!, ipToString(parsed.base)))) {
            return `is "${value}", which is not a private (RFC 1918) range`;
        }
        return undefined;
    },
};

/** A host address for a published port: one interface's address, or 0.0.0.0 for all. */
export const BIND_ADDRESS: StringRule = {
    pattern: /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
    expected: "0.0.0.0 (every address) or the IPv4 address of one of the host's interfaces",
    check: (value) => {
        const first = Number(value.split(".")[0]);
        if (value !== "0.0.0.0" && (first === 0 || first >= 224)) {
            return `is "${value}", which no interface can listen on`;
        }
        return undefined;
    },
};

/** An absolute URL path for nginx: starts with `/`, no spaces, quotes or directive characters. */
export const URL_PATH: StringRule = {
    rendered: true,
    pattern: /^\/[A-Za-z0-9._~!$&()*+,=:@%/-]*$/,
    expected: "an absolute URL path such as /healthz",
};

/**
 * An HTTP header value that nginx carries in a double-quoted string: printable ASCII, where `;`
 * and `'` are harmless (CSP needs both) but `"` ends the string, `\` escapes and `$` expands a
 * variable.
 */
export const HEADER_VALUE: StringRule = {
    pattern: /^[\x20-\x7e]{1,4096}$/,
    expected: 'one line of printable ASCII, at most 4096 characters, without " \\ or $',
    check: (value) =>
        /["\\$]/.test(value)
            ? 'contains " \\ or $, which nginx would read as the end of the value, an escape or a variable'
            : undefined,
};

/** An nginx size such as `10m`, `512k` or `1024`; never 0, which nginx reads as no limit. */
export const NGINX_SIZE: StringRule = {
    rendered: true,
    acceptNumbers: true,
    pattern: /^[1-9]\d{0,5}[kKmM]?$/,
    expected: "a non-zero nginx size such as 10m, 512k or 1024 (0 would mean no limit)",
};

/** An environment variable name. */
export const ENV_NAME: StringRule = {
    pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
    expected: "an environment variable name of letters, digits and underscores",
};

/** A numeric `uid:gid` pair, both non-zero and within the kernel's id range. */
export const NON_ROOT_USER: StringRule = {
    pattern: /^[1-9]\d{0,9}:[1-9]\d{0,9}$/,
    expected: "a numeric non-root uid:gid such as 10001:10001",
    check: (value) =>
        value.split(":").some((id) => Number(id) > 2147483647)
            ? "is beyond the id range"
            : undefined,
};

/** Matches an image pinned by digest: `[registry[:port]/]repo[:tag]@sha256:<64 hex>`. */
export const DIGEST_PINNED =
    /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;

/** Matches an image reference with a tag or a digest (a bare name means `latest`). */
export const IMAGE_REFERENCE =
    /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$/;

/** An image reference; outside dev stacks it must carry a digest. */
export function imageRule(requireDigest: boolean): StringRule {
    return requireDigest
        ? {
              pattern: DIGEST_PINNED,
              expected:
                  "an image pinned by digest, such as ghcr.io/org/app:1.4.2@sha256:<64 hex digits>",
          }
        : {
              pattern: IMAGE_REFERENCE,
              expected:
                  "an image reference with a tag, such as ghcr.io/org/app:1.4.2 (a digest is advised)",
              check: (v) => (/:latest(@|$)/i.test(v) ? 'uses the mutable tag "latest"' : undefined),
          };
}

/** A parsed IPv4 CIDR: the address as a number, the prefix length, and the mask. */
export interface Cidr {
    base: number;
    prefix: number;
    network: string;
    hostBits: boolean;
}

/** A decimal number without leading zeros, as every reader takes it the same way (not octal). */
const DECIMAL = "(0|[1-9]\\d*)";
const IPV4_CIDR_TEXT = new RegExp(
    `^${DECIMAL}\\.${DECIMAL}\\.${DECIMAL}\\.${DECIMAL}\\/${DECIMAL}$`,
);

/**
 * Parses `a.b.c.d/n`; returns undefined for anything that is not a valid IPv4 CIDR. Leading
 * zeros are refused: `010` is 8 to inet_aton and 10 elsewhere, and `/00` would slip past a
 * check for `/0` while every firewall reads it as the whole Internet.
 */
export function parseCidr(text: string): Cidr | undefined {
    const match = IPV4_CIDR_TEXT.exec(text);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    const base = Math.floor(address / size) * size;
    return { base, prefix, network: `${ipToString(base)}/${prefix}`, hostBits: base !== address };
}

/** Whether two IPv4 networks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const aEnd = a.base + 2 ** (32 - a.prefix);
    const bEnd = b.base + 2 ** (32 - b.prefix);
    return a.base < bEnd && b.base < aEnd;
}

/** Whether an IPv4 address (dotted text) lies inside the network. */
export function cidrContains(cidr: Cidr, address: string): boolean {
    const parsed = parseCidr(`${address}/32`);
    return (
        parsed !== undefined &&
        parsed.base >= cidr.base &&
        parsed.base < cidr.base + 2 ** (32 - cidr.prefix)
    );
}

/** The first and last address of a network, which containers must not take. */
export function reservedAddresses(cidr: Cidr): string[] {
    const size = 2 ** (32 - cidr.prefix);
    // Docker gives the first usable address to the bridge (the gateway).
    return [ipToString(cidr.base), ipToString(cidr.base + 1), ipToString(cidr.base + size - 1)];
}

/** The address `offset` places after the start of the network, as dotted text. */
export function addressInCidr(cidr: Cidr, offset: number): string {
    return ipToString(cidr.base + offset);
}

function ipToString(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
