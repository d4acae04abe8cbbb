import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";

import { ConfigError, loadConfig } from "../../infra/config";
import { packPolicies } from "../../policies/pack";
import { POLICIES } from "../../policies/policies";
import { containerPublishesPortsOnExplicitAddress } from "../../policies/docker/containerPublishesPortsOnExplicitAddress";
import { containerRunsAsNonRoot } from "../../policies/docker/containerRunsAsNonRoot";
import { firewallDeniesByDefault } from "../../policies/firewall/firewallDeniesByDefault";
import { vaultPolicyGrantsLeastPrivilege } from "../../policies/vault/vaultPolicyGrantsLeastPrivilege";
import { resourceArgsOf, stackArgsOf } from "../../policies/lib/engineArgs";
import { UNDECIDABLE } from "../../policies/lib/policy";
import { UNKNOWN, UnknownValueError } from "../../policies/lib/sdkProxy";
import { runPolicies } from "../../scripts/lib/policyRun";
import { RecordedResource } from "../../scripts/lib/mockRuntime";
import { baselineStack, pick } from "../fixtures/policy/baseline";
import { engineResource, violations } from "../support/policy";
import { devConfig, recordedResource } from "../support/program";

const EXEMPTION = {
    policy: "container-has-healthcheck",
    resource: "daur-ai",
    reason: "the vendor image ships no health endpoint yet",
    owner: "platform-team",
    expires: "2999-12-31",
};

/** The baseline as the mock runtime would record it (providers first), for the offline runner. */
function recorded(stack = baselineStack()): RecordedResource[] {
    const providers = new Map(
        stack.flatMap((r) => (r.provider ? [[r.provider.urn, r.provider] as const] : [])),
    );
    return [
        ...[...providers.values()]
            .filter((p) => !stack.some((r) => r.type === p.type && r.name === p.name))
            .map((p) => recordedResource(p.type, p.name, p.urn, {})),
        ...stack.map((r) => ({
            ...recordedResource(r.type, r.name, engineResource(r).urn, r.props),
            provider: r.provider ? `${r.provider.urn}::id` : undefined,
        })),
    ];
}

describe("unknown values at preview (FC-20)", () => {
    afterEach(() => delete process.env.HARDENED_STACK_ALLOW_UNKNOWN);

    it("reports a mandatory check on an unknown port address as undecidable, not as a pass", async () => {
        const stack = baselineStack();
        pick(stack, "db").props.ports = [{ internal: 5432, external: 5432, ip: UNKNOWN.string }];
        const messages = await violations(containerPublishesPortsOnExplicitAddress, stack);
        assert.equal(messages.length, 1);
        assert.ok(messages[0].startsWith(UNDECIDABLE), messages[0]);
        assert.match(messages[0], /\.ports\.0\.ip/);
    });

    it("treats a whole unknown object the same (pulumi/pulumi#7854)", async () => {
        const stack = baselineStack();
        pick(stack, "daur-ai").props.user = UNKNOWN.string;
        const messages = await violations(containerRunsAsNonRoot, stack);
        assert.ok(messages.length === 1 && messages[0].startsWith(UNDECIDABLE));
    });

    it("leaves the unknown to the engine's advisory only when the flag allows it", async () => {
        process.env.HARDENED_STACK_ALLOW_UNKNOWN = "true";
        const db = pick(baselineStack(), "db");
        const args = resourceArgsOf(
            engineResource({ ...db, props: { ...db.props, user: UNKNOWN.string } }),
        );
        await assert.rejects(
            async () => containerRunsAsNonRoot.validateResource(args, () => {}),
            UnknownValueError,
        );
    });

    it("fails the offline run on undecidable findings unless --allow-unknown", async () => {
        const stack = baselineStack();
        pick(stack, "daur-ai").props.user = UNKNOWN.string;
        const strict = await runPolicies(recorded(stack), POLICIES, { stackName: "test" });
        const lenient = await runPolicies(recorded(stack), POLICIES, {
            stackName: "test",
            allowUnknown: true,
        });
        const level = (r: typeof strict) =>
            r.violations.filter((v) => v.undecidable).map((v) => v.enforcementLevel);
        assert.deepEqual(level(strict), ["mandatory"]);
        assert.deepEqual(level(lenient), ["advisory"]);
    });
});

describe("exemptions", () => {
    it("reads well-formed exemptions from stack config", () => {
        const config = loadConfig(devConfig({ policyExemptions: [EXEMPTION] }));
        assert.deepEqual(config.policy.exemptions, [EXEMPTION]);
    });

    it("reports every malformed field with the key and the expected form", () => {
        const bad = {
            policy: "Bad Name",
            resource: "daur-ai",
            reason: "short",
            expires: "2026-02-30",
            extra: 1,
        };
        assert.throws(
            () => loadConfig(devConfig({ policyExemptions: [bad] })),
            (err: unknown) => {
                assert.ok(err instanceof ConfigError);
                const keys = err.issues.map((i) => i.key);
                for (const key of ["extra", "owner", "policy", "reason", "expires"]) {
                    assert.ok(
                        keys.includes(`hardened-stack:policyExemptions[0].${key}`),
                        `${key} in ${keys}`,
                    );
                }
                return true;
            },
        );
    });

    it("waives a matching violation, and reports exemptions that match nothing", async () => {
        const stack = baselineStack();
        delete pick(stack, "daur-ai").props.healthcheck;
        const unused = { ...EXEMPTION, policy: "container-has-resource-limits" };
        pick(stack, "policy-exemptions").props.exemptions = [EXEMPTION, unused];
        const result = await runPolicies(recorded(stack), POLICIES, { stackName: "test" });
        assert.deepEqual(result.violations, []);
        assert.deepEqual(
            result.exempted.map((e) => e.finding.policy),
            ["container-has-healthcheck"],
        );
        assert.deepEqual(result.unmatchedExemptions, [unused]);
    });

    it("never waives a floor policy, and fails the check for trying", async () => {
        const stack = baselineStack();
        pick(stack, "daur-ai").props.privileged = true;
        pick(stack, "policy-exemptions").props.exemptions = [
            { ...EXEMPTION, policy: "container-is-not-privileged" },
        ];
        const result = await runPolicies(recorded(stack), POLICIES, { stackName: "test" });
        assert.deepEqual(result.violations.map((v) => v.policy).sort(), [
            "container-is-not-privileged",
            "policy-exemptions-are-valid",
        ]);
    });

    it("stops waiving on the day after expiry", async () => {
        const stack = baselineStack();
        delete pick(stack, "daur-ai").props.healthcheck;
        pick(stack, "policy-exemptions").props.exemptions = [
            { ...EXEMPTION, expires: "2999-06-30" },
        ];
        const on = await runPolicies(recorded(stack), POLICIES, { on: "2999-06-30" });
        const after = await runPolicies(recorded(stack), POLICIES, { on: "2999-07-01" });
        assert.equal(on.exempted.length, 1);
        assert.deepEqual(
            after.violations.map((v) => v.policy),
            ["container-has-healthcheck"],
        );
    });
});

describe("the pack for the Pulumi CLI", () => {
    const pack = packPolicies(POLICIES);

    it("keeps every policy under its name with its enforcement level", () => {
        assert.deepEqual(
            pack.map((p) => p.name),
            POLICIES.map((p) => p.name),
        );
        assert.deepEqual(
            pack.map((p) => p.enforcementLevel),
            POLICIES.map((p) => p.enforcementLevel),
        );
    });

    it("keeps floor policies as resource policies, so they block before creation", () => {
        const floors = pack.filter((p) => "validateResource" in p).map((p) => p.name);
        assert.deepEqual(floors.sort(), [
            "container-is-not-privileged",
            "container-mounts-no-docker-socket",
            "firewall-denies-by-default",
            "vault-listener-uses-tls",
        ]);
    });

    it("skips exempted resources in the stack form of a resource policy", async () => {
        const stack = baselineStack();
        delete pick(stack, "daur-ai").props.healthcheck;
        delete pick(stack, "db").props.healthcheck;
        pick(stack, "policy-exemptions").props.exemptions = [EXEMPTION];
        const policy = pack.find((p) => p.name === "container-has-healthcheck")!;
        const urns: (string | undefined)[] = [];
        assert.ok("validateStack" in policy);
        await policy.validateStack(stackArgsOf(stack.map(engineResource)), (_m, urn) =>
            urns.push(urn),
        );
        assert.deepEqual(urns, [
            "urn:pulumi:test::hardened-stack::docker:index/container:Container::db",
        ]);
    });
});

describe("telling roles apart without reading unknowns", () => {
    it("lets the operator's policy manage mounts while app policies may not", async () => {
        const stack = baselineStack();
        const operator = structuredClone(pick(stack, "app-policy"));
        operator.name = "operator-policy";
        operator.props = {
            name: "operator",
            policy: 'path "sys/mounts/*" { capabilities = ["create", "update", "sudo"] }',
        };
        stack.push(operator);
        assert.deepEqual(await violations(vaultPolicyGrantsLeastPrivilege, stack), []);
        pick(stack, "app-role").props.tokenPolicies.push("operator");
        assert.equal((await violations(vaultPolicyGrantsLeastPrivilege, stack)).length, 2);
    });

    it("skips a command with an unknown stdin unless it belongs to the host firewall", async () => {
        const stack = baselineStack();
        const unseal = { ...structuredClone(pick(stack, "host-firewall")), name: "vault-unseal" };
        unseal.props.stdin = UNKNOWN.string;
        assert.deepEqual(await violations(firewallDeniesByDefault, [unseal]), []);
        const child = engineResource(unseal);
        const firewallChild = {
            ...child,
            urn: "urn:pulumi:test::hardened-stack::hardened-stack:firewall:HostFirewall$command:local:Command::apply",
        };
        const messages: string[] = [];
        await firewallDeniesByDefault.validateResource(resourceArgsOf(firewallChild), (m) =>
            messages.push(m),
        );
        assert.equal(messages.length, 1);
        assert.ok(messages[0].startsWith(UNDECIDABLE));
    });
});
