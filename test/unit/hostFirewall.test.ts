import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { HostFirewall } from "../../infra/components/hostFirewall";
import { loadConfig } from "../../infra/config";
import { bundleSha256, proxyEndpoints } from "../../infra/render/ufw";
import { ProgramRun, isSecretValue } from "../../scripts/lib/mockRuntime";
import { devConfig, findResource, plainInputs, runUnderMocks } from "../support/program";

const LOCAL = "command:local:Command";
const REMOTE = "command:remote:Command";
const TEST_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nhsfw-test-key\n";

describe("HostFirewall under mocks", () => {
    let run: ProgramRun;

    before(async () => {
        const config = loadConfig(devConfig({ firewall: { adminCidrs: ["198.51.100.0/24"] } }));
        const rules = {
            dockerSubnets: [config.network.frontendSubnet, config.network.backendSubnet],
            publicEndpoints: proxyEndpoints(config.network),
        };
        run = await runUnderMocks(() => {
            const provider = new command.Provider("command", {});
            const local = new HostFirewall(
                "fw-local",
                { ...rules, firewall: config.firewall, runId: "run-1" },
                { providers: [provider] },
            );
            const remote = new HostFirewall(
                "fw-remote",
                {
                    ...rules,
                    firewall: {
                        ...config.firewall,
                        mode: "remote",
                        remote: {
                            host: "203.0.113.10",
                            user: "deploy",
                            hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
                        },
                    },
                    privateKey: pulumi.secret(TEST_KEY),
                },
                { providers: [provider] },
            );
            return { localBundle: local.bundle, remoteBundle: remote.bundle };
        });
    });

    it("applies the whole bundle as stdin of one command, beside its drift check", () => {
        const apply = findResource(run, LOCAL, "fw-local-apply");
        assert.match(apply.parent ?? "", /hardened-stack:firewall:HostFirewall::fw-local$/);
        assert.match(apply.provider ?? "", /::pulumi:providers:command::command::/);
        assert.equal(plainInputs(apply).stdin, run.outputs.localBundle);
        assert.deepEqual(
            run.resources.filter((r) => r.type === LOCAL).map((r) => r.name),
            ["fw-local-apply", "fw-local-ensure"],
        );
    });

    it("re-applies on any rule change: the trigger is the bundle's hash", () => {
        const inputs = plainInputs(findResource(run, LOCAL, "fw-local-apply"));
        assert.deepEqual(inputs.triggers, [bundleSha256(inputs.stdin)]);
    });

    it("replaces create-first, with a delete that only removes its own bundle", () => {
        const apply = findResource(run, LOCAL, "fw-local-apply");
        const inputs = plainInputs(apply);
        assert.equal(apply.options.deleteBeforeReplace, false);
        assert.match(inputs.delete, new RegExp(`remove ${bundleSha256(inputs.stdin)};`));
        assert.match(inputs.create, /bash "\$f" apply;/);
        assert.match(inputs.update, /bash "\$f" update;/);
    });

    it("checks on every run that the bundle is still in force, after applying it", () => {
        const apply = findResource(run, LOCAL, "fw-local-apply");
        const ensure = findResource(run, LOCAL, "fw-local-ensure");
        const inputs = plainInputs(ensure);
        assert.match(inputs.create, /bash "\$f" ensure;/);
        assert.equal(inputs.delete, undefined, "the check removes nothing");
        assert.equal(inputs.stdin, plainInputs(apply).stdin);
        assert.deepEqual(inputs.triggers, ["run-1"]);
        assert.deepEqual(ensure.options.dependsOn, [apply.urn]);
    });

    it("logs only output that holds no secret", () => {
        const local = plainInputs(findResource(run, LOCAL, "fw-local-apply"));
        assert.equal(local.logging, "stdoutAndStderr");
        assert.doesNotMatch(JSON.stringify(local), /PRIVATE KEY/);
    });

    it("connects over SSH with a pinned host key and the private key kept secret", () => {
        const apply = findResource(run, REMOTE, "fw-remote-apply");
        const connection = apply.inputs.connection as Record<string, unknown>;
        assert.ok(
            isSecretValue(connection) || isSecretValue(connection.privateKey),
            "the private key is secret",
        );
        const plain = plainInputs(apply).connection;
        assert.equal(plain.hostKey, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5");
        assert.equal(plain.user, "deploy");
        assert.ok(apply.options.additionalSecretOutputs.includes("connection"));
        assert.doesNotMatch(JSON.stringify(apply.inputs.stdin), /PRIVATE KEY/);
        assert.equal(run.outputs.remoteBundle, run.outputs.localBundle);
    });
});
