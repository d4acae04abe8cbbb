import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { parse } from "yaml";

import { ROOT } from "../support/program";

const WORKFLOW = path.join(ROOT, ".github/workflows/ci.yml");

describe("the CI workflow for users", () => {
    const text = fs.readFileSync(WORKFLOW, "utf8");
    const doc = parse(text);

    it("pins every action by a full commit SHA (X-05)", () => {
        const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
        assert.ok(uses.length > 0);
        for (const u of uses) {
            assert.match(u, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, u);
        }
    });

    it("gives the token read-only contents by default", () => {
        assert.deepEqual(doc.permissions, { contents: "read" });
    });

    it("runs the tests, the offline check, the pack, npm audit and a failing image scan", () => {
        assert.match(text, /bash \.ci\/run/);
        assert.match(text, /npm run -s check -- /);
        assert.match(text, /pulumi preview --stack dev --policy-pack policies/);
        assert.match(text, /npm audit --audit-level=high/);
        const trivy = doc.jobs["image-scan"].steps.find((s: any) => /trivy-action/.test(s.uses));
        assert.equal(trivy.with["exit-code"], "1");
    });
});
