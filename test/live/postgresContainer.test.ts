import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import * as docker from "@pulumi/docker";

import { containerInputs, fileSeedInputs } from "../../infra/components/hardenedContainer";
import { postgresContainerArgs } from "../../infra/components/postgres";
import { loadConfig } from "../../infra/config";
import { stableScramVerifier } from "../../infra/render/passwords";
import {
    POSTGRES_CONTAINER_PATHS,
    POSTGRES_VOLUME_PATH,
    postgresModel,
    renderPgHba,
    renderPostgresqlConf,
} from "../../infra/render/postgres";
import { devConfig } from "../support/program";
import {
    BASE_IMAGE,
    IN_CI,
    baseImageId,
    requireTool,
    run,
    skip,
    tempDir,
    testCertificate,
} from "../support/live";

// The PostgreSQL container exactly as the stack declares it (user, read-only root, no
// capabilities, tmpfs, ulimits, start script, uploads with their owners and modes), run from
// the project's base image with no network: proves the image's postgres uid accepts the key
// (FC-14), the server starts with TLS on the shipped files, and the data stays in the stack's
// volume although the image declares VOLUMEs as the official postgres images do.
const config = loadConfig(devConfig()).data.postgres;
const ADMIN_PASSWORD = "Container-test-Adm1n-password-xyz";
const prefix = `hs-data-pgc-${process.pid}`;
const names = {
    image: `${prefix}-volumes:test`,
    container: prefix,
    seed: `${prefix}-files`,
    data: `${prefix}-data`,
    config: `${prefix}-config`,
};

let dockerBin = "";
let work: { dir: string; remove: () => void } | undefined;
let skipped = false;

/** Runs docker and returns its output; throws with stderr when it fails. */
function dockerRun(args: string[], input?: string): string {
    const r = run(dockerBin, args, input);
    if (r.status !== 0) {
        throw new Error(`docker ${args[0]} failed: ${r.stderr.trim()}`);
    }
    return r.stdout.trim();
}

/** The `docker create` flags for the recorded container inputs (no network: `none`). */
function createFlags(inputs: docker.ContainerArgs): string[] {
    const flags = ["--name", names.container, "--network", "none"];
    flags.push("--user", String(inputs.user));
    if (inputs.readOnly) flags.push("--read-only");
    if (inputs.init) flags.push("--init");
    const caps = inputs.capabilities as { drops: string[]; adds: string[] };
    caps.drops.forEach((c) => flags.push("--cap-drop", c));
    caps.adds.forEach((c) => flags.push("--cap-add", c));
    (inputs.securityOpts as string[]).forEach((o) => flags.push("--security-opt", o));
    for (const [p, opts] of Object.entries(inputs.tmpfs as Record<string, string>)) {
        flags.push("--tmpfs", `${p}:${opts}`);
    }
    for (const m of inputs.mounts as { source: string; target: string; readOnly?: boolean }[]) {
        const ro = m.readOnly ? ",readonly" : "";
        flags.push("--mount", `type=volume,source=${m.source},target=${m.target}${ro}`);
    }
    for (const u of inputs.ulimits as { name: string; soft: number; hard: number }[]) {
        flags.push("--ulimit", `${u.name}=${u.soft}:${u.hard}`);
    }
    flags.push("--memory", `${inputs.memory}m`, "--memory-swap", `${inputs.memorySwap}m`);
    const hc = inputs.healthcheck as { tests: string[]; interval: string; retries: number };
    flags.push("--health-cmd", hc.tests.slice(1).join(" "), "--health-interval", "2s");
    flags.push("--health-retries", String(hc.retries));
    const entrypoint = inputs.entrypoints as string[];
    flags.push("--entrypoint", entrypoint[0], names.image, ...entrypoint.slice(1));
    return flags.concat(inputs.command as string[]);
}

async function waitHealthy(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let status = "";
    while (Date.now() < deadline) {
        status = dockerRun(["inspect", "-f", "{{.State.Health.Status}}", names.container]);
        if (status === "healthy" || status === "unhealthy") {
            return status;
        }
        await new Promise((r) => setTimeout(r, 1000));
    }
    return status;
}

function cleanup(): void {
    if (!dockerBin) {
        return;
    }
    run(dockerBin, ["rm", "-f", "-v", names.container, names.seed]);
    run(dockerBin, ["volume", "rm", "-f", names.data, names.config]);
    run(dockerBin, ["rmi", "-f", names.image]);
}

/**
 * The base image with the VOLUMEs the official postgres images declare: /var/lib/postgresql/data
 * up to version 17, /var/lib/postgresql from 18. Docker mounts an anonymous volume at each one
 * that no mount of the container covers exactly.
 */
function buildImageWithVolumes(dir: string, baseId: string): void {
    const context = path.join(dir, "volumes-image");
    fs.mkdirSync(context);
    fs.writeFileSync(
        path.join(context, "Dockerfile"),
        "ARG BASE\nFROM ${BASE}\nVOLUME /var/lib/postgresql /var/lib/postgresql/data\n",
    );
    const built = run(
        dockerBin,
        [
            ...["build", "-q", "--network", "none", "--pull=false", "--build-arg"],
            ...[`BASE=${baseId}`, "-t", names.image, context],
        ],
        undefined,
        { env: { ...process.env, DOCKER_BUILDKIT: "0" } },
    );
    assert.equal(built.status, 0, `image with VOLUMEs: ${built.stderr}`);
}

describe("the PostgreSQL container as declared (live, Docker)", () => {
    let inputs: docker.ContainerArgs;

    before(async (t) => {
        const ctx = t as unknown as import("node:test").TestContext;
        dockerBin = requireTool(ctx, "docker") ?? "";
        if (!dockerBin) {
            skipped = true;
            return;
        }
        const info = run(dockerBin, ["info", "--format", "{{.ServerVersion}}"]);
        if (info.status !== 0) {
            assert.ok(!IN_CI, `dockerd is not reachable: ${info.stderr}`);
            skipped = true;
            skip(ctx, "dockerd is not running (scripts/dockerd.sh start)");
            return;
        }
        const baseId = baseImageId();
        work = tempDir("hs-data-pgc");
        cleanup();
        buildImageWithVolumes(work.dir, baseId);
        const cert = testCertificate(work.dir, ["127.0.0.1", "localhost"]);
        // Clients connect from inside the container, over loopback.
        const model = postgresModel(config, "127.0.0.1/32");
        const verifier = stableScramVerifier(ADMIN_PASSWORD, config.roles.admin) + "\n";
        const args = postgresContainerArgs({
            config,
            image: names.image,
            network: "none",
            dataVolume: names.data,
            postgresqlConf: renderPostgresqlConf(model),
            pgHbaConf: renderPgHba(model),
            certificatePem: fs.readFileSync(cert.cert, "utf8"),
            privateKeyPem: fs.readFileSync(cert.key, "utf8"),
            adminVerifier: verifier,
        });
        // Secret contents arrive wrapped as outputs; write the plain text we passed in.
        const contents: Record<string, string> = Object.fromEntries(
            (args.files ?? []).map((f) => [f.path, typeof f.content === "string" ? f.content : ""]),
        );
        contents["/etc/postgresql/hardened/tls/server.key"] = fs.readFileSync(cert.key, "utf8");
        contents["/etc/postgresql/hardened/admin.scram"] = verifier;
        inputs = containerInputs(names.container, args, names.config);
        const seed = fileSeedInputs(names.container, args, names.config);

        // Stage the uploads with the owners and modes the component declares, and copy them as
        // an archive that keeps them into the file seed's root, as the provider's uploads do:
        // the seed's volume mount catches them, and the service mounts that volume read-only.
        const stage = path.join(work.dir, "stage");
        for (const u of seed.uploads as {
            file: string;
            permissions: string;
            owner: string;
            group: string;
        }[]) {
            const target = path.join(stage, u.file);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, contents[u.file]);
            fs.chownSync(target, Number(u.owner), Number(u.group));
            fs.chmodSync(target, parseInt(u.permissions, 8));
        }
        const tar = execFileSync("tar", ["-C", stage, "--numeric-owner", "-cf", "-", "."]);
        dockerRun(["volume", "create", names.data]);
        dockerRun(["volume", "create", names.config]);
        const seedMount = (seed.mounts as { source: string; target: string }[])[0];
        dockerRun([
            "create",
            "--name",
            names.seed,
            "--network",
            "none",
            "--cap-drop",
            "ALL",
            "--mount",
            `type=volume,source=${seedMount.source},target=${seedMount.target}`,
            BASE_IMAGE,
        ]);
        // run() takes text on stdin; the archive is binary.
        execFileSync(dockerBin, ["cp", "-", `${names.seed}:/`], { input: tar });
        dockerRun(["create", ...createFlags(inputs)]);
        dockerRun(["start", names.container]);
        const status = await waitHealthy(120000);
        if (status !== "healthy") {
            throw new Error(
                `container is ${status}:\n${run(dockerBin, ["logs", names.container]).stderr}`,
            );
        }
    });

    after(() => {
        cleanup();
        work?.remove();
    });

    it("runs as the image's postgres uid on a read-only root", (t) => {
        if (skipped) return t.skip("setup skipped");
        assert.equal(dockerRun(["exec", names.container, "id", "-u"]), "999");
        const touch = run(dockerBin, ["exec", names.container, "touch", "/probe"]);
        assert.notEqual(touch.status, 0);
        assert.match(touch.stderr, /Read-only file system/);
    });

    it("owns the TLS key as the constant says, and PostgreSQL accepts it (FC-14)", (t) => {
        if (skipped) return t.skip("setup skipped");
        const stat = dockerRun([
            "exec",
            names.container,
            "stat",
            "-c",
            "%u:%g %a",
            "/etc/postgresql/hardened/tls/server.key",
        ]);
        assert.equal(stat, `${config.user} 600`);
        const out = dockerRun(
            [
                "exec",
                "-i",
                "-e",
                `PGPASSWORD=${ADMIN_PASSWORD}`,
                names.container,
                "psql",
                "host=127.0.0.1 dbname=postgres user=hs_admin sslmode=verify-full " +
                    "sslrootcert=/etc/postgresql/hardened/tls/server.crt",
                "-X",
                "-tA",
                "-f",
                "-",
            ],
            "SHOW ssl;\nSELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\nSHOW hba_file;\n",
        );
        assert.deepEqual(out.split("\n"), ["on", "t", "/etc/postgresql/hardened/pg_hba.conf"]);
    });

    it("keeps the data in the stack's volume whatever VOLUMEs the image declares", (t) => {
        if (skipped) return t.skip("setup skipped");
        const mounts = JSON.parse(
            dockerRun(["inspect", "--format", "{{json .Mounts}}", names.container]),
        ) as { Name: string; Destination: string }[];
        const at = (dir: string) => mounts.find((m) => m.Destination === dir)?.Name;
        // The image's VOLUME took effect (an anonymous volume), and the data is not in it.
        const anonymous = at("/var/lib/postgresql/data");
        assert.ok(anonymous && anonymous !== names.data, JSON.stringify(mounts));
        assert.equal(at(POSTGRES_VOLUME_PATH), names.data);
        const dataDir = POSTGRES_CONTAINER_PATHS.dataDir.slice(POSTGRES_VOLUME_PATH.length);
        const look = run(dockerBin, [
            ...["run", "--rm", "--network", "none", "--mount"],
            `type=volume,source=${names.data},target=/volume,readonly`,
            ...[BASE_IMAGE, "test", "-s", `/volume${dataDir}/PG_VERSION`],
        ]);
        assert.equal(look.status, 0, `no cluster in the stack's volume: ${look.stderr}`);
    });
});
