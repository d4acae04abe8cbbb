// A node:test reporter that prints, after the TAP stream, one short block per failed test or
// hook: where it is, and the first lines of its error with the cause a hook failure wraps.
// CI logs are read from their end; the TAP stream puts a failed hook's error in the middle,
// after every case it cancelled, where a cut log loses it.
// Plain JavaScript: node loads reporters before any --import hook, so tsx cannot load it.
import process from "node:process";

const LINES_PER_ERROR = 12;

/**
 * The error's message and its causes' messages, without stack frames.
 * @param {unknown} error
 * @returns {string}
 */
function describeError(error) {
    const parts = [];
    let current = error;
    for (let depth = 0; current && depth < 4; depth++) {
        const e = /** @type {{ message?: unknown, cause?: unknown }} */ (current);
        const message = typeof e.message === "string" ? e.message : String(current);
        // A hook's failure arrives as a wrapper whose message is the cause's own.
        if (parts[parts.length - 1] !== message) {
            parts.push(message);
        }
        current = e.cause;
    }
    return parts.join("\n  caused by: ");
}

/**
 * @param {AsyncIterable<{ type: string, data: any }>} source node:test's event stream
 * @returns {AsyncGenerator<string>}
 */
export default async function* failureDigest(source) {
    /** @type {{ where: string, message: string }[]} */
    const failures = [];
    let cancelled = 0;
    for await (const event of source) {
        if (event.type !== "test:fail") {
            continue;
        }
        const data = event.data;
        const error = data.details.error;
        if (error?.failureType === "cancelledByParent") {
            cancelled++;
            continue;
        }
        const file = data.file ? `${data.file.replace(`${process.cwd()}/`, "")}: ` : "";
        const kind = error?.failureType === "hookFailed" ? " (a hook failed)" : "";
        failures.push({ where: `${file}${data.name}${kind}`, message: describeError(error) });
    }
    if (failures.length === 0) {
        return;
    }
    let text = `\n# failure digest: ${failures.length} failed`;
    text += cancelled > 0 ? `, ${cancelled} cancelled by a failed parent\n` : "\n";
    for (const failure of failures) {
        const lines = failure.message.split("\n");
        const shown = lines.slice(0, LINES_PER_ERROR);
        if (lines.length > shown.length) {
            shown.push(`... ${lines.length - shown.length} more lines`);
        }
        text += `# - ${failure.where}\n${shown.map((l) => `#     ${l}`).join("\n")}\n`;
    }
    yield text;
}
