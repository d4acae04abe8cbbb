// Builds the rendered Python Dockerfile with the real dockerd from the local base image (a
// `docker import`ed Debian root file system), runs it, and checks the hardening from outside:
// the uid, no compiler, root-owned read-only files, no setuid bits, a healthy healthcheck. The
// context has the modes of a checkout made under umask 077, so the app's readable files come from
// the Dockerfile, not from the builder's umask.
// The build has no network, and the container runs with none (the healthcheck is local).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TestContext, after, before, describe, it } from "node:test";

import { loadConfig } from "../../infra/config";
import { dockerfileModel, renderDockerfile } from "../../infra/render/dockerfile";
import { lintDockerfile } from "../../policies/lib/dockerfileLint";
import { FIXTURES, buildOverrides } from "../support/image";
import { devConfig } from "../support/program";
import { IN_CI, baseImageId, requireRoot, requireTool, run } from "../support/live";

/** Names of everything this test makes, unique per run so parallel runs never collide. */
const NAME = `hs-img-${randomBytes(4).toString("hex")}`;
const APP_USER = "10001:10001";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs docker; the classic builder, since Debian's docker CLI has no buildx for BuildKit. */
function docker(args: string[]): { status: number; stdout: string; stderr: string } {
    const r = spawnSync("docker", args, {
        encoding: "utf8",
        timeout: 300000,
        env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/**
 * Copies a directory with the modes a checkout made under umask 077 has (0700 directories,
 * 0600 files): the image must not depend on the builder's umask for its user to read the app.
 */
function privateCopy(from: string, to: string): string {
    fs.cpSync(from, to, { recursive: true });
    const walk = (dir: string): void => {
        fs.chmodSync(dir, 0o700);
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else {
                fs.chmodSync(full, 0o600);
            }
        }
    };
    walk(to);
    return to;
}

/** Runs a shell command in a throwaway container of the image, as the given user. */
function inImage(image: string, user: string, script: string) {
    return docker([
        ...["run", "--rm", "--network", "none", "--user", user, "--entrypoint", "/bin/sh"],
        ...["--label", `hardened-stack.test=${NAME}`, image, "-c", script],
    ]);
}

describe("the rendered Python Dockerfile, built and run on dockerd", () => {
    let skipReason: string | undefined = "setup did not finish";
    let work = "";
    /** The Python fixture, copied as a checkout made under umask 077 would have it. */
    let context = "";
    const image = `${NAME}:test`;
    const buildStage = `${NAME}:build-stage`;
    const withGcc = `${NAME}:with-gcc`;
    let baseId = "";
    const container = `${NAME}-app`;

    before(() => {
        // The helpers skip through a test context; a hook has none, so record the reason.
        const hook = { skip: (why: string) => (skipReason = why) } as unknown as TestContext;
        skipReason = undefined;
        if (!requireRoot(hook) || !requireTool(hook, "docker")) {
            return;
        }
        const info = run("docker", ["info", "--format", "{{.ServerVersion}}"]);
        if (info.status !== 0) {
            assert.ok(!IN_CI, `dockerd is not reachable: ${info.stderr}`);
            skipReason = "dockerd is not running (scripts/dockerd.sh start)";
            return;
        }
        baseId = baseImageId();
        work = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-`));
        context = privateCopy(FIXTURES.python, path.join(work, "context"));
    });

    after(() => {
        docker(["rm", "--force", container]);
        const leftovers = docker(["ps", "-aq", "--filter", `label=hardened-stack.test=${NAME}`]);
        for (const id of leftovers.stdout.split("\n").filter(Boolean)) {
            docker(["rm", "--force", id]);
        }
        // Removing the two tags removes their untagged intermediate layers as well.
        docker(["rmi", "--force", image, buildStage, withGcc]);
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("builds offline from the base's image id, with a Dockerfile that passes the lint", (t) => {
        if (skipReason) {
            return t.skip(skipReason);
        }
        const config = loadConfig(
            devConfig(buildOverrides({ baseImage: baseId, writablePaths: ["/var/lib/daur-ai"] })),
        );
        const dockerfile = renderDockerfile(dockerfileModel(config.appBuild!, config.app));
        assert.deepEqual(lintDockerfile(dockerfile), []);
        const file = path.join(work, "Dockerfile");
        fs.writeFileSync(file, dockerfile);

        // The build stage gets its own tag so that cleanup can remove it too.
        const common = ["build", "--network", "none", "--pull=false", "--force-rm", "--file", file];
        const stage = docker([...common, "--target", "build", "--tag", buildStage, context]);
        assert.equal(stage.status, 0, `build stage failed:\n${stage.stdout}\n${stage.stderr}`);
        const built = docker([...common, "--tag", image, context]);
        assert.equal(built.status, 0, `build failed:\n${built.stdout}\n${built.stderr}`);

        const inspect = docker(["image", "inspect", "--format", "{{json .Config}}", image]);
        const imageConfig = JSON.parse(inspect.stdout);
        assert.equal(imageConfig.User, APP_USER);
        assert.deepEqual(imageConfig.Healthcheck.Test.slice(0, 2), [
            "CMD",
            "/opt/app/venv/bin/python",
        ]);
        assert.equal(
            imageConfig.Labels["org.opencontainers.image.revision"],
            config.appBuild!.revision,
        );
    });

    it("has no compiler or build tool in the final image", (t) => {
        if (skipReason) {
            return t.skip(skipReason);
        }
        const r = inImage(
            image,
            APP_USER,
            "for t in gcc cc c++ make; do command -v $t; done; true",
        );
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "", `build tools found: ${r.stdout}`);
        // The build stage is where pip ran; the final image keeps no pip and no pip cache.
        const pip = inImage(image, APP_USER, "ls /opt/app/venv/bin; ls -d /root/.cache 2>&1");
        assert.doesNotMatch(pip.stdout, /^pip/m);
    });

    it("keeps the app root-owned and unwritable for the app user, bar the declared folder", (t) => {
        if (skipReason) {
            return t.skip(skipReason);
        }
        const owners = inImage(
            image,
            "0:0",
            "find /opt/app \\( ! -user 0 -o ! -type l -perm /022 \\) -print",
        );
        assert.equal(owners.status, 0, owners.stderr);
        assert.equal(owners.stdout.trim(), "", `not root's or writable: ${owners.stdout}`);
        // Without --read-only, only file permissions stand between the app user and its code.
        const write = inImage(
            image,
            APP_USER,
            "touch /opt/app/src/app/__main__.py && echo code-writable; " +
                "touch /var/lib/daur-ai/state && echo data-writable",
        );
        assert.equal(write.stdout.trim(), "data-writable");
    });

    it("has no setuid or setgid file", (t) => {
        if (skipReason) {
            return t.skip(skipReason);
        }
        const r = inImage(image, "0:0", "find / -xdev -type f -perm /6000 -print");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), "");
    });

    it("runs as the non-root uid and turns healthy", async (t) => {
        if (skipReason) {
            return t.skip(skipReason);
        }
        const started = docker([
            ...["run", "--detach", "--name", container, "--network", "none", "--read-only"],
            ...["--tmpfs", "/tmp:rw,nosuid,nodev,noexec,size=16m", "--cap-drop", "ALL"],
            ...["--security-opt", "no-new-privileges", "--label", `hardened-stack.test=${NAME}`],
            image,
        ]);
        assert.equal(started.status, 0, started.stderr);
        const status = docker(["exec", container, "cat", "/proc/1/status"]).stdout;
        assert.match(status, /^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
        assert.match(status, /^Gid:\s+10001\s+10001\s+10001\s+10001$/m);

        let health = "";
        for (let i = 0; i < 120 && health !== "healthy" && health !== "unhealthy"; i++) {
            await sleep(500);
            health = docker([
                "inspect",
                "--format",
                "{{.State.Health.Status}}",
                container,
            ]).stdout.trim();
        }
        const logs = docker(["logs", container]);
        assert.equal(health, "healthy", `health ${health}; logs:\n${logs.stdout}${logs.stderr}`);
    });

    it("refuses to build on a runtime base that has a compiler", (t) => {
        if (skipReason) {
            return t.skip(skipReason);
        }
        // The local base with a stand-in gcc: the final stage's first step must stop the build.
        const stubContext = fs.mkdtempSync(path.join(work, "gcc-"));
        fs.writeFileSync(
            path.join(stubContext, "Dockerfile"),
            `FROM ${baseId}\nRUN printf '#!/bin/sh\\n' >/usr/local/bin/gcc && chmod 0755 /usr/local/bin/gcc\n`,
        );
        const stub = docker([
            "build",
            "--network",
            "none",
            "--force-rm",
            "--tag",
            withGcc,
            stubContext,
        ]);
        assert.equal(stub.status, 0, stub.stderr);
        const runtimeImage = docker([
            "image",
            "inspect",
            "--format",
            "{{.Id}}",
            withGcc,
        ]).stdout.trim();

        const config = loadConfig(devConfig(buildOverrides({ baseImage: baseId, runtimeImage })));
        const file = path.join(work, "Dockerfile.gcc");
        fs.writeFileSync(file, renderDockerfile(dockerfileModel(config.appBuild!, config.app)));
        const built = docker([
            ...["build", "--network", "none", "--pull=false", "--force-rm", "--file", file],
            context,
        ]);
        assert.notEqual(built.status, 0, "a runtime base with gcc was accepted");
        assert.match(built.stderr + built.stdout, /the runtime base has gcc/);
    });
});
