import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { UNKNOWN_VALUE, redactSecrets } from "../../scripts/lib/mockRuntime";
import { runUnderMocks } from "../support/program";

describe("the mock runtime", () => {
    it("returns outputs that stay unknown at preview instead of hanging", async () => {
        const run = await runUnderMocks(() => {
            // The mock answers with the inputs only, so `scope` is unknown during a preview.
            const network = new docker.Network("n", { name: "n" });
            return { scope: network.scope, name: network.name, secret: pulumi.secret("s3cr3t") };
        });
        assert.equal(run.outputs.scope, UNKNOWN_VALUE);
        assert.equal(run.outputs.name, "n");
        assert.deepEqual(redactSecrets(run.outputs), {
            scope: "[unknown]",
            name: "n",
            secret: "[secret]",
        });
    });
});
