// The test reporter that repeats failures at the end of the log, where a cut CI log keeps them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

// @ts-expect-error: a plain JavaScript module (node loads reporters before tsx), without types
import failureDigest from "../support/failureDigest.mjs";

type Event = { type: string; data: Record<string, unknown> };

async function digest(events: Event[]): Promise<string> {
    async function* source(): AsyncGenerator<Event> {
        yield* events;
    }
    let out = "";
    for await (const chunk of failureDigest(source())) {
        out += chunk;
    }
    return out;
}

function failed(name: string, error: unknown, file = `${process.cwd()}/test/live/x.test.ts`) {
    return { type: "test:fail", data: { name, file, details: { error } } };
}

describe("failure digest reporter", () => {
    it("prints nothing when nothing failed", async () => {
        const out = await digest([{ type: "test:pass", data: { name: "fine" } }]);
        assert.equal(out, "");
    });

    it("names a failed hook and its cause, and counts the cases it cancelled", async () => {
        const hook = Object.assign(new Error("failed running before hook"), {
            failureType: "hookFailed",
            cause: new Error("hs-eng-daur-ai exited with code 2"),
        });
        const cancelled = Object.assign(new Error("cancelled"), {
            failureType: "cancelledByParent",
        });
        const out = await digest([
            failed("creates every container", cancelled),
            failed("runs as non-root", cancelled),
            failed("the dev stack on a real Docker engine", hook),
        ]);
        assert.match(out, /# failure digest: 1 failed, 2 cancelled by a failed parent/);
        assert.match(
            out,
            /# - test\/live\/x\.test\.ts: the dev stack on a real Docker engine \(a hook failed\)/,
        );
        assert.match(out, /caused by: hs-eng-daur-ai exited with code 2/);
        assert.doesNotMatch(out, /creates every container/);
    });

    it("keeps the first lines of a long message and says how many it left out", async () => {
        const message = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n");
        const out = await digest([failed("long", new Error(message))]);
        assert.match(out, /# {5}line 12\n/);
        assert.doesNotMatch(out, /line 13\n/);
        assert.match(out, /\.\.\. 18 more lines/);
    });
});
