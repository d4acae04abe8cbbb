import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { POLICIES } from "../../policies/policies";
import { runPolicies } from "../../scripts/lib/policyRun";
import { runStack } from "../support/program";

describe("the dev stack under every policy", () => {
    it("has no mandatory violation and nothing undecidable", async () => {
        const run = await runStack("dev");
        const result = await runPolicies(run.resources, POLICIES, { stackName: "dev" });
        const blocking = result.violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(blocking, []);
        assert.deepEqual(
            result.violations.filter((v) => v.undecidable),
            [],
        );
        assert.ok(
            result.evaluations.length > POLICIES.length,
            "policies saw the stack's resources",
        );
        const containers = result.evaluations.filter(
            (e) => e.policy === "container-runs-as-non-root",
        );
        // Every service and the file seed that writes its files.
        assert.deepEqual(containers.map((e) => e.resource).sort(), [
            "data-postgres",
            "data-postgres-files",
            "data-vault",
            "data-vault-files",
            "daur-ai",
            "daur-ai-files",
            "edge",
            "edge-files",
        ]);
    });
});
