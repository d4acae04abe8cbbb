// appSecretFiles under mocks. Its own file, so its own process: the program module runs once
// per process, and this run needs config the dev stack does not have.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isSecretValue, runProgram, unwrapSecrets } from "../../scripts/lib/mockRuntime";
import { loadStackSettings } from "../../scripts/lib/stackConfig";
import { ROOT, findResource } from "../support/program";

const CONTAINER = "docker:index/container:Container";

describe("appSecretFiles", () => {
    it("hands each secret to the app as a 0400 file it owns, named by <NAME>_FILE", async () => {
        const settings = loadStackSettings(ROOT, "dev");
        const key = "hardened-stack:appSecretFiles";
        const withFiles = await runProgram({
            program: settings.program,
            project: settings.project,
            stack: settings.stack,
            config: {
                values: { ...settings.config.values, [key]: '{"DAUR_API_KEY":"hunter2-api-key"}' },
                secretKeys: [...settings.config.secretKeys, key],
            },
        });
        const c = findResource(withFiles, CONTAINER, "daur-ai");
        const envs = c.inputs.envs as string[];
        assert.ok(envs.includes("DAUR_API_KEY_FILE=/etc/app/secrets/daur-api-key"));
        assert.ok(!envs.some((e) => e.includes("hunter2")), "the value is not in the environment");
        const seed = findResource(withFiles, CONTAINER, "daur-ai-files");
        const upload = (seed.inputs.uploads as any[]).find(
            (u) => u.file === "/etc/app/secrets/daur-api-key",
        );
        assert.deepEqual(
            [upload.permissions, upload.owner, upload.group],
            ["0400", "10001", "10001"],
        );
        assert.ok(isSecretValue(upload.content), "the file's content stays secret");
        assert.equal(unwrapSecrets(upload.content), "hunter2-api-key");
    });
});
