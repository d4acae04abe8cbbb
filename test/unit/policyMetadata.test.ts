import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { CHECKLIST } from "../../policies/lib/checklist";
import { POLICY_DOCS, enforcementFor } from "../../policies/lib/policy";
import { POLICIES } from "../../policies/policies";
import {
    CHECKLIST_DOC,
    POLICIES_DOC,
    renderChecklist,
    renderPolicies,
} from "../../scripts/lib/policyDocs";
import { ROOT } from "../support/program";

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Each policy's file, found by its exported name. */
function policyFiles(): Map<string, string> {
    const out = new Map<string, string>();
    for (const dir of fs.readdirSync(path.join(ROOT, "policies"), { withFileTypes: true })) {
        if (dir.isDirectory() && dir.name !== "lib") {
            for (const f of fs.readdirSync(path.join(ROOT, "policies", dir.name))) {
                out.set(path.basename(f, ".ts"), `policies/${dir.name}/${f}`);
            }
        }
    }
    return out;
}

describe("policy metadata", () => {
    const files = policyFiles();

    it("lists every policy file once, and nothing else", () => {
        assert.deepEqual([...files.keys()].sort(), POLICIES.map((p) => camel(p.name)).sort());
        assert.equal(new Set(POLICIES.map((p) => p.name)).size, POLICIES.length);
    });

    for (const p of POLICIES) {
        it(`${p.name} carries complete metadata`, () => {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+){2,}$/, "kebab-case that reads as a rule");
            const source = fs.readFileSync(path.join(ROOT, files.get(camel(p.name))!), "utf8");
            assert.match(
                source,
                new RegExp(`export const ${camel(p.name)} = `),
                "file, export and name agree",
            );
            assert.match(
                source,
                /\/\*\*\n \* [A-Za-z][^]*\.\n \*\/\nexport const/,
                "JSDoc in sentences",
            );
            assert.match(p.description, /^[A-Za-z].{20,}\.$/, "a description in a full sentence");
            assert.equal(p.enforcementLevel, enforcementFor(p.meta.severity));
            if (p.meta.severity === "critical" || p.meta.severity === "high") {
                assert.equal(p.enforcementLevel, "mandatory");
            }
            assert.ok(p.meta.checklist.length > 0);
            for (const id of p.meta.checklist) {
                assert.ok(
                    CHECKLIST.some((c) => c.id === id),
                    `checklist item ${id} exists`,
                );
            }
            assert.ok(p.meta.references.length > 0);
            for (const ref of p.meta.references.filter((r) => /CIS Docker/.test(r))) {
                assert.match(
                    ref,
                    /^CIS Docker Benchmark v1\.6\.0 \d+\.\d+$/,
                    "CIS Docker references name v1.6.0",
                );
            }
            assert.match(p.meta.remediation, /^[A-Z`'"].{20,}\.$/, "remediation in full sentences");
            assert.equal(p.url, `${POLICY_DOCS}#${p.name}`);
            assert.equal(p.remediationSteps, p.meta.remediation);
            assert.equal(p.severity, p.meta.severity);
        });
    }

    it("makes exactly the floor policies unexemptible", () => {
        const floors = POLICIES.filter((p) => !p.meta.exemptible)
            .map((p) => p.name)
            .sort();
        assert.deepEqual(floors, [
            "container-is-not-privileged",
            "container-mounts-no-docker-socket",
            "firewall-denies-by-default",
            "policy-exemptions-are-valid",
            "vault-listener-uses-tls",
        ]);
    });

    it("enforces every checklist item or says why it cannot", () => {
        for (const item of CHECKLIST) {
            const enforced = POLICIES.some((p) => p.meta.checklist.includes(item.id));
            assert.ok(
                enforced || item.outOfReach,
                `${item.id} is neither enforced nor marked out of reach`,
            );
            if (item.outOfReach) {
                assert.ok(
                    item.outOfReach.reason.length > 20 && item.outOfReach.coveredBy.length > 10,
                );
            }
        }
        assert.equal(CHECKLIST.length, 20);
    });

    it("has current generated docs (run npx tsx scripts/checklist.ts)", () => {
        assert.equal(
            fs.readFileSync(path.join(ROOT, CHECKLIST_DOC), "utf8"),
            renderChecklist(POLICIES),
        );
        assert.equal(
            fs.readFileSync(path.join(ROOT, POLICIES_DOC), "utf8"),
            renderPolicies(POLICIES),
        );
    });
});
