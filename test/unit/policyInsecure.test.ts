import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";

import Ajv from "ajv";

import { POLICIES } from "../../policies/policies";
import { runProgram } from "../../scripts/lib/mockRuntime";
import { formatReport, jsonReport, sarifReport } from "../../scripts/lib/policyReport";
import { PolicyRunResult, runPolicies } from "../../scripts/lib/policyRun";
import { ROOT } from "../support/program";

const PROGRAM = "test/fixtures/insecure/index.ts";
const CONTEXT = { stack: "insecure", program: PROGRAM };

/** Every finding the insecure program must produce, as `policy | resource`, and no other. */
const EXPECTED = [
    "command-hides-secret-output | secret-id",
    "container-is-not-privileged | ops",
    "container-mounts-no-docker-socket | ops",
    "container-mounts-no-sensitive-host-path | ops",
    "container-publishes-ports-on-explicit-address | db",
    "container-secrets-arrive-as-files | db",
    "container-shares-no-host-namespace | ops",
    "data-tier-sits-on-internal-networks | db",
    "images-are-pinned-by-digest | db",
    "network-declares-its-subnet | backend",
    "only-the-edge-publishes-publicly | db",
    "postgres-app-role-is-unprivileged | app",
    "postgres-client-auth-is-scram-over-tls | db",
    "postgres-provider-verifies-server | pg",
    "postgres-requires-tls | db",
    "published-ports-are-covered-by-firewall | db",
    "resource-uses-explicit-provider | reporting",
    "tls-material-reaches-services | db",
    "vault-kv-mount-is-version-2 | kv",
];

describe("the deliberately insecure program", () => {
    let result: PolicyRunResult;

    before(async () => {
        const run = await runProgram({
            program: path.join(ROOT, PROGRAM),
            project: "hardened-stack",
            stack: "insecure",
            config: { values: {}, secretKeys: [] },
        });
        result = await runPolicies(run.resources, POLICIES, { stackName: "insecure" });
    });

    it("yields exactly the expected findings, each at its policy's level", () => {
        const found = [
            ...new Set(result.violations.map((v) => `${v.policy} | ${v.resource}`)),
        ].sort();
        assert.deepEqual(found, EXPECTED);
        for (const v of result.violations) {
            const blocking = v.severity === "critical" || v.severity === "high";
            assert.equal(v.enforcementLevel, blocking ? "mandatory" : "advisory", v.policy);
        }
    });

    it("writes JSON with the fields CI tools read", () => {
        const doc = JSON.parse(formatReport(result, "json", CONTEXT));
        assert.deepEqual(Object.keys(doc.violations[0]).slice(0, 7), [
            "policy",
            "resource",
            "type",
            "enforcementLevel",
            "severity",
            "message",
            "checklist",
        ]);
        assert.equal(doc.summary.passed, false);
        assert.equal(doc.summary.mandatory + doc.summary.advisory, result.violations.length);
        assert.deepEqual(doc, jsonReport(result, CONTEXT));
    });

    it("writes SARIF 2.1.0 that validates and that code scanning can place", () => {
        const schema = JSON.parse(
            fs.readFileSync(
                path.join(ROOT, "test/fixtures/sarif-2.1.0-subset.schema.json"),
                "utf8",
            ),
        );
        const ajv = new Ajv({ allErrors: true });
        ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
        ajv.addFormat("uri-reference", /^[^\s]*$/);
        const validate = ajv.compile<any>(schema);
        const sarif = JSON.parse(formatReport(result, "sarif", CONTEXT));
        assert.ok(validate(sarif), ajv.errorsText(validate.errors));
        const run = sarif.runs[0];
        assert.equal(run.results.length, result.violations.length);
        for (const r of run.results) {
            assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
        }
        const broken = structuredClone(sarifReport(result, CONTEXT)) as any;
        delete broken.runs[0].results[0].message;
        assert.equal(validate(broken), false, "the schema must catch a result without a message");
    });

    it("writes JUnit with one test case per policy and resource", () => {
        const xml = formatReport(result, "junit", CONTEXT);
        const cases = xml.match(/<testcase /g) ?? [];
        assert.equal(cases.length, result.evaluations.length);
        assert.match(
            xml,
            /<testcase classname="container-is-not-privileged" name="ops">\n\s*<failure /,
        );
        assert.match(
            xml,
            /<testcase classname="container-is-not-privileged" name="db">\n\s*<\/testcase>/,
        );
        const failures = Number(/failures="(\d+)"/.exec(xml)![1]);
        const blocking = result.violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.equal(failures, new Set(blocking.map((v) => `${v.policy}|${v.resource}`)).size);
    });

    it("writes text like a linter: rule, resource, why and how to fix", () => {
        const text = formatReport(result, "text", CONTEXT);
        assert.match(
            text,
            /error {2}container-is-not-privileged {2}ops \(docker:index\/container:Container\)\n {4}The container runs privileged[^\n]*\n {4}why: {2}Containers never run privileged[^\n]*\n {4}fix: {2}Remove `privileged: true`/,
        );
        assert.match(text, /FAILED/);
    });

    it("writes a markdown table for pull request comments", () => {
        const md = formatReport(result, "markdown", CONTEXT);
        assert.match(md, /^## Policy check: stack `insecure` failed/);
        assert.match(md, /\| mandatory \| critical \| `container-is-not-privileged` \| `ops` \|/);
    });
});
