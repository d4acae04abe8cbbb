import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

/** Where expected rendered text is kept, one file per snapshot. */
export const SNAPSHOT_DIR = path.resolve(__dirname, "..", "unit", "__snapshots__");

/**
 * Compares rendered text with `test/unit/__snapshots__/<name>`. A missing snapshot fails the
 * test (so CI never writes one); `UPDATE_SNAPSHOTS=1 npm run test:unit` writes them, and the
 * diff is then reviewed like any other change.
 */
export function matchSnapshot(name: string, actual: string): void {
    const file = path.join(SNAPSHOT_DIR, name);
    if (process.env.UPDATE_SNAPSHOTS === "1") {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, actual);
        return;
    }
    assert.ok(
        fs.existsSync(file),
        `snapshot ${name} is missing; run UPDATE_SNAPSHOTS=1 npm run test:unit and review it`,
    );
    assert.equal(
        actual,
        fs.readFileSync(file, "utf8"),
        `rendered text differs from snapshot ${name}`,
    );
}
