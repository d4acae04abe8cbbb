import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { bundleSha256, parseBundle } from "../../infra/render/ufw";
import { previewDocument } from "../../scripts/lib/preview";
import { ProgramRun, isSecretValue } from "../../scripts/lib/mockRuntime";
import { loadStackSettings } from "../../scripts/lib/stackConfig";
import { ROOT, findResource, plainInputs, runStack } from "../support/program";

describe("the dev stack's host firewall under mocks", () => {
    let run: ProgramRun;
    let rules: Record<string, string>;

    before(async () => {
        run = await runStack("dev");
        const apply = plainInputs(
            findResource(run, "command:local:Command", "host-firewall-apply"),
        );
        rules = Object.fromEntries(parseBundle(apply.stdin).map((f) => [f.path, f.content]));
    });

    it("applies through an explicit command provider, under the HostFirewall component", () => {
        const component = findResource(
            run,
            "hardened-stack:firewall:HostFirewall",
            "host-firewall",
        );
        for (const name of ["host-firewall-apply", "host-firewall-ensure"]) {
            const command = findResource(run, "command:local:Command", name);
            assert.equal(command.parent, component.urn);
            assert.match(command.provider ?? "", /::pulumi:providers:command::command::/);
        }
    });

    it("publishes nginx's ports only after the firewall is in force", () => {
        // A dependency on a component reaches the engine as one on each of its children.
        const edge = findResource(run, "hardened-stack:proxy:WebProxy", "edge");
        const apply = findResource(run, "command:local:Command", "host-firewall-apply");
        assert.ok(edge.options.dependsOn.includes(apply.urn));
    });

    it("exports the bundle in force as a plain output, shown by the JSON preview", () => {
        const apply = plainInputs(
            findResource(run, "command:local:Command", "host-firewall-apply"),
        );
        assert.ok(!isSecretValue(run.outputs.firewallBundle), "the bundle is not secret");
        assert.equal(run.outputs.firewallBundle, apply.stdin);
        assert.deepEqual(apply.triggers, [bundleSha256(apply.stdin)]);
        const doc = previewDocument({ settings: loadStackSettings(ROOT, "dev"), run }) as {
            outputs: Record<string, unknown>;
        };
        assert.match(String(doc.outputs.firewallBundle), /^-A DOCKER-USER -j ufw-user-forward$/m);
    });

    it("routes to the edge container's address and internal ports, as Docker publishes them", () => {
        const edge = plainInputs(findResource(run, "docker:index/container:Container", "edge"));
        const address = edge.networksAdvanced[0].ipv4Address;
        const expected = edge.ports.map(
            (p: { internal: number }) =>
                `-A ufw-user-forward -p tcp -d ${address} --dport ${p.internal} -j ACCEPT`,
        );
        const routes = rules["/etc/ufw/user.rules"]
            .split("\n")
            .filter((l) => l.startsWith("-A ufw-user-forward"));
        assert.deepEqual(routes, expected);
    });

    it("trusts exactly the subnets of the stack's Docker networks (FW-04)", () => {
        const subnets = run.resources
            .filter((r) => r.type === "docker:index/network:Network")
            .flatMap((r) => plainInputs(r).ipamConfigs.map((c: { subnet: string }) => c.subnet));
        const trusted = rules["/etc/ufw/after.rules"]
            .split("\n")
            .filter((l) => l.startsWith("-A DOCKER-USER -s "))
            .map((l) => l.split(" ")[3]);
        assert.deepEqual([...trusted].sort(), [...subnets].sort());
    });
});
