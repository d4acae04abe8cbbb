import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
    FirewallCommands,
    HostFirewallArgs,
    firewallCommands,
    validateFirewallArgs,
} from "../../infra/components/hostFirewall";
import { ConfigError, StackConfig, loadConfig } from "../../infra/config";
import {
    BUNDLE_PATHS,
    UfwRulesInput,
    bundleSha256,
    parseBundle,
    proxyEndpoints,
    renderUfwBundle,
} from "../../infra/render/ufw";
import { devConfig, fakeConfig } from "../support/program";
import { matchSnapshot } from "../support/snapshot";

/** The firewall issues of a config, or an empty list when it is valid. */
function firewallIssues(firewall: unknown, extra: Record<string, unknown> = {}, secret = true) {
    const values = { ...devSource(), firewall, ...extra };
    try {
        loadConfig(fakeConfig(values, secret ? ["firewallSshPrivateKey"] : []));
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.issues.map((i) => i.key.replace("hardened-stack:", ""));
    }
}

function devSource(): Record<string, unknown> {
    const source = devConfig();
    const keys = ["environment", "domains", "tls", "network", "proxy", "app"];
    return Object.fromEntries(keys.map((k) => [k, source.get(k)]));
}

/** The rule inputs the stack builds, from a config. */
function stackRules(config: StackConfig): UfwRulesInput {
    return {
        firewall: config.firewall,
        dockerSubnets: [config.network.frontendSubnet, config.network.backendSubnet],
        publicEndpoints: proxyEndpoints(config.network),
    };
}

const REMOTE = {
    mode: "remote",
    adminCidrs: ["198.51.100.0/24"],
    remote: { host: "203.0.113.10", user: "deploy", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" },
};

describe("firewall configuration", () => {
    it("defaults to a managed local firewall with SSH closed, IPv6 on, low logging", () => {
        const config = loadConfig(fakeConfig(devSource()));
        assert.deepEqual(config.firewall, {
            manage: true,
            mode: "local",
            adminCidrs: [],
            sshPort: 22,
            ipv6: true,
            logging: "low",
        });
    });

    it("accepts a complete remote setup with the key set as a secret", () => {
        assert.deepEqual(firewallIssues(REMOTE, { firewallSshPrivateKey: "k" }), []);
    });

    it("refuses SSH open to the world, in either family", () => {
        assert.deepEqual(firewallIssues({ adminCidrs: ["0.0.0.0/0", "::/0"] }), [
            "firewall.adminCidrs[0]",
            "firewall.adminCidrs[1]",
        ]);
    });

    it("refuses the whole Internet written with leading zeros, and broad networks", () => {
        // iptables reads /00 as /0; a check for the text "/0" would let it through.
        const cidrs = ["0.0.0.0/00", "::/00", "0.0.0.0/1", "128.0.0.0/1", "2001::/16"];
        // ip6tables reads /032 in base 8; the IPv4-mapped and -compatible spaces are IPv4 again.
        cidrs.push("2001:db8::/032", "::ffff:0:0/96", "::ffff:a00:0/104", "0::/32", "ff02::/16");
        assert.deepEqual(
            firewallIssues({ adminCidrs: [...cidrs, "010.0.0.0/8"] }),
            cidrs.concat("010.0.0.0/8").map((_, i) => `firewall.adminCidrs[${i}]`),
        );
        assert.deepEqual(
            firewallIssues({ adminCidrs: ["10.0.0.0/8", "2001:db8::/32", "fd00:1234::/48"] }),
            [],
        );
    });

    it("refuses IPv6 networks with host bits, as for IPv4", () => {
        assert.deepEqual(firewallIssues({ adminCidrs: ["2001:db8::1/32", "2001:db8::/48"] }), [
            "firewall.adminCidrs[0]",
        ]);
    });

    it("refuses an SSH port that nginx publishes", () => {
        assert.deepEqual(firewallIssues({ sshPort: 8443 }), ["firewall.sshPort"]);
        assert.deepEqual(firewallIssues({ sshPort: 2222 }), []);
    });

    it("refuses networks with host bits, bad IPv6 and injected characters", () => {
        assert.deepEqual(
            firewallIssues({ adminCidrs: ["10.0.0.1/8", "2001:db8:::1/64", "10.0.0.0/8;"] }),
            ["firewall.adminCidrs[0]", "firewall.adminCidrs[1]", "firewall.adminCidrs[2]"],
        );
    });

    it("refuses IPv6 admin networks when IPv6 is off", () => {
        assert.deepEqual(firewallIssues({ ipv6: false, adminCidrs: ["2001:db8::/32"] }), [
            "firewall.adminCidrs",
        ]);
    });

    it("needs host, user, host key, admins and a secret key in remote mode", () => {
        assert.deepEqual(firewallIssues({ mode: "remote" }), [
            "firewall.remote.host",
            "firewall.remote.user",
            "firewall.remote.hostKey",
            "firewall.adminCidrs",
            "firewallSshPrivateKey",
        ]);
    });

    it("refuses the SSH key in plain text", () => {
        assert.deepEqual(firewallIssues(REMOTE, { firewallSshPrivateKey: "k" }, false), [
            "firewallSshPrivateKey",
        ]);
    });

    it("refuses remote settings in local mode, unknown fields and bad values", () => {
        assert.deepEqual(
            firewallIssues(
                { remote: REMOTE.remote, logging: "full", sshPort: 0, port: 22 },
                { firewallSshPrivateKey: "k" },
            ),
            [
                "firewall.port",
                "firewall.sshPort",
                "firewall.logging",
                "firewall.remote",
                "firewallSshPrivateKey",
            ],
        );
    });
});

describe("the rendered UFW bundle", () => {
    const config = loadConfig(
        devConfig({ firewall: { adminCidrs: ["198.51.100.0/24", "2001:db8::/32"] } }),
    );
    const bundle = renderUfwBundle(stackRules(config));
    const files = Object.fromEntries(parseBundle(bundle).map((f) => [f.path, f.content]));

    it("carries every UFW file once, in order, and parses back to the same text", () => {
        assert.deepEqual(Object.keys(files), [...BUNDLE_PATHS]);
        const again = parseBundle(bundle)
            .map((f) => `### file: ${f.path}\n${f.content}`)
            .join("");
        assert.equal(again, bundle);
    });

    it("matches the reviewed snapshots", () => {
        for (const [file, content] of Object.entries(files)) {
            matchSnapshot(`ufw.dev${file.replaceAll("/", "_")}`, content);
        }
    });

    it("denies incoming and routed traffic by default and keeps UFW off Docker's chains", () => {
        const defaults = files["/etc/default/ufw"];
        assert.match(defaults, /^DEFAULT_INPUT_POLICY="DROP"$/m);
        assert.match(defaults, /^DEFAULT_FORWARD_POLICY="DROP"$/m);
        assert.match(defaults, /^DEFAULT_OUTPUT_POLICY="ACCEPT"$/m);
        assert.match(defaults, /^MANAGE_BUILTINS=no$/m);
        assert.match(defaults, /^IPV6=yes$/m);
        assert.match(files["/etc/ufw/ufw.conf"], /^ENABLED=yes\nLOGLEVEL=low$/m);
    });

    it("allows SSH only from the admin networks, rate-limited, and opens no host port", () => {
        const tuples = (file: string) =>
            files[file].split("\n").filter((l) => l.startsWith("### tuple ###"));
        assert.deepEqual(tuples("/etc/ufw/user.rules"), [
            "### tuple ### limit tcp 22 0.0.0.0/0 any 198.51.100.0/24 in",
            "### tuple ### route:allow tcp 8443 172.30.0.10 any 0.0.0.0/0 in",
            "### tuple ### route:allow tcp 8080 172.30.0.10 any 0.0.0.0/0 in",
        ]);
        assert.deepEqual(tuples("/etc/ufw/user6.rules"), [
            "### tuple ### limit tcp 22 ::/0 any 2001:db8::/32 in",
        ]);
        const rules = files["/etc/ufw/user.rules"]
            .split("\n")
            .filter((l) => /^-A ufw-user-(input|forward) /.test(l));
        assert.equal(rules.length, 5);
        for (const rule of rules) {
            assert.match(rule, /(-s 198\.51\.100\.0\/24|-d 172\.30\.0\.10) /, rule);
        }
    });

    it("derives route rules from nginx's fixed address and container ports, never host ports", () => {
        const moved = loadConfig(
            devConfig({
                firewall: { adminCidrs: ["198.51.100.0/24", "2001:db8::/32"] },
                proxy: { ...(devConfig().get("proxy") as object), httpsPort: 9443, httpPort: 9080 },
            }),
        );
        assert.equal(renderUfwBundle(stackRules(moved)), bundle, "host ports change nothing");
        const readdressed = loadConfig(
            devConfig({
                firewall: { adminCidrs: ["198.51.100.0/24"] },
                network: { ...(devConfig().get("network") as object), proxyAddress: "172.30.0.30" },
            }),
        );
        const routes = parseBundle(renderUfwBundle(stackRules(readdressed)))
            .find((f) => f.path === "/etc/ufw/user.rules")!
            .content.split("\n")
            .filter((l) => l.startsWith("-A ufw-user-forward"));
        assert.deepEqual(routes, [
            "-A ufw-user-forward -p tcp -d 172.30.0.30 --dport 8443 -j ACCEPT",
            "-A ufw-user-forward -p tcp -d 172.30.0.30 --dport 8080 -j ACCEPT",
        ]);
    });

    it("trusts exactly the stack's Docker subnets and drops other DNAT'd connections", () => {
        const rules = files["/etc/ufw/after.rules"].split("\n");
        const trusted = rules.filter((l) => /^-A DOCKER-USER -s /.test(l));
        assert.deepEqual(trusted, [
            "-A DOCKER-USER -s 172.30.0.0/24 -j RETURN",
            "-A DOCKER-USER -s 172.30.1.0/24 -j RETURN",
        ]);
        const order = rules.filter((l) => l.startsWith("-A DOCKER-USER"));
        const hook = order.indexOf("-A DOCKER-USER -j ufw-user-forward");
        const deny = order.indexOf(
            "-A DOCKER-USER -m conntrack --ctstate DNAT -j hardened-docker-deny",
        );
        assert.ok(hook > 0 && deny > hook, "route rules run before the DNAT deny");
        assert.equal(order.at(-1), "-A DOCKER-USER -j RETURN");
        const six = files["/etc/ufw/after6.rules"];
        assert.match(six, /^-A DOCKER-USER -j ufw6-user-forward$/m);
        assert.match(six, /^-A DOCKER-USER -m conntrack --ctstate DNAT -j hardened-docker-deny$/m);
    });

    it("follows the log level and drops the log lines when logging is off", () => {
        const quiet = loadConfig(devConfig({ firewall: { logging: "off" } }));
        const text = renderUfwBundle(stackRules(quiet));
        assert.match(text, /^LOGLEVEL=off$/m);
        assert.doesNotMatch(text, /-j LOG/);
        assert.match(text, /^-I ufw-user-logging-input -j RETURN$/m);
    });
});

describe("HostFirewall arguments and commands", () => {
    const config = loadConfig(devConfig({ firewall: { adminCidrs: ["198.51.100.0/24"] } }));
    const baseline = (): HostFirewallArgs => stackRules(config);

    it("accepts the stack's own arguments", () => {
        assert.doesNotThrow(() => validateFirewallArgs(baseline()));
    });

    const refused: [string, Partial<HostFirewallArgs>, RegExp][] = [
        ["no public endpoint", { publicEndpoints: [] }, /no public endpoint/],
        [
            "an endpoint outside the stack's subnets",
            { publicEndpoints: [{ address: "10.9.9.9", port: 8443, purpose: "x" }] },
            /not in a stack Docker subnet/,
        ],
        ["a bad subnet", { dockerSubnets: ["172.30.0.1/24"] }, /not an IPv4 network/],
        ["a key in local mode", { privateKey: "k" }, /private key was given in local mode/],
        [
            "remote mode without a key",
            { firewall: { ...config.firewall, mode: "remote" } },
            /remote mode needs/,
        ],
        [
            "an unmanaged firewall",
            { firewall: { ...config.firewall, manage: false } },
            /manage is false/,
        ],
    ];
    for (const [what, change, message] of refused) {
        it(`refuses ${what}`, () => {
            assert.throws(() => validateFirewallArgs({ ...baseline(), ...change }), message);
        });
    }

    it("carries the script in a quoted here-document and guards the delete by the hash", () => {
        const hash = bundleSha256("bundle");
        const commands: FirewallCommands = firewallCommands("echo '$HOME'\n", hash);
        assert.match(commands.create, /<<'HARDENED_STACK_FIREWALL_SH'\necho '\$HOME'\n/);
        assert.match(commands.create, /bash "\$f" apply; else sudo -n bash "\$f" apply; fi/);
        assert.match(commands.delete, new RegExp(`bash "\\$f" remove ${hash};`));
        assert.match(commands.ensure, /bash "\$f" ensure;/);
        assert.throws(() => firewallCommands("HARDENED_STACK_FIREWALL_SH\n", hash), /contains/);
        assert.throws(() => firewallCommands("true\n", "abc"), /64 hex/);
    });
});
