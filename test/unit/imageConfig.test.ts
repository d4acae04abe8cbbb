import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ConfigError, loadConfig } from "../../infra/config";
import { DEFAULT_COMMANDS } from "../../infra/config/image";
import { FAKE_DIGEST, FIXTURES, buildOverrides } from "../support/image";
import { devConfig } from "../support/program";

/** The issues a config raises, as `key: problem`, or an empty list when it is valid. */
function issuesFor(overrides: Record<string, unknown>): string[] {
    try {
        loadConfig(devConfig(overrides));
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.issues.map((i) => `${i.key.replace("hardened-stack:", "")}: ${i.problem}`);
    }
}

describe("app image configuration", () => {
    it("keeps the pinned image when appBuild is not set", () => {
        const config = loadConfig(devConfig());
        assert.equal(config.appBuild, undefined);
        assert.equal(config.app.image, "ghcr.io/daur-ai/daur-ai:1.0.0");
    });

    it("reads a Python build with its defaults", () => {
        const build = loadConfig(devConfig(buildOverrides())).appBuild;
        assert.equal(build?.context, FIXTURES.python);
        assert.equal(build?.language, "python");
        assert.equal(build?.runtimeImage, build?.baseImage);
        assert.deepEqual(build?.command, DEFAULT_COMMANDS.python);
        assert.deepEqual(build?.writablePaths, []);
    });

    it("refuses app.image and appBuild together", () => {
        const overrides = buildOverrides();
        const app = { ...(overrides.app as object), image: "ghcr.io/daur-ai/daur-ai:1.0.0" };
        assert.deepEqual(issuesFor({ ...overrides, app }), [
            "appBuild: is set together with app.image",
        ]);
    });

    it("needs no app.image outside dev when the image is built", () => {
        const production = { ...buildOverrides(), environment: "production" };
        const issues = issuesFor(production);
        assert.ok(issues.length > 0, "the production stack lacks other keys, such as proxy.image");
        assert.deepEqual(
            issues.filter((i) => /^app(Build)?\./.test(i)),
            [],
        );
    });

    it("names every missing required field at once", () => {
        const overrides = buildOverrides();
        assert.deepEqual(issuesFor({ ...overrides, appBuild: { language: "python" } }), [
            "appBuild.context: is missing",
            "appBuild.baseImage: is missing",
            "appBuild.source: is missing",
            "appBuild.revision: is missing",
        ]);
    });

    it("refuses a context without the inputs the language copies", () => {
        const issues = issuesFor(buildOverrides({ context: FIXTURES.node }));
        assert.deepEqual(issues, ["appBuild.context: lacks requirements.txt, wheels"]);
    });

    it("refuses a tag-only base outside dev, and latest everywhere", () => {
        const tagged = buildOverrides({ baseImage: "debian:bookworm" });
        assert.deepEqual(issuesFor(tagged), []);
        const production = issuesFor({ ...tagged, environment: "production" });
        assert.ok(
            production.some((i) => i.startsWith("appBuild.baseImage: is ")),
            String(production),
        );
        const latest = buildOverrides({ runtimeImage: "debian:latest" });
        assert.deepEqual(issuesFor(latest), [
            'appBuild.runtimeImage: uses the mutable tag "latest"',
        ]);
        const pinnedLatest = buildOverrides({ baseImage: `debian:LATEST@${FAKE_DIGEST}` });
        for (const environment of ["dev", "production"]) {
            const issues = issuesFor({ ...pinnedLatest, environment });
            assert.ok(issues.includes('appBuild.baseImage: uses the mutable tag "latest"'));
        }
        const id = buildOverrides({ baseImage: FAKE_DIGEST });
        assert.equal(loadConfig(devConfig(id)).appBuild?.baseImage, FAKE_DIGEST);
    });

    it("refuses values that could inject Dockerfile instructions", () => {
        const issues = issuesFor(
            buildOverrides({
                command: ["python3", 'app"]\nUSER root'],
                source: "https://example.com/x\nUSER 0",
                revision: "HEAD",
            }),
        );
        assert.deepEqual(
            issues.map((i) => i.split(":")[0]),
            ["appBuild.command[1]", "appBuild.source", "appBuild.revision"],
        );
    });

    it("refuses writable paths that are system or app folders", () => {
        const issues = issuesFor(
            buildOverrides({
                writablePaths: ["/var/lib/daur-ai", "/etc/app", "/opt/app/src", "/x/../etc"],
            }),
        );
        assert.deepEqual(
            issues.map((i) => i.split(":")[0]),
            ["appBuild.writablePaths[1]", "appBuild.writablePaths[2]", "appBuild.writablePaths[3]"],
        );
    });
});
