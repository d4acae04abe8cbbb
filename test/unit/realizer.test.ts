import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { ProgramRun } from "../../scripts/lib/mockRuntime";
import {
    TarEntry,
    buildTar,
    containerCreateBody,
    durationNs,
    moveAddressesInText,
    roleOf,
    uploadArchives,
} from "../support/realizer";
import { plainInputs, runStack } from "../support/program";

/** Reads the entries back from a ustar archive: name, mode, owner, type and content. */
function readTar(tar: Buffer): (TarEntry & { type: string })[] {
    const entries: (TarEntry & { type: string })[] = [];
    for (let at = 0; at + 512 <= tar.length;) {
        const header = tar.subarray(at, at + 512);
        if (header.every((b) => b === 0)) {
            break;
        }
        const field = (start: number, length: number) =>
            header
                .subarray(start, start + length)
                .toString("utf8")
                .replace(/\0.*$/s, "");
        const stored = parseInt(field(148, 8), 8);
        const blank = Buffer.from(header);
        blank.write("        ", 148);
        assert.equal(
            blank.reduce((a, b) => a + b, 0),
            stored,
            "header checksum",
        );
        const size = parseInt(field(124, 12), 8);
        entries.push({
            name: field(0, 100),
            mode: parseInt(field(100, 8), 8),
            uid: parseInt(field(108, 8), 8),
            gid: parseInt(field(116, 8), 8),
            type: field(156, 1),
            content: tar.subarray(at + 512, at + 512 + size),
        });
        at += 512 + Math.ceil(size / 512) * 512;
    }
    return entries;
}

describe("test realizer translation", () => {
    let run: ProgramRun;
    let edge: Record<string, any>;
    let edgeFiles: Record<string, any>;

    before(async () => {
        run = await runStack("dev");
        const container = (name: string) =>
            plainInputs(
                run.resources.find(
                    (r) => r.type.endsWith("container:Container") && r.name === name,
                )!,
            );
        edge = container("edge");
        edgeFiles = container("edge-files");
    });

    it("reads Go durations in nanoseconds and refuses anything else", () => {
        assert.equal(durationNs("10s"), 10e9);
        assert.equal(durationNs("1m30s"), 90e9);
        assert.equal(durationNs("250ms"), 250e6);
        assert.equal(durationNs(undefined), undefined);
        assert.throws(() => durationNs("ten seconds"), /cannot read the duration/);
    });

    it("translates every recorded input of the edge into the create body", () => {
        const body: any = containerCreateBody(edge, {
            image: "local/nginx",
            volumes: new Map([["edge-config", "hs-x-edge-config"]]),
            hostPorts: new Map([
                [8443, 40001],
                [8080, 40002],
            ]),
            realText: (text) => text,
        });
        assert.equal(roleOf(edge), "edge");
        assert.equal(body.User, "101:101");
        assert.deepEqual(body.Cmd, edge.command);
        assert.deepEqual(body.Healthcheck.Test, edge.healthcheck.tests);
        assert.equal(body.Healthcheck.Interval, 10e9);
        assert.equal(body.Labels["hardened-stack.role"], "edge");
        const host = body.HostConfig;
        assert.equal(host.ReadonlyRootfs, true);
        assert.deepEqual(host.CapDrop, ["ALL"]);
        assert.deepEqual(host.CapAdd, []);
        assert.deepEqual(host.SecurityOpt, ["no-new-privileges:true"]);
        assert.equal(host.Memory, 256 * 1024 * 1024);
        assert.equal(host.MemorySwap, host.Memory);
        assert.equal(host.NanoCpus, 1e9);
        assert.equal(host.Init, true);
        assert.deepEqual(host.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 5 });
        assert.deepEqual(host.Tmpfs, edge.tmpfs);
        assert.deepEqual(host.Mounts, [
            {
                Type: "volume",
                Source: "hs-x-edge-config",
                Target: "/etc/nginx/hardened",
                ReadOnly: true,
            },
        ]);
        assert.deepEqual(host.PortBindings["8443/tcp"], [
            { HostIp: "127.0.0.1", HostPort: "40001" },
        ]);
        assert.deepEqual(host.Ulimits[0], { Name: "nproc", Soft: 64, Hard: 64 });
    });

    it("copies a file seed's uploads into the volume that holds them, keeping owner and mode", () => {
        const archives = uploadArchives(edgeFiles, (text) => text);
        assert.deepEqual(
            archives.map((a) => a.dir),
            ["/etc/nginx/hardened"],
        );
        const entries = readTar(buildTar(archives[0].entries));
        assert.deepEqual(
            entries.map((e) => [e.name, e.type, e.mode.toString(8), e.uid, e.gid]),
            [
                ["nginx.conf", "0", "444", 0, 0],
                ["tls/", "5", "755", 0, 0],
                ["tls/fullchain.pem", "0", "444", 0, 0],
                ["tls/privkey.pem", "0", "400", 101, 101],
            ],
        );
        assert.match(entries[0].content!.toString(), /pid \/tmp\/nginx\/nginx\.pid;/);
    });

    it("falls back to the provider's root destination for a file outside every mount", () => {
        const archives = uploadArchives(
            { mounts: [], uploads: [{ file: "/etc/app.conf", content: "x", permissions: "0400" }] },
            (text) => text,
        );
        assert.deepEqual(archives[0].dir, "/");
        assert.equal(archives[0].entries[1].name, "etc/app.conf");
    });

    it("moves addresses and CIDRs of a moved subnet in rendered text, and nothing else", () => {
        const subnets = new Map([
            ["172.30.1.0/24", "10.234.3.0/24"],
            ["172.30.0.0/24", "172.30.0.0/24"],
        ]);
        const hba = "hostssl all app 172.30.1.0/24 scram-sha-256\nhost 172.30.0.10 10.0.0.1";
        assert.equal(
            moveAddressesInText(hba, subnets),
            "hostssl all app 10.234.3.0/24 scram-sha-256\nhost 172.30.0.10 10.0.0.1",
        );
        assert.equal(moveAddressesInText("172.30.1.10", subnets), "10.234.3.10");
    });
});
