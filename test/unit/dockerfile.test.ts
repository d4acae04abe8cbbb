import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { loadConfig } from "../../infra/config";
import { dockerfileModel, renderDockerfile } from "../../infra/render/dockerfile";
import { lintDockerfile, parseDockerfile } from "../../policies/lib/dockerfileLint";
import { buildOverrides } from "../support/image";
import { devConfig } from "../support/program";
import { matchSnapshot } from "../support/snapshot";

/** The Dockerfile rendered for a language, with the given appBuild overrides. */
function rendered(language: "python" | "node", appBuild: Record<string, unknown> = {}): string {
    const config = loadConfig(devConfig(buildOverrides(appBuild, language)));
    return renderDockerfile(dockerfileModel(config.appBuild!, config.app));
}

describe("the rendered Dockerfile", () => {
    for (const language of ["python", "node"] as const) {
        it(`matches the ${language} snapshot and passes every lint rule`, () => {
            const text = rendered(language, { writablePaths: ["/var/lib/daur-ai"] });
            matchSnapshot(`Dockerfile.${language}`, text);
            assert.deepEqual(lintDockerfile(text), []);
        });
    }

    it("shares one skeleton: only the language partials differ", () => {
        const shared = (text: string) =>
            parseDockerfile(text)
                .filter((i) =>
                    ["FROM", "USER", "HEALTHCHECK", "LABEL", "EXPOSE"].includes(i.keyword),
                )
                .map((i) => i.keyword);
        assert.deepEqual(shared(rendered("python")), shared(rendered("node")));
    });

    it("creates the user, then hands it the writable paths, then switches to it last", () => {
        const steps = parseDockerfile(rendered("python", { writablePaths: ["/var/lib/daur-ai"] }));
        const final = steps.filter((i) => i.stage === 1);
        const index = (pattern: RegExp) =>
            final.findIndex((i) => pattern.test(`${i.keyword} ${i.args}`));
        const created = index(/^RUN groupadd .* useradd .*--uid 10001/);
        const handed = index(/^RUN mkdir -p \/var\/lib\/daur-ai && chown 10001:10001/);
        assert.ok(
            created >= 0 && handed > created,
            "the folder is made and chowned after the user",
        );
        assert.deepEqual(
            final.slice(-2).map((i) => `${i.keyword} ${i.args}`),
            ["USER 10001:10001", 'ENTRYPOINT ["/opt/app/venv/bin/python", "-m", "app"]'],
        );
    });

    it("installs dependencies offline, in the build stage only", () => {
        const steps = parseDockerfile(rendered("python"));
        const installs = steps.filter((i) => /\binstall\b/.test(i.args));
        assert.ok(installs.length > 0);
        for (const step of installs) {
            assert.equal(step.stage, 0, `installs outside the build stage: ${step.args}`);
            assert.match(step.args, /--no-index --find-links=\/build\/wheels/);
        }
        const node = parseDockerfile(rendered("node")).filter((i) => /\bnpm ci\b/.test(i.args));
        assert.deepEqual(
            node.map((i) => i.stage),
            [0],
        );
        assert.match(node[0].args, /--omit=dev .*--offline/);
    });

    it("uses the runtime image for the final stage when one is set", () => {
        const runtime = `registry.example.com/runtime:bookworm@sha256:${"ab".repeat(32)}`;
        const froms = parseDockerfile(rendered("python", { runtimeImage: runtime })).filter(
            (i) => i.keyword === "FROM",
        );
        assert.deepEqual(
            froms.map((i) => i.args.split(" ")[0]),
            [`registry.example.com/base:bookworm@sha256:${"4f".repeat(32)}`, runtime],
        );
    });
});
