import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";

import { ROOT } from "../support/program";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

/** Runs `npm run preview` the way a user does, in a project directory. */
function preview(args: string[], cwd = ROOT) {
    const r = spawnSync(TSX, [path.join(ROOT, "scripts", "preview.ts"), ...args], {
        cwd,
        encoding: "utf8",
        timeout: 60000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A project directory with its own stack file, running this repository's program. */
function projectWith(stack: string, stackYaml: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hardened-stack-preview-"));
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        project.replace(/^main: .*$/m, `main: ${path.join(ROOT, "infra", "index.ts")}`),
    );
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stackYaml);
    return dir;
}

describe("npm run preview", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("prints the dev stack's resource tree, outputs and count", () => {
        const r = preview([]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^Previewing stack dev of hardened-stack/);
        assert.match(r.stdout, /\n\+ hardened-stack:network:SegmentedNetworks {2}net\n/);
        assert.match(
            r.stdout,
            /\n {4}\+ docker:index\/network:Network {2}net-backend\n {10}name: net-backend\n {10}internal: true/,
        );
        assert.match(r.stdout, /readOnly: true/);
        assert.match(r.stdout, /privkey\.pem \(0400 101:101, \[secret\]\)/);
        // A file whose content is known only at deploy time says so, not "1 lines".
        assert.match(r.stdout, /database-password \(0400 10001:10001, \[unknown\]\)/);
        assert.match(r.stdout, /nginx\.conf \(0444 0:0, \d+ lines\)/);
        assert.doesNotMatch(r.stdout, / 1 lines/);
        assert.match(r.stdout, /\nResources: \d+ to create\n/);
        assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
    });

    it("prints JSON with resources, parents, inputs and outputs", () => {
        const r = preview(["--stack", "dev", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        const edge = doc.resources.find(
            (x: { type: string; name: string }) =>
                x.type === "docker:index/container:Container" && x.name === "edge",
        );
        assert.equal(edge.parent, "edge");
        assert.equal(edge.inputs.user, "101:101");
        const seed = doc.resources.find((x: { name: string }) => x.name === "edge-files");
        const key = seed.inputs.uploads.find((u: { file: string }) =>
            u.file.endsWith("privkey.pem"),
        );
        assert.equal(key.content, "[secret]");
        assert.equal(doc.outputs.url, "https://daur.dev.example.com:8443/");
        for (const resource of doc.resources) {
            assert.deepEqual(Object.keys(resource), ["type", "name", "parent", "inputs"]);
        }
    });

    it("shows secret config as [secret] and never its value", () => {
        const dir = projectWith(
            "sec",
            [
                "config:",
                "  hardened-stack:environment: dev",
                "  hardened-stack:domains: [app.example.com]",
                "  hardened-stack:appSecretEnv:",
                "    secure: v1:c2VjcmV0LWNpcGhlcnRleHQ=",
                "",
            ].join("\n"),
        );
        dirs.push(dir);
        const r = preview(["--stack", "sec", "--json"], dir);
        assert.equal(r.status, 2, "an appSecretEnv that is not a map is refused");
        assert.match(r.stderr, /hardened-stack:appSecretEnv: is not a map/);
        assert.doesNotMatch(r.stdout + r.stderr, /c2VjcmV0/);
    });

    it("reports every bad key with exit code 2, no stack trace and no resource", () => {
        const dir = projectWith(
            "bad",
            [
                "config:",
                "  hardened-stack:domains: ['ok.example.com', 'evil.example.com; return 200']",
                "  hardened-stack:proxy:",
                "    image: nginx:latest",
                "    hsts: { maxAgeSeconds: 60 }",
                "  hardened-stack:app: { port: 22 }",
                "",
            ].join("\n"),
        );
        dirs.push(dir);
        const r = preview(["--stack", "bad"], dir);
        assert.equal(r.status, 2);
        assert.equal(r.stdout, "", "nothing is previewed");
        assert.match(r.stderr, /^stack bad: 9 configuration settings are invalid:\n/);
        for (const key of [
            "domains[1]",
            "tlsCertificate",
            "tlsPrivateKey",
            "proxy.image",
            "proxy.hsts.maxAgeSeconds",
            "app.image",
            "app.port",
            "postgres.image",
            "vault.image",
        ]) {
            assert.match(
                r.stderr,
                new RegExp(`- hardened-stack:${key.replace(/[.[\]]/g, "\\$&")}: .*; expected `),
            );
        }
        assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    });

    it("writes large JSON whole through a pipe", () => {
        const domains = Array.from({ length: 400 }, (_, i) => `host-${i}.example.com`);
        const dir = projectWith(
            "big",
            `config:\n  hardened-stack:environment: dev\n  hardened-stack:domains: ${JSON.stringify(domains)}\n`,
        );
        dirs.push(dir);
        const r = preview(["--stack", "big", "--json"], dir);
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stdout.length > 65536, `output is ${r.stdout.length} bytes`);
        assert.doesNotThrow(() => JSON.parse(r.stdout));
    });

    const refusedFiles: [string, string, string, RegExp][] = [
        ["an empty project file", "", "config: {}\n", /"name" is missing/],
        [
            "a stack file that is a list",
            "",
            "- a\n- b\n",
            /must hold a map of settings, not a list/,
        ],
        [
            "an unknown YAML tag",
            "",
            "config:\n  hardened-stack:tls: !!binary aGVsbG8=\n",
            /uses the YAML tag tag:yaml\.org,2002:binary/,
        ],
        [
            "a duplicate key",
            "",
            "config:\n  hardened-stack:app: {}\n  hardened-stack:app: {}\n",
            /not valid YAML/,
        ],
        [
            "a plain value beside encrypted ones",
            "",
            "config:\n  hardened-stack:appSecretEnv:\n    A: {secure: djE6eA==}\n    B: plain-text\n",
            /appSecretEnv\.B is stored in plain text while the rest of hardened-stack:appSecretEnv is encrypted/,
        ],
        [
            "one key set with and without the namespace",
            "",
            "config:\n  hardened-stack:proxy: {bindAddress: 127.0.0.1}\n  proxy: {httpsPort: 8443}\n",
            /hardened-stack:proxy and proxy both set hardened-stack:proxy; keep one/,
        ],
        [
            "a misspelled namespace",
            "",
            "config:\n  Hardened-stak:proxy: {bindAddress: 127.0.0.1}\n",
            /namespace Hardened-stak, which no program reads; did you mean hardened-stack:proxy\?/,
        ],
        [
            "aliases that expand without bound",
            "",
            `x: &x [a, b]\nconfig:\n  hardened-stack:domains: [${Array(150).fill("*x").join(", ")}]\n`,
            /is not valid YAML \(Excessive alias count/,
        ],
        [
            "two YAML documents",
            "",
            "config: {}\n---\nconfig:\n  hardened-stack:proxy: {bindAddress: 0.0.0.0}\n",
            /holds 2 YAML documents \(---\); the CLI reads one/,
        ],
        [
            "an escape sequence and a line break in a key",
            "",
            'config:\n  hardened-stack:appSecretEnv:\n    A: {secure: djE6eA==}\n    "X\\e[2J\\nok: fine": plain\n',
            /appSecretEnv\.X\\u001b\[2J\\u000aok: fine is stored in plain text/,
        ],
        [
            "a number YAML reads as infinite",
            "",
            "config:\n  hardened-stack:proxy: {rateLimit: {requestsPerSecond: .inf}}\n",
            /hardened-stack:proxy\.rateLimit\.requestsPerSecond is a number out of range/,
        ],
        [
            "a number the CLI's YAML 1.1 reader takes as octal",
            "",
            "config:\n  hardened-stack:firewall: {sshPort: 017620}\n",
            /line 2: 017620 is a number the Pulumi CLI's YAML reader takes differently/,
        ],
        [
            "two merge keys in one map",
            "",
            "a: &a {hardened-stack:environment: dev}\nb: &b {hardened-stack:environment: production}\n" +
                "config:\n  <<: *a\n  <<: *b\n",
            /line 5: a second merge key \(<<\) in one map/,
        ],
        [
            "a main file that does not exist",
            "main: infra/nope.ts\n",
            "config: {}\n",
            /main names infra\/nope\.ts, which does not exist/,
        ],
    ];
    for (const [what, projectExtra, stackYaml, message] of refusedFiles) {
        it(`refuses ${what} with exit code 2`, () => {
            const dir = projectWith("f", stackYaml);
            dirs.push(dir);
            const projectFile = path.join(dir, "Pulumi.yaml");
            if (what === "an empty project file") {
                fs.writeFileSync(projectFile, "");
            } else if (projectExtra) {
                fs.writeFileSync(
                    projectFile,
                    fs.readFileSync(projectFile, "utf8").replace(/^main: .*\n/m, projectExtra),
                );
            }
            const r = preview(["--stack", "f"], dir);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, message);
            assert.doesNotMatch(r.stderr, /\n\s+at |djE6eA/);
            assert.ok(!r.stderr.includes("\u001b"), "no escape character reaches the terminal");
            assert.equal(r.stdout, "", "nothing is previewed");
        });
    }

    it("accepts YAML merge keys as the CLI does", () => {
        const dir = projectWith(
            "merge",
            [
                "base: &base",
                "  hardened-stack:environment: dev",
                "  hardened-stack:domains: [app.example.com]",
                "config:",
                "  <<: *base",
                "",
            ].join("\n"),
        );
        dirs.push(dir);
        const r = preview(["--stack", "merge", "--json"], dir);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).outputs.url, "https://app.example.com/");
    });

    it("refuses an unknown stack and bad flags with exit code 2", () => {
        const missing = preview(["--stack", "nope"]);
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /no stack file Pulumi\.nope\.yaml/);
        const flag = preview(["--yaml"]);
        assert.equal(flag.status, 2);
        assert.match(flag.stderr, /usage: npm run preview/);
    });
});
