import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import { ROOT } from "../support/program";

/** Runs `npm run check -- ...` as a user would, in the repository. */
function check(...args: string[]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/check.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run check", () => {
    it("exits 1 on mandatory violations and writes the report to --out", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hspol-"));
        try {
            const out = path.join(dir, "report.sarif");
            const r = check(
                "--program",
                "test/fixtures/insecure/index.ts",
                "--format",
                "sarif",
                "--out",
                out,
            );
            assert.equal(r.status, 1, r.stderr);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /mandatory violations; report written to/);
            assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).version, "2.1.0");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 2 with a one-line reason on usage errors, without a stack trace", () => {
        for (const args of [
            ["--format", "xml"],
            ["--stack", "nope"],
            ["--program", "no/such.ts"],
            ["--bogus"],
            ["--out", "/nonexistent-hs-folder/report.sarif"],
            ["--out", ""],
            ["--out", os.tmpdir()],
            ["--out", "/etc/passwd/report.sarif"],
        ]) {
            const r = check(...args);
            assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
            assert.equal(r.stdout, "");
        }
    });

    it("names --out and the missing folder before running anything", () => {
        const r = check("--out", "/nonexistent-hs-folder/report.sarif");
        assert.equal(r.status, 2);
        assert.equal(
            r.stderr.trim(),
            "check: --out /nonexistent-hs-folder/report.sarif: the folder /nonexistent-hs-folder does not exist",
        );
    });

    it("exits 2 naming the key when the stack's exemptions are malformed", () => {
        const dir = fs.mkdtempSync(path.join(ROOT, ".hspol-"));
        try {
            const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
            fs.writeFileSync(
                path.join(dir, "Pulumi.yaml"),
                project.replace(/^main: .*$/m, `main: ${path.join(ROOT, "infra/index.ts")}`),
            );
            const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(
                path.join(dir, "Pulumi.bad.yaml"),
                `${dev}  hardened-stack:policyExemptions:\n    - policy: container-has-healthcheck\n      resource: daur-ai\n`,
            );
            const r = spawnSync(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    path.join(ROOT, "scripts/check.ts"),
                    "--stack",
                    "bad",
                    "--program",
                    path.join(ROOT, "infra/index.ts"),
                ],
                { cwd: dir, encoding: "utf8", timeout: 120000 },
            );
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, /hardened-stack:policyExemptions\[0\]\.reason: is not set/);
            assert.match(r.stderr, /hardened-stack:policyExemptions\[0\]\.expires: is not set/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 0 on the dev stack", () => {
        const r = check("--format", "json");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).summary.passed, true);
    });
});
