import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as pulumi from "@pulumi/pulumi";

import { loadConfig } from "../../infra/config";
import { APP_IMAGE_TYPE } from "../../infra/config/image";
import { createStack } from "../../infra/stack";
import { appImageDockerfileIsHardened } from "../../policies/docker/appImageDockerfileIsHardened";
import { POLICIES } from "../../policies/policies";
import { runPolicies } from "../../scripts/lib/policyRun";
import { baselineStack, pick } from "../fixtures/policy/baseline";
import { buildOverrides } from "../support/image";
import { violations } from "../support/policy";
import { devConfig, runUnderMocks } from "../support/program";

describe("a stack that builds the app's image, under every policy", () => {
    it("passes, and the Dockerfile policy reads the recorded Dockerfile", async () => {
        const config = loadConfig(devConfig(buildOverrides()));
        const run = await runUnderMocks(() => {
            createStack(config, { appSecretEnv: pulumi.secret<Record<string, string>>({}) });
        });
        const result = await runPolicies(run.resources, POLICIES, { stackName: "dev" });
        assert.deepEqual(
            result.violations.filter((v) => v.enforcementLevel === "mandatory" || v.undecidable),
            [],
        );

        // The same recorded stack with the Dockerfile's last USER made root must fail.
        const tampered = structuredClone(run.resources);
        const image = tampered.find((r) => r.type === APP_IMAGE_TYPE)!;
        image.inputs.dockerfile = String(image.inputs.dockerfile).replace(
            "USER 10001:10001",
            "USER 0:0",
        );
        const again = await runPolicies(tampered, POLICIES, { stackName: "dev" });
        assert.deepEqual(
            again.violations
                .filter((v) => v.policy === appImageDockerfileIsHardened.name)
                .map((v) => v.resource),
            ["app-image"],
        );
    });
});

describe("app-image-dockerfile-is-hardened and the environment", () => {
    const tagOnlyBase = (environment: string) => {
        const stack = baselineStack();
        pick(stack, "policy-exemptions").props.environment = environment;
        const image = pick(stack, "app-image").props;
        image.dockerfile = image.dockerfile.replace(
            /^FROM \S+ AS build$/m,
            "FROM debian:bookworm AS build",
        );
        return stack;
    };

    it("tolerates a tag-only base in dev, where the config allows one", async () => {
        assert.deepEqual(await violations(appImageDockerfileIsHardened, tagOnlyBase("dev")), []);
    });

    it("refuses it everywhere else", async () => {
        const messages = await violations(appImageDockerfileIsHardened, tagOnlyBase("production"));
        assert.equal(messages.length, 1);
        assert.match(
            messages[0],
            /app-image Dockerfile line \d+ breaks base-image-pinned-by-digest/,
        );
    });
});
