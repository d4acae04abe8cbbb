// Applies the dev stack's rendered UFW bundle with the command the HostFirewall runs, inside
// network namespaces this test makes, and probes it from an "outside" namespace.
//
//   ext  (203.0.113.5 client, 203.0.113.70 admin) --veth-- host (UFW, Docker-style NAT)
//   host --veth-- ctr: "containers" at nginx's 172.30.0.10, the app's 172.30.0.20, Vault's
//   172.30.1.10, each with its listeners
//
// UFW runs in the host namespace with /etc/ufw, /lib/ufw and /etc/default bound to private
// copies in a private mount namespace, so neither the machine's firewall nor its files change.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { firewallCommands, FIREWALL_SCRIPT_PATH } from "../../infra/components/hostFirewall";
import { loadConfig } from "../../infra/config";
import {
    bundleSha256,
    formatBundle,
    parseBundle,
    proxyEndpoints,
    renderUfwBundle,
} from "../../infra/render/ufw";
import { devConfig } from "../support/program";
import { requireRoot, requireTool, run, tempDir } from "../support/live";
import { NetnsSet } from "../support/netns";

const ADMIN_NET = "203.0.113.64/26";
const ADMIN = "203.0.113.70";
const CLIENT = "203.0.113.5";
const HOST = "203.0.113.1";
const PROXY = "172.30.0.10";
const APP = "172.30.0.20";
const VAULT = "172.30.1.10";
// IPv6 parity (FW-05): the same client, admin and host, and a container on a Docker IPv6
// network (Docker's ip6tables mode), outside the stack's networks.
const ADMIN6_NET = "2001:db8:1:0:8000::/65";
const ADMIN6 = "2001:db8:1:0:8000::70";
const CLIENT6 = "2001:db8:1::5";
const HOST6 = "2001:db8:1::1";
const APP6 = "2001:db8:2::20";

const config = loadConfig(devConfig({ firewall: { adminCidrs: [ADMIN_NET, ADMIN6_NET] } }));
const rules = {
    firewall: config.firewall,
    dockerSubnets: [config.network.frontendSubnet, config.network.backendSubnet],
    publicEndpoints: proxyEndpoints(config.network),
};
const BUNDLE = renderUfwBundle(rules);
const SCRIPT = fs.readFileSync(FIREWALL_SCRIPT_PATH, "utf8");

/** Docker's published ports, as Docker would NAT them: host port to container address:port. */
const PUBLISHED: [number, string, number][] = [
    [443, PROXY, 8443],
    [80, PROXY, 8080],
    [5432, APP, 5432], // a database port published on 0.0.0.0 by mistake
    [8000, APP, 8000], // the app's port
    [8200, VAULT, 8200], // Vault
    [9443, APP, 8443], // another container that also listens on 8443 inside (FC-02)
];

describe("the host firewall in network namespaces", () => {
    const id = String(process.pid % 100000);
    const ns = { host: `hsfw-${id}-host`, ext: `hsfw-${id}-ext`, ctr: `hsfw-${id}-ctr` };
    const veth = { ext: `hsfwe${id}`, ctr: `hsfwc${id}` };
    let lab: NetnsSet | undefined;
    let work: { dir: string; remove: () => void } | undefined;
    let ready = false;
    let startV4 = "";
    let startV6 = "";

    /** Runs a shell script in the host namespace, with UFW's files bound to the private copies. */
    const onHost = (script: string, input?: string) => {
        const binds = [
            `mount --bind ${work!.dir}/etc-ufw /etc/ufw`,
            `mount --bind ${work!.dir}/lib-ufw /lib/ufw`,
            `mount --bind ${work!.dir}/etc-default /etc/default`,
            `export FIREWALL_STATE_DIR=${work!.dir}/state/firewall`,
        ].join("\n");
        return run(
            "unshare",
            [
                "--mount",
                "--propagation",
                "private",
                "ip",
                "netns",
                "exec",
                ns.host,
                "bash",
                "-c",
            ].concat([`set -e\n${binds}\n${script}`]),
            input,
        );
    };

    /**
     * iptables-save and ip6tables-save of the host namespace, without their dated comments.
     * `rulesOnly` zeroes the packet counters, for comparisons across probes.
     */
    const saved = (rulesOnly = false) => {
        const strip = (text: string) =>
            text
                .split("\n")
                .filter((l) => !l.startsWith("#"))
                .map((l) => (rulesOnly ? l.replace(/\[\d+:\d+\]$/, "[0:0]") : l))
                .join("\n");
        const v4 = onHost("iptables-save");
        const v6 = onHost("ip6tables-save");
        assert.equal(v4.status + v6.status, 0, v4.stderr + v6.stderr);
        return { v4: strip(v4.stdout), v6: strip(v6.stdout) };
    };

    /** Runs the HostFirewall's own create or delete command with the bundle on stdin. */
    const command = (verb: "create" | "update" | "delete" | "ensure", bundle: string) =>
        onHost(firewallCommands(SCRIPT, bundleSha256(bundle))[verb], bundle);

    const probe = (source: string, targets: string[]) => lab!.probe(ns.ext, source, targets);

    before(async (t) => {
        const tools = ["ufw", "iptables", "ip", "unshare", "python3"].map((n) =>
            requireTool(t as never, n),
        );
        if (!requireRoot(t as never) || tools.some((x) => !x)) {
            return;
        }
        lab = new NetnsSet(tools[4]!);
        work = tempDir("hsfw");
        fs.cpSync("/etc/ufw", path.join(work.dir, "etc-ufw"), { recursive: true });
        fs.cpSync("/lib/ufw", path.join(work.dir, "lib-ufw"), { recursive: true });
        fs.cpSync("/etc/default", path.join(work.dir, "etc-default"), { recursive: true });

        Object.values(ns).forEach((name) => lab!.add(name));
        const link = (peer: string, hostSide: string) =>
            assert.equal(
                run("ip", [
                    "link",
                    "add",
                    hostSide,
                    "netns",
                    ns.host,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    "eth0",
                    "netns",
                    peer,
                ]).status,
                0,
                `veth ${hostSide}`,
            );
        link(ns.ext, veth.ext);
        link(ns.ctr, veth.ctr);
        const script = (name: string, lines: string[]) => lab!.script(name, lines);
        script(ns.ext, [
            "ip link set lo up",
            "ip link set eth0 up",
            `ip addr add ${CLIENT}/24 dev eth0`,
            `ip addr add ${ADMIN}/24 dev eth0`,
            `ip route add 172.30.0.0/16 via ${HOST}`,
            `ip -6 addr add ${CLIENT6}/64 dev eth0 nodad`,
            `ip -6 addr add ${ADMIN6}/64 dev eth0 nodad`,
            `ip -6 route add 2001:db8:2::/64 via ${HOST6}`,
        ]);
        script(ns.ctr, [
            "ip link set lo up",
            "ip link set eth0 up",
            `ip addr add ${PROXY}/24 dev eth0`,
            `ip addr add ${APP}/24 dev eth0`,
            `ip addr add ${VAULT}/24 dev eth0`,
            "ip route add default via 172.30.0.1",
            `ip -6 addr add ${APP6}/64 dev eth0 nodad`,
            "ip -6 route add default via 2001:db8:2::1",
        ]);
        script(ns.host, [
            "ip link set lo up",
            `ip link set ${veth.ext} up`,
            `ip link set ${veth.ctr} up`,
            `ip addr add ${HOST}/24 dev ${veth.ext}`,
            `ip addr add 172.30.0.1/24 dev ${veth.ctr}`,
            `ip addr add 172.30.1.1/24 dev ${veth.ctr}`,
            `ip -6 addr add ${HOST6}/64 dev ${veth.ext} nodad`,
            `ip -6 addr add 2001:db8:2::1/64 dev ${veth.ctr} nodad`,
            "sysctl -q -w net.ipv4.ip_forward=1",
            "sysctl -q -w net.ipv6.conf.all.forwarding=1",
        ]);
        // Docker's own rules as dockerd 20.10 writes them (ip6tables mode for IPv6): DOCKER-USER
        // first in FORWARD, DNAT of published ports, and its DOCKER chain accepting them.
        const publish = (exe: string, host: string, port: number, to: string, internal: number) => {
            const address = to.includes(":") ? `[${to}]` : to;
            const tcp = (port: number) => `-p tcp --dport ${port}`;
            return [
                `${exe} -t nat -A PREROUTING -d ${host} ${tcp(port)} -j DNAT ` +
                    `--to-destination ${address}:${internal}`,
                `${exe} -A DOCKER -d ${to} ! -i ${veth.ctr} -o ${veth.ctr} ${tcp(internal)} -j ACCEPT`,
            ];
        };
        const docker = ["iptables", "ip6tables"].flatMap((exe) => [
            `${exe} -N DOCKER-USER`,
            `${exe} -A DOCKER-USER -j RETURN`,
            `${exe} -N DOCKER`,
            `${exe} -A FORWARD -j DOCKER-USER`,
            `${exe} -A FORWARD -o ${veth.ctr} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
            `${exe} -A FORWARD -o ${veth.ctr} -j DOCKER`,
            `${exe} -A FORWARD -i ${veth.ctr} ! -o ${veth.ctr} -j ACCEPT`,
        ]);
        docker.push(
            ...PUBLISHED.flatMap(([port, to, internal]) =>
                publish("iptables", HOST, port, to, internal),
            ),
            // A database port published on [::] by mistake.
            ...publish("ip6tables", HOST6, 5432, APP6, 5432),
        );
        // A host whose UFW is on with Debian's stock rules, loaded from disk.
        const r = onHost(
            [...docker, "ufw --force enable >/dev/null", "ufw reload >/dev/null"].join("\n"),
        );
        assert.equal(r.status, 0, r.stderr);

        await lab.listen(ns.ctr, [
            ...new Set(PUBLISHED.map(([, address, internal]) => `${address}:${internal}`)),
            `[${APP6}]:5432`,
        ]);
        await lab.listen(ns.host, ["0.0.0.0:22", "0.0.0.0:5433", "[::]:22", "[::]:5433"]);
        const start = saved(true);
        startV4 = start.v4;
        startV6 = start.v6;
        ready = true;
    });

    after(() => {
        lab?.removeAll();
        work?.remove();
    });

    it("starts from the hole it must close: a port published by mistake is reachable", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        const result = probe(CLIENT, [`${HOST}:5432`, `${HOST}:443`]);
        assert.deepEqual(result, { [`${HOST}:5432`]: "open", [`${HOST}:443`]: "open" });
        assert.deepEqual(probe(CLIENT6, [`[${HOST6}]:5432`]), { [`[${HOST6}]:5432`]: "open" });
    });

    it("applies the bundle with the component's own command", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        const r = command("create", BUNDLE);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`applied bundle sha256:${bundleSha256(BUNDLE)}`));
        const status = onHost("ufw status verbose");
        assert.match(status.stdout, /Status: active/);
        assert.match(status.stdout, /deny \(incoming\), allow \(outgoing\), deny \(routed\)/);
        // UFW reads the rendered rules back as its own: exactly the allowlist (FW-03).
        const listed = status.stdout
            .split("\n")
            .filter((l) => /\b(LIMIT|ALLOW|DENY|REJECT)\b/.test(l))
            .map((l) => l.trim().split(/\s{2,}/));
        assert.deepEqual(listed, [
            ["22/tcp", "LIMIT IN", ADMIN_NET],
            ["22/tcp", "LIMIT IN", ADMIN6_NET],
            [`${PROXY} 8443/tcp`, "ALLOW FWD", "Anywhere"],
            [`${PROXY} 8080/tcp`, "ALLOW FWD", "Anywhere"],
        ]);
    });

    it("lets 80 and 443 reach nginx and closes every other published port", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        const targets = PUBLISHED.map(([port]) => `${HOST}:${port}`);
        const direct = [`${APP}:8000`, `${VAULT}:8200`, `${APP}:8443`];
        const result = probe(CLIENT, [...targets, ...direct, `${HOST}:5433`]);
        assert.deepEqual(result, {
            [`${HOST}:443`]: "open",
            [`${HOST}:80`]: "open",
            [`${HOST}:5432`]: "blocked",
            [`${HOST}:8000`]: "blocked",
            [`${HOST}:8200`]: "blocked",
            [`${HOST}:9443`]: "blocked",
            [`${APP}:8000`]: "blocked",
            [`${VAULT}:8200`]: "blocked",
            [`${APP}:8443`]: "blocked",
            [`${HOST}:5433`]: "blocked",
        });
        // Blocked container traffic passes the rate-limited LOG rule ([UFW DOCKER BLOCK]).
        const deny = onHost("iptables -L hardened-docker-deny -v -n -x").stdout;
        const logged = deny.split("\n").find((l) => l.includes("UFW DOCKER BLOCK"));
        assert.ok(logged && Number(logged.trim().split(/\s+/)[0]) > 0, deny);
    });

    it("opens SSH to the admin network only", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        assert.deepEqual(probe(CLIENT, [`${HOST}:22`]), { [`${HOST}:22`]: "blocked" });
        assert.deepEqual(probe(ADMIN, [`${HOST}:22`]), { [`${HOST}:22`]: "open" });
    });

    it("holds the same rules for IPv6", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        // Not probed: direct routing to a container on a network that is not the stack's
        // (the rules guard the stack's own subnets against that, and only IPv4 ones exist).
        const targets = [`[${HOST6}]:5432`, `[${HOST6}]:5433`, `[${HOST6}]:22`];
        assert.deepEqual(probe(CLIENT6, targets), {
            [`[${HOST6}]:5432`]: "blocked",
            [`[${HOST6}]:5433`]: "blocked",
            [`[${HOST6}]:22`]: "blocked",
        });
        assert.deepEqual(probe(ADMIN6, [`[${HOST6}]:22`]), { [`[${HOST6}]:22`]: "open" });
    });

    it("gives byte-identical rulesets when applied twice", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        // Counters count dropped probes; a reload zeroes them, so compare right after each run.
        const applyAndSave = () => {
            const r = command("update", BUNDLE);
            assert.equal(r.status, 0, r.stderr);
            return saved();
        };
        const first = applyAndSave();
        assert.deepEqual(applyAndSave(), first);
        assert.notEqual(first.v4, startV4, "the bundle changed the ruleset");
    });

    it("refuses a broken or foreign bundle and keeps the rules in force", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        const before = saved();
        const files = parseBundle(BUNDLE);
        const broken = formatBundle(
            files.map((f) =>
                f.path === "/etc/ufw/after.rules"
                    ? { ...f, content: f.content.replace("-j RETURN\n", "-j no-such-chain\n") }
                    : f,
            ),
        );
        const foreign = `${BUNDLE}### file: /etc/passwd\nroot::0:0::/root:/bin/sh\n`;
        for (const [what, bundle, message] of [
            ["broken", broken, /refused the bundle/],
            ["foreign", foreign, /may not write/],
        ] as const) {
            const r = command("create", bundle);
            assert.notEqual(r.status, 0, `${what} bundle applied`);
            assert.match(r.stderr, message);
        }
        assert.deepEqual(saved(), before);
        const onDisk = onHost("cat /etc/ufw/after.rules").stdout;
        assert.equal(onDisk, files.find((f) => f.path === "/etc/ufw/after.rules")!.content);
    });

    it("rate-limits SSH from the admin network", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        const outcomes = Array.from(
            { length: 8 },
            () => probe(ADMIN, [`${HOST}:22`])[`${HOST}:22`],
        );
        assert.ok(outcomes.includes("refused"), `a burst is cut off: ${outcomes.join(" ")}`);
    });

    it("repairs drift on the next run: UFW disabled by hand comes back", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        const applied = saved(true);
        assert.equal(onHost("ufw disable").status, 0);
        assert.deepEqual(probe(CLIENT, [`${HOST}:5433`]), { [`${HOST}:5433`]: "open" });
        const r = command("ensure", BUNDLE);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /DRIFT: UFW is not running/);
        assert.match(r.stderr, /DRIFT: \/etc\/ufw\/ufw\.conf differs from the bundle/);
        assert.deepEqual(probe(CLIENT, [`${HOST}:5433`, `${HOST}:5432`, `${HOST}:443`]), {
            [`${HOST}:5433`]: "blocked",
            [`${HOST}:5432`]: "blocked",
            [`${HOST}:443`]: "open",
        });
        // Rules removed by hand are drift too: the loaded chains must equal the bundle's.
        const hole = "iptables -F DOCKER-USER && iptables -A DOCKER-USER -j RETURN";
        assert.equal(onHost(hole).status, 0);
        assert.deepEqual(probe(CLIENT, [`${HOST}:5432`]), { [`${HOST}:5432`]: "open" });
        const repaired = command("ensure", BUNDLE);
        assert.equal(repaired.status, 0, repaired.stderr);
        assert.match(
            repaired.stderr,
            /DRIFT: the loaded rules of UFW's user chains or DOCKER-USER/,
        );
        assert.deepEqual(probe(CLIENT, [`${HOST}:5432`]), { [`${HOST}:5432`]: "blocked" });

        const again = command("ensure", BUNDLE);
        assert.match(again.stdout, /is in force/);
        assert.equal(again.stderr, "");
        assert.deepEqual(saved(true), applied);
    });

    it("keeps the rules through replacements and removal restores the starting ruleset", (t) => {
        if (!ready) {
            return t.skip("namespaces are not set up");
        }
        // pulumi up --replace: the new resource applies before the old one's delete runs.
        const held = saved(true);
        assert.equal(command("create", BUNDLE).status, 0);
        const replaced = command("delete", BUNDLE);
        assert.equal(replaced.status, 0, replaced.stderr);
        assert.match(replaced.stdout, /still held by its replacement/);
        assert.deepEqual(saved(true), held);

        // A changed bundle (HTTPS only, no logging): its create runs first, then the old delete.
        const httpsOnly = renderUfwBundle({
            ...rules,
            firewall: { ...rules.firewall, logging: "off" },
            publicEndpoints: rules.publicEndpoints.filter((e) => e.port === 8443),
        });
        assert.equal(command("create", httpsOnly).status, 0);
        const newer = saved(true);
        const stale = command("delete", BUNDLE);
        assert.equal(stale.status, 0, stale.stderr);
        assert.match(stale.stdout, /not in force; leaving the rules alone/);
        assert.deepEqual(saved(true), newer);
        assert.deepEqual(probe(CLIENT, [`${HOST}:443`, `${HOST}:80`]), {
            [`${HOST}:443`]: "open",
            [`${HOST}:80`]: "blocked",
        });

        const r = command("delete", httpsOnly);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /the previous firewall is back/);
        const end = saved(true);
        assert.equal(end.v4, startV4);
        assert.equal(end.v6, startV6);
        assert.equal(
            onHost("cat /etc/ufw/after.rules").stdout,
            fs.readFileSync("/etc/ufw/after.rules", "utf8"),
        );
    });
});
