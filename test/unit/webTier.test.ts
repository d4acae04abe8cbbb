import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { loadConfig } from "../../infra/config";
import { nginxModel, renderNginxConfig } from "../../infra/render/nginx";
import { ProgramRun, RecordedResource } from "../../scripts/lib/mockRuntime";
import { devConfig, findResource, plainInputs, runStack } from "../support/program";
import { matchSnapshot } from "../support/snapshot";

const CONTAINER = "docker:index/container:Container";

describe("the dev stack's web tier under mocks", () => {
    let run: ProgramRun;
    const all = () => run.resources.filter((r) => r.type === CONTAINER);
    const isSeed = (r: RecordedResource) =>
        (plainInputs(r).labels as { label: string }[]).some(
            (l) => l.label === "hardened-stack.file-seed",
        );
    /** The containers that run; file seeds are created but never started. */
    const containers = () => all().filter((r) => !isSeed(r));
    const role = (r: RecordedResource) =>
        (plainInputs(r).labels as { label: string; value: string }[]).find(
            (l) => l.label === "hardened-stack.role",
        )?.value;

    before(async () => {
        run = await runStack("dev");
    });

    it("puts the backend on an internal network and the frontend on a bridge", () => {
        const backend = plainInputs(
            findResource(run, "docker:index/network:Network", "net-backend"),
        );
        const frontend = plainInputs(
            findResource(run, "docker:index/network:Network", "net-frontend"),
        );
        assert.equal(backend.internal, true);
        assert.deepEqual(backend.ipamConfigs, [{ subnet: "172.30.1.0/24" }]);
        assert.equal(frontend.internal, false);
        assert.deepEqual(frontend.ipamConfigs, [{ subnet: "172.30.0.0/24" }]);
    });

    it("publishes ports on the edge only, each on an explicit address", () => {
        for (const container of containers()) {
            const inputs = plainInputs(container);
            if (role(container) === "edge") {
                assert.deepEqual(
                    inputs.ports.map((p: { ip: string; internal: number }) => [p.ip, p.internal]),
                    [
                        ["127.0.0.1", 8443],
                        ["127.0.0.1", 8080],
                    ],
                );
            } else {
                assert.deepEqual(inputs.ports ?? [], [], `${container.name} publishes nothing`);
            }
        }
    });

    it("runs every container hardened, through HardenedContainer", () => {
        assert.ok(containers().length >= 2);
        for (const container of containers()) {
            const inputs = plainInputs(container);
            assert.match(container.parent ?? "", /HardenedContainer::/, `${container.name} parent`);
            assert.match(inputs.user, /^[1-9]\d*:[1-9]\d*$/, `${container.name} user`);
            assert.equal(inputs.readOnly, true, `${container.name} read-only root`);
            assert.deepEqual(inputs.capabilities.drops, ["ALL"], `${container.name} drops ALL`);
            assert.ok(role(container), `${container.name} has a role label`);
        }
    });

    it("keeps the app off the public address and reachable by its name", () => {
        const app = plainInputs(findResource(run, CONTAINER, "daur-ai"));
        assert.deepEqual(app.networksAdvanced, [
            { name: "net-frontend", aliases: ["daur-ai"], ipv4Address: "172.30.0.20" },
            // The data tier joins it to the internal backend network (infra/stack.ts).
            { name: "net-backend", aliases: ["daur-ai"] },
        ]);
        assert.ok(app.envs.includes("PORT=8000"));
    });

    it("seeds every service's files from a container that never starts (read-only roots)", () => {
        const seeds = all().filter(isSeed);
        assert.deepEqual(seeds.map((s) => s.name).sort(), [
            "data-postgres-files",
            "data-vault-files",
            "daur-ai-files",
            "edge-files",
        ]);
        for (const seed of seeds) {
            const inputs = plainInputs(seed);
            assert.equal(inputs.start, false, `${seed.name} is never started`);
            assert.equal(inputs.mustRun, false);
            assert.equal(inputs.networkMode, "none");
            assert.deepEqual(inputs.capabilities, { drops: ["ALL"], adds: [] });
            assert.ok(inputs.uploads.length > 0);
            const service = findResource(run, CONTAINER, seed.name.replace(/-files$/, ""));
            const volume = inputs.mounts[0];
            assert.ok(
                plainInputs(service).mounts.some(
                    (m: any) =>
                        m.source === volume.source && m.target === volume.target && m.readOnly,
                ),
                `${service.name} mounts its files read-only`,
            );
            assert.equal(plainInputs(service).uploads, undefined, "the service uploads nothing");
            assert.ok(service.options.dependsOn.includes(seed.urn), "seeded before it starts");
        }
    });

    it("gives nginx its config, certificate and key, the key as a secret owned by nginx", () => {
        const edge = findResource(run, CONTAINER, "edge");
        const uploads = findResource(run, CONTAINER, "edge-files").inputs.uploads as Record<
            string,
            unknown
        >[];
        const key = uploads.find((u) => u.file === "/etc/nginx/hardened/tls/privkey.pem")!;
        assert.equal(typeof key.content, "object", "the private key travels as a secret");
        assert.deepEqual([key.permissions, key.owner, key.group], ["0400", "101", "101"]);
        const conf = uploads.find((u) => u.file === "/etc/nginx/hardened/nginx.conf")!;
        assert.equal(conf.content, renderNginxConfig(nginxModel(loadConfig(devConfig()))));
        assert.deepEqual(plainInputs(edge).command, [
            "nginx",
            "-c",
            "/etc/nginx/hardened/nginx.conf",
            "-g",
            "daemon off;",
        ]);
    });

    it("runs containers from pulled, pinned images (FC-04)", () => {
        for (const [imageName, containerName, ref] of [
            ["app-image", "daur-ai", "ghcr.io/daur-ai/daur-ai:1.0.0"],
            ["edge-image", "edge", "nginx:1.27-bookworm"],
        ]) {
            const image = findResource(run, "docker:index/remoteImage:RemoteImage", imageName);
            assert.deepEqual(plainInputs(image), { name: ref, keepLocally: true });
            const container = findResource(run, CONTAINER, containerName);
            assert.ok(
                container.options.dependsOn.includes(image.urn),
                `${containerName} runs the image ${imageName} pulled`,
            );
        }
    });

    it("names an explicit provider on every provider resource", () => {
        for (const r of run.resources.filter(
            (x) => x.custom && !x.type.startsWith("pulumi:providers:"),
        )) {
            assert.match(
                r.provider ?? "",
                // Tier providers are children of their component (`...$pulumi:providers:`).
                /(::|\$)pulumi:providers:/,
                `${r.type} ${r.name} has a provider`,
            );
        }
    });

    it("exports the URL and the certificate, never the private key", () => {
        assert.equal(run.outputs.url, "https://daur.dev.example.com:8443/");
        assert.doesNotMatch(JSON.stringify(run.outputs), /PRIVATE KEY/);
    });
});

describe("the rendered nginx.conf", () => {
    const config = loadConfig(devConfig());
    const text = renderNginxConfig(nginxModel(config));

    it("matches its snapshot for the dev stack", () => {
        matchSnapshot("nginx.dev.conf", text);
    });

    it("declares the rate-limit zones in the http context only", () => {
        const beforeServers = text.slice(0, text.indexOf("    server {"));
        assert.match(
            beforeServers,
            /^ {4}limit_req_zone \$binary_remote_addr zone=per_client:10m rate=10r\/s;$/m,
        );
        assert.equal(text.match(/limit_req_zone/g)?.length, 1);
        assert.match(text, /limit_req zone=per_client burst=20 nodelay;/);
        assert.match(text, /limit_req_status 429;/);
    });

    it("never sends the deprecated X-XSS-Protection header", () => {
        assert.doesNotMatch(text, /add_header X-XSS-Protection/);
        assert.match(text, /proxy_hide_header X-XSS-Protection;/);
    });

    it("repeats the full header set, with always, wherever headers are added", () => {
        const blocks = text.split(/\n\s*(?:server|location [^{]*) \{/).slice(1);
        for (const block of blocks.filter((b) => b.includes("add_header"))) {
            for (const name of [
                "X-Frame-Options",
                "X-Content-Type-Options",
                "Referrer-Policy",
                "Content-Security-Policy",
                "Permissions-Policy",
            ]) {
                assert.match(block, new RegExp(`add_header ${name} "[^"]+" always;`));
            }
        }
    });

    it("has no user directive and keeps every writable path under the tmpfs", () => {
        assert.doesNotMatch(text, /^\s*user\s/m);
        assert.match(text, /^pid \/tmp\/nginx\/nginx\.pid;$/m);
        for (const kind of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
            assert.match(text, new RegExp(`${kind}_temp_path /tmp/nginx/${kind};`));
        }
        assert.match(text, /listen 8443 ssl;/);
    });

    it("renders preload only when asked", () => {
        assert.doesNotMatch(text, /preload/);
        const preload = loadConfig(devConfig({ proxy: { hsts: { preload: true } } }));
        assert.match(renderNginxConfig(nginxModel(preload)), /includeSubDomains; preload/);
    });
});
