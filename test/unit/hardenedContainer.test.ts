import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import {
    CREATE_ONLY_INPUTS,
    HardenedContainer,
    HardenedContainerArgs,
    validateContainerArgs,
} from "../../infra/components/hardenedContainer";
import { ProgramRun } from "../../scripts/lib/mockRuntime";
import { findResource, plainInputs, runUnderMocks } from "../support/program";

/** A compliant baseline; each failing case below changes one property of it. */
const baseline = (): HardenedContainerArgs => ({
    image: "registry.example.com/svc:1.0@sha256:" + "b".repeat(64),
    user: "10001:10001",
    networks: [{ name: "net-backend", aliases: ["svc"] }],
    limits: { memoryMb: 128, cpus: 0.5, maxProcesses: 32 },
    healthcheck: { test: ["CMD", "/bin/true"] },
});

describe("HardenedContainer arguments", () => {
    it("accepts the baseline", () => {
        assert.doesNotThrow(() => validateContainerArgs("svc", baseline()));
    });

    const refused: [string, Partial<HardenedContainerArgs>, RegExp][] = [
        ["root", { user: "0:0" }, /non-root/],
        ["a user name", { user: "app" }, /numeric/],
        ["a uid without gid", { user: "10001" }, /uid:gid/],
        ["no network", { networks: [] }, /at least one network/],
        [
            "SYS_ADMIN",
            { capabilities: [{ name: "SYS_ADMIN", reason: "mount file systems" }] },
            /never granted/,
        ],
        [
            "ALL capabilities",
            { capabilities: [{ name: "ALL", reason: "because it is easier" }] },
            /never granted/,
        ],
        [
            "a capability without a reason",
            { capabilities: [{ name: "IPC_LOCK", reason: "" }] },
            /reason/,
        ],
        [
            "a port without an address",
            { ports: [{ internal: 8080, external: 8080, bindAddress: "", purpose: "x" }] },
            /explicit IPv4 bind address/,
        ],
        [
            "a privileged container port",
            { ports: [{ internal: 443, external: 443, bindAddress: "0.0.0.0", purpose: "x" }] },
            />= 1024/,
        ],
        ["a relative tmpfs", { tmpfs: [{ path: "tmp", size: "1m" }] }, /absolute/],
        [
            "a volume over /etc",
            { volumes: [{ volumeName: "v", containerPath: "/etc", readOnly: false }] },
            /system path/,
        ],
        [
            "a volume over the Docker socket",
            {
                volumes: [
                    { volumeName: "v", containerPath: "/var/run/docker.sock", readOnly: true },
                ],
            },
            /system path/,
        ],
        [
            "files without a config dir",
            { files: [{ path: "/etc/x.conf", content: "x" }] },
            /configDir/,
        ],
        [
            "a file outside the config dir",
            { configDir: "/etc/svc", files: [{ path: "/etc/passwd", content: "x" }] },
            /must lie under/,
        ],
        ["unbounded restarts", { maxRestarts: 10 }, /maxRestarts/],
        ["a disabled healthcheck", { healthcheck: { test: ["NONE"] } }, /healthcheck/],
        ["a writable root without a reason", { writableRootReason: "no" }, /reason/],
    ];
    for (const [what, change, message] of refused) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => validateContainerArgs("svc", { ...baseline(), ...change }),
                message,
            );
        });
    }
});

describe("HardenedContainer under mocks", () => {
    let run: ProgramRun;

    before(async () => {
        run = await runUnderMocks(() => {
            new HardenedContainer("svc", {
                ...baseline(),
                ports: [
                    { internal: 8443, external: 443, bindAddress: "127.0.0.1", purpose: "test" },
                ],
                tmpfs: [{ path: "/tmp", size: "16m" }],
                configDir: "/etc/svc",
                files: [{ path: "/etc/svc/app.conf", content: "x = 1\n" }],
                secretEnv: { API_TOKEN: "t0ps3cret" },
                env: { MODE: "test" },
                capabilities: [{ name: "IPC_LOCK", reason: "lock memory so secrets never swap" }],
            });
            return {};
        });
    });

    it("registers a container with the hardened settings", () => {
        const inputs = plainInputs(findResource(run, "docker:index/container:Container", "svc"));
        assert.equal(inputs.user, "10001:10001");
        assert.equal(inputs.readOnly, true);
        assert.equal(inputs.privileged, false);
        assert.equal(inputs.publishAllPorts, false);
        assert.deepEqual(inputs.capabilities, { drops: ["ALL"], adds: ["IPC_LOCK"] });
        assert.deepEqual(inputs.securityOpts, ["no-new-privileges:true"]);
        assert.equal(inputs.memory, 128);
        assert.equal(inputs.memorySwap, 128, "no swap beyond the memory limit");
        assert.equal(inputs.cpus, "0.5");
        assert.deepEqual(
            inputs.ulimits.find((u: { name: string }) => u.name === "nproc"),
            { name: "nproc", soft: 32, hard: 32 },
        );
        assert.deepEqual(
            inputs.ulimits.find((u: { name: string }) => u.name === "core"),
            { name: "core", soft: 0, hard: 0 },
        );
        assert.equal(inputs.restart, "on-failure");
        assert.equal(inputs.maxRetryCount, 5);
        assert.deepEqual(inputs.logOpts, { "max-size": "10m", "max-file": "5" });
        assert.deepEqual(inputs.healthcheck.tests, ["CMD", "/bin/true"]);
        assert.equal(inputs.wait, true);
        assert.ok(inputs.waitTimeout > 0);
        assert.equal(inputs.tmpfs["/tmp"], "rw,nosuid,nodev,noexec,size=16m");
        assert.equal(inputs.networkMode, "bridge");
        assert.deepEqual(inputs.ports, [
            { internal: 8443, external: 443, ip: "127.0.0.1", protocol: "tcp" },
        ]);
        assert.ok(
            inputs.labels.some(
                (l: { label: string; value: string }) =>
                    l.label === "hardened-stack.cap.IPC_LOCK" && /swap/.test(l.value),
            ),
            "the reason for an added capability travels with the container",
        );
    });

    it("passes secret environment values only as secrets", () => {
        const raw = findResource(run, "docker:index/container:Container", "svc").inputs;
        const envs = raw.envs as unknown[];
        assert.ok(envs.includes("MODE=test"));
        assert.doesNotMatch(JSON.stringify(envs.filter((e) => typeof e === "string")), /t0ps3cret/);
        assert.equal(
            envs.filter((e) => typeof e === "object").length,
            1,
            "one secret-wrapped entry",
        );
    });

    it("writes files root-owned and read-only into a config volume, through a file seed", () => {
        const inputs = plainInputs(findResource(run, "docker:index/container:Container", "svc"));
        const seed = findResource(run, "docker:index/container:Container", "svc-files");
        // Docker's copy goes to the container's root, which a read-only root refuses: the
        // seed is created with a writable root and never started.
        assert.equal(inputs.uploads, undefined);
        assert.deepEqual(plainInputs(seed).uploads, [
            {
                file: "/etc/svc/app.conf",
                content: "x = 1\n",
                permissions: "0444",
                owner: "0",
                group: "0",
            },
        ]);
        const volume = findResource(run, "docker:index/volume:Volume", "svc-config");
        assert.equal(volume.parent?.endsWith("HardenedContainer::svc"), true);
        assert.ok(
            inputs.mounts.some(
                (m: { target: string; readOnly?: boolean }) =>
                    m.target === "/etc/svc" && m.readOnly === true,
            ),
            "the config volume is mounted read-only at configDir",
        );
        const seedInputs = plainInputs(seed);
        assert.deepEqual(
            [seedInputs.start, seedInputs.mustRun, seedInputs.networkMode, seedInputs.readOnly],
            [false, false, "none", false],
        );
        assert.deepEqual(seedInputs.mounts, [
            { type: "volume", source: "svc-config", target: "/etc/svc" },
        ]);
        const service = findResource(run, "docker:index/container:Container", "svc");
        assert.ok(service.options.dependsOn.includes(seed.urn));
    });

    it("replaces the container when a create-only setting changes (FC-05)", () => {
        const container = findResource(run, "docker:index/container:Container", "svc");
        for (const input of [
            "capabilities",
            "healthcheck",
            "readOnly",
            "user",
            "securityOpts",
            "tmpfs",
        ]) {
            assert.ok(
                container.options.replaceOnChanges.includes(input),
                `${input} forces replacement`,
            );
        }
        assert.deepEqual(container.options.replaceOnChanges, CREATE_ONLY_INPUTS);
        assert.equal(
            container.options.deleteBeforeReplace,
            true,
            "a fixed name cannot exist twice",
        );
    });
});
