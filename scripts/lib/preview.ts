import { ProgramRun, RecordedResource, redactSecrets, runProgram } from "./mockRuntime";
import { StackFileError, StackSettings, loadStackSettings } from "./stackConfig";

/** A usage or configuration problem: the message is for the user, and the exit code is 2. */
export class PreviewUsageError extends Error {}

/** The result of an offline preview. */
export interface PreviewResult {
    settings: StackSettings;
    run: ProgramRun;
}

/**
 * Runs a stack's program under the mock runtime and returns what it registered. Bad stack
 * files and invalid config become a PreviewUsageError with the message to print.
 */
export async function previewStack(
    projectDir: string,
    stack: string,
    program?: string,
): Promise<PreviewResult> {
    let settings: StackSettings;
    try {
        settings = loadStackSettings(projectDir, stack);
    } catch (err) {
        if (err instanceof StackFileError) {
            throw new PreviewUsageError(err.message);
        }
        throw err;
    }
    if (program) {
        settings = { ...settings, program };
    }
    try {
        const run = await runProgram({
            program: settings.program,
            project: settings.project,
            stack: settings.stack,
            config: settings.config,
        });
        return { settings, run };
    } catch (err) {
        // ConfigError extends the SDK's RunError: a message for the user, no stack trace.
        if (err instanceof Error && err.name === "ConfigError") {
            throw new PreviewUsageError(`stack ${stack}: ${err.message}`);
        }
        throw err;
    }
}

/** Inputs worth showing per resource type in the text view; JSON shows every input. */
const SHOWN_INPUTS: Record<string, string[]> = {
    "docker:index/container:Container": [
        "image",
        "user",
        "readOnly",
        "privileged",
        "capabilities",
        "securityOpts",
        "networkMode",
        "networksAdvanced",
        "ports",
        "tmpfs",
        "mounts",
        "memory",
        "memorySwap",
        "cpus",
        "ulimits",
        "healthcheck",
        "restart",
        "maxRetryCount",
        "logOpts",
        "envs",
        "uploads",
    ],
    "docker:index/network:Network": ["name", "internal", "ipamConfigs", "options"],
    "docker:index/remoteImage:RemoteImage": ["name"],
};

/** The JSON document of a preview: resources in registration order and the stack outputs. */
export function previewDocument(result: PreviewResult): object {
    const byUrn = new Map(result.run.resources.map((r) => [r.urn, r]));
    return {
        stack: result.settings.stack,
        resources: result.run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            parent: r.parent ? (byUrn.get(r.parent)?.name ?? null) : null,
            inputs: redactSecrets(r.inputs),
        })),
        outputs: redactSecrets(result.run.outputs),
    };
}

/** Formats a preview as text (a tree, like `pulumi preview`) or as JSON. */
export function formatPreview(result: PreviewResult, format: "text" | "json"): string {
    if (format === "json") {
        return `${JSON.stringify(previewDocument(result), null, 2)}\n`;
    }
    const { resources, outputs } = result.run;
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const urns = new Set(resources.map((r) => r.urn));
    const lines: string[] = [
        `Previewing stack ${result.settings.stack} of ${result.settings.project} ` +
            "(offline: mock runtime, nothing is created)",
        "",
    ];
    const walk = (r: RecordedResource, depth: number) => {
        const pad = "    ".repeat(depth);
        lines.push(`${pad}+ ${r.type}  ${r.name}`);
        for (const key of SHOWN_INPUTS[r.type] ?? []) {
            const value = r.inputs[key];
            if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
                lines.push(`${pad}      ${key}: ${showValue(key, redactSecrets(value))}`);
            }
        }
        for (const child of children.get(r.urn) ?? []) {
            walk(child, depth + 1);
        }
    };
    // Roots: no parent, or a parent that is not a recorded resource (the stack itself).
    for (const r of resources.filter((x) => !x.parent || !urns.has(x.parent))) {
        walk(r, 0);
    }
    lines.push("", "Outputs:");
    for (const [key, value] of Object.entries(redactSecrets(outputs) as Record<string, unknown>)) {
        lines.push(`    ${key}: ${showValue(key, value)}`);
    }
    lines.push("", `Resources: ${resources.length} to create`, "");
    return lines.join("\n");
}

/** One-line rendering; long text (rendered files, certificates) is summarised. */
function showValue(key: string, value: unknown): string {
    if (key === "uploads" && Array.isArray(value)) {
        return value
            .map((u: Record<string, unknown>) => {
                // A secret, or a value only known at deploy time, is shown as its marker.
                const content = typeof u.content === "string" ? u.content : "[unknown]";
                const count = content.split("\n").length;
                const size = ["[secret]", "[unknown]"].includes(content)
                    ? content
                    : `${count} ${count === 1 ? "line" : "lines"}`;
                return `${u.file} (${u.permissions} ${u.owner}:${u.group}, ${size})`;
            })
            .join(", ");
    }
    if (typeof value === "string") {
        return summarize(value);
    }
    // Nested rendered files (policies, configs) read as summaries too; --json has them whole.
    return JSON.stringify(value, (_, v) => (typeof v === "string" ? summarize(v) : v));
}

function summarize(text: string): string {
    return text.includes("\n") ? `(${text.split("\n").length} lines of text)` : text;
}
