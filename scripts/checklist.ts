// npx tsx scripts/checklist.ts [--check]
// Writes docs/CHECKLIST.md and docs/POLICIES.md from the policies' metadata; with --check,
// exits 1 if either committed file is stale instead of writing.
import * as fs from "node:fs";
import * as path from "node:path";

import { POLICIES } from "../policies/policies";
import { CHECKLIST_DOC, POLICIES_DOC, renderChecklist, renderPolicies } from "./lib/policyDocs";

const root = path.resolve(__dirname, "..");
const docs: [string, string][] = [
    [CHECKLIST_DOC, renderChecklist(POLICIES)],
    [POLICIES_DOC, renderPolicies(POLICIES)],
];
const check = process.argv.includes("--check");
let stale = 0;
for (const [file, text] of docs) {
    const target = path.join(root, file);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current === text) {
        continue;
    }
    if (check) {
        console.error(`${file} is stale: run npx tsx scripts/checklist.ts`);
        stale++;
    } else {
        fs.writeFileSync(target, text);
        console.log(`wrote ${file}`);
    }
}
process.exit(stale > 0 ? 1 : 0);
