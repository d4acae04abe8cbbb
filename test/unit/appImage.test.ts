import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import * as pulumi from "@pulumi/pulumi";

import { AppImage, contextDigest, contextFiles } from "../../infra/components/appImage";
import { loadConfig } from "../../infra/config";
import { APP_IMAGE_TYPE, CONTEXT_INPUTS } from "../../infra/config/image";
import { createStack } from "../../infra/stack";
import { SECRET_FILE } from "../../policies/lib/dockerfileLint";
import { ProgramRun } from "../../scripts/lib/mockRuntime";
import { FIXTURES, buildOverrides } from "../support/image";
import { devConfig, findResource, plainInputs, runUnderMocks } from "../support/program";

describe("AppImage under mocks, built into the stack", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "hs-img-unit-"));
    let run: ProgramRun;
    let component: AppImage | undefined;
    let refused = "";
    let leaky = "";

    before(async () => {
        const config = loadConfig(
            devConfig(buildOverrides({ writablePaths: ["/var/lib/daur-ai"] })),
        );
        run = await runUnderMocks(() => {
            // The stack builds the image; a second, bad build shows the constructor refuses it.
            createStack(config, { appSecretEnv: pulumi.secret<Record<string, string>>({}) });
            component = new AppImage("probe", {
                build: config.appBuild!,
                app: config.app,
                dockerfileDir: work,
            });
            try {
                new AppImage("bad", {
                    build: { ...config.appBuild!, context: FIXTURES.node },
                    app: config.app,
                    dockerfileDir: work,
                });
            } catch (err) {
                refused = String(err);
            }
            const context = path.join(work, "leaky");
            fs.cpSync(FIXTURES.python, context, { recursive: true });
            fs.writeFileSync(path.join(context, "src", ".env"), "DB_PASSWORD=x\n");
            try {
                new AppImage("leaky", {
                    build: { ...config.appBuild!, context },
                    app: config.app,
                    dockerfileDir: work,
                });
            } catch (err) {
                leaky = String(err);
            }
        });
    });

    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("builds with the network off, from the rendered Dockerfile, tagged by content", () => {
        const image = plainInputs(findResource(run, "docker:index/image:Image", "app-image"));
        assert.equal(image.build.network, "none");
        assert.equal(image.build.context, FIXTURES.python);
        assert.equal(image.skipPush, true);
        const dockerfile = fs.readFileSync(image.build.dockerfile, "utf8");
        assert.match(dockerfile, /^USER 10001:10001$/m);
        const digest = contextDigest(FIXTURES.python, CONTEXT_INPUTS.python, dockerfile);
        assert.equal(image.imageName, `hardened-stack/daur-ai:${digest}`);
    });

    it("hands the rendered Dockerfile to the policy engine as a component input", () => {
        const inputs = plainInputs(findResource(run, APP_IMAGE_TYPE, "app-image"));
        const image = plainInputs(findResource(run, "docker:index/image:Image", "app-image"));
        assert.equal(inputs.dockerfile, fs.readFileSync(image.build.dockerfile, "utf8"));
        assert.equal(inputs.language, "python");
    });

    it("is the parent of its image", () => {
        const parent = findResource(run, APP_IMAGE_TYPE, "app-image");
        const image = findResource(run, "docker:index/image:Image", "app-image");
        assert.equal(image.parent, parent.urn);
    });

    it("runs the app container on exactly the built image's id", () => {
        const image = plainInputs(findResource(run, "docker:index/image:Image", "app-image"));
        const container = plainInputs(
            findResource(run, "docker:index/container:Container", "daur-ai"),
        );
        const id = createHash("sha256").update(image.imageName).digest("hex");
        assert.equal(container.image, `sha256:${id}`);
    });

    it("gives the container the image's own healthcheck", () => {
        const container = plainInputs(
            findResource(run, "docker:index/container:Container", "daur-ai"),
        );
        assert.deepEqual(container.healthcheck.tests, [
            "CMD",
            "/opt/app/venv/bin/python",
            "-c",
            "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)",
        ]);
        assert.match(
            component!.dockerfile,
            /^HEALTHCHECK .* CMD \["\/opt\/app\/venv\/bin\/python", "-c", "import urllib/m,
        );
    });

    it("mounts a tmpfs owned by the app user on each declared writable folder", () => {
        const container = plainInputs(
            findResource(run, "docker:index/container:Container", "daur-ai"),
        );
        assert.deepEqual(Object.keys(container.tmpfs).sort(), ["/tmp", "/var/lib/daur-ai"]);
        assert.match(container.tmpfs["/var/lib/daur-ai"], /(^|,)mode=0700(,|$)/);
        assert.match(container.tmpfs["/var/lib/daur-ai"], /(^|,)uid=10001,gid=10001(,|$)/);
        assert.equal(container.readOnly, true);
    });

    it("writes the Dockerfile it renders, outside the context", () => {
        assert.ok(component);
        assert.equal(fs.readFileSync(component.dockerfilePath, "utf8"), component.dockerfile);
        assert.ok(!component.dockerfilePath.startsWith(FIXTURES.python));
        // Named by its content, so two programs rendering different files never share one.
        const digest = createHash("sha256").update(component.dockerfile).digest("hex");
        assert.equal(
            path.basename(component.dockerfilePath),
            `probe.${digest.slice(0, 16)}.Dockerfile`,
        );
    });

    it("refuses a context whose copied files include a credential file", () => {
        assert.match(
            leaky,
            /AppImage leaky: the build would copy credential files .*\(src\/\.env\)/,
        );
        assert.equal(run.resources.filter((r) => r.name === "leaky").length, 0);
    });

    it("refuses a context without the language's inputs, before registering anything", () => {
        assert.match(refused, /AppImage bad: the context .* lacks requirements.txt, wheels/);
        assert.deepEqual(
            run.resources.filter((r) => r.name === "bad"),
            [],
            "nothing of a refused build is registered, not even the component",
        );
    });
});

describe("contextFiles", () => {
    it("lists what the build copies, so credential files in it can be refused", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hs-img-files-"));
        try {
            fs.mkdirSync(path.join(dir, "src", "app"), { recursive: true });
            fs.writeFileSync(path.join(dir, "src", "app", "main.py"), "");
            fs.writeFileSync(path.join(dir, "src", ".env"), "");
            fs.writeFileSync(path.join(dir, "server.key"), "");
            const files = contextFiles(dir, ["src"]);
            assert.deepEqual(files, ["src/.env", "src/app/main.py"]);
            assert.deepEqual(
                files.filter((f) => SECRET_FILE.test(f)),
                ["src/.env"],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("contextDigest", () => {
    it("changes with any copied file and with the Dockerfile, and only then", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hs-img-digest-"));
        try {
            fs.mkdirSync(path.join(dir, "src"));
            fs.writeFileSync(path.join(dir, "src", "a.py"), "print(1)\n");
            fs.writeFileSync(path.join(dir, "notes.txt"), "not copied\n");
            const first = contextDigest(dir, ["src"], "FROM x");
            fs.writeFileSync(path.join(dir, "notes.txt"), "still not copied\n");
            assert.equal(contextDigest(dir, ["src"], "FROM x"), first);
            assert.notEqual(contextDigest(dir, ["src"], "FROM y"), first);
            fs.chmodSync(path.join(dir, "src", "a.py"), 0o755);
            const executable = contextDigest(dir, ["src"], "FROM x");
            assert.notEqual(executable, first);
            fs.writeFileSync(path.join(dir, "src", "a.py"), "print(2)\n");
            assert.notEqual(contextDigest(dir, ["src"], "FROM x"), executable);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
