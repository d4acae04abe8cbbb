import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ConfigError, loadConfig } from "../../infra/config";
import { devConfig } from "../support/program";

/** Loads config with overrides and returns the issues, or an empty list when it is valid. */
function issuesFor(
    overrides: Record<string, unknown>,
): { key: string; problem: string; expected: string }[] {
    try {
        loadConfig(devConfig(overrides));
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.issues;
    }
}

describe("stack configuration", () => {
    it("accepts the dev stack as it is", () => {
        const config = loadConfig(devConfig());
        assert.deepEqual(config.domains, ["daur.dev.example.com"]);
        assert.equal(config.proxy.hsts.maxAgeSeconds, 63072000);
    });

    it("reports every bad key at once, each with its expected form", () => {
        const issues = issuesFor({
            domains: ["ok.example.com", "bad;name"],
            app: { port: 80, user: "0:0" },
        });
        assert.deepEqual(
            issues.map((i) => i.key),
            ["hardened-stack:domains[1]", "hardened-stack:app.port", "hardened-stack:app.user"],
        );
        for (const issue of issues) {
            assert.ok(issue.expected.length > 0);
        }
    });
});
