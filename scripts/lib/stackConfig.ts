import * as fs from "node:fs";
import * as path from "node:path";

import { parseDocument, visit } from "yaml";

import { OFFLINE_SECRET_PLACEHOLDER } from "../../infra/config/reader";
import { ProgramConfig } from "./mockRuntime";

/** The project and one stack's configuration, as the Pulumi CLI would hand them to a program. */
export interface StackSettings {
    project: string;
    stack: string;
    /** The program's entry file, from Pulumi.yaml's `main`. */
    program: string;
    config: ProgramConfig;
}

/** A problem with the project or stack files, reported as a usage error (exit 2). */
export class StackFileError extends Error {}

/**
 * Offline stand-in for an encrypted value: the CLI would decrypt it, but offline there is no
 * key. The program sees this text, marked secret, so secrets still flow as secrets.
 */
export const OFFLINE_SECRET = OFFLINE_SECRET_PLACEHOLDER;

/** Reads Pulumi.yaml and Pulumi.<stack>.yaml from a project directory. */
export function loadStackSettings(projectDir: string, stack: string): StackSettings {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = readMap(projectFile);
    const name = project.name;
    if (typeof name !== "string" || name.length === 0) {
        throw new StackFileError(`${projectFile}: "name" is missing`);
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new StackFileError(
            `--stack: "${stack}" is not a stack name (letters, digits, . _ -)`,
        );
    }
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new StackFileError(
            `--stack: no stack file ${path.basename(stackFile)} in ${projectDir}`,
        );
    }
    const stackDoc = readMap(stackFile);
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const merge = (config: unknown, source: string) => {
        if (config === undefined || config === null) {
            return;
        }
        if (typeof config !== "object" || Array.isArray(config)) {
            throw new StackFileError(`${source}: "config" must be a map of keys to values`);
        }
        for (const [rawKey, rawValue] of Object.entries(config as Record<string, unknown>)) {
            const key = rawKey.includes(":") ? rawKey : `${name}:${rawKey}`;
            // Project-level config gives { value } (namespaced keys) or { default, type }.
            const value = source === projectFile ? projectValue(rawValue) : rawValue;
            if (value === undefined) {
                continue;
            }
            const { text, secret, plainLeaves } = encode(value);
            if (secret && plainLeaves.length > 0) {
                // The CLI marks a whole key secret when any leaf is: a plain leaf beside a secure
                // one would then pass as a secret while it sits in clear in the stack file.
                throw new StackFileError(
                    `${source}: ${key}.${plainLeaves[0]} is stored in plain text while the rest of ` +
                        `${key} is encrypted; set it with pulumi config set --secret --path ` +
                        `'${rawKey}.${plainLeaves[0]}'`,
                );
            }
            values[key] = text;
            if (secret && !secretKeys.includes(key)) {
                secretKeys.push(key);
            }
        }
    };
    merge(project.config, projectFile);
    merge(stackDoc.config, stackFile);
    const main = typeof project.main === "string" ? project.main : "index.ts";
    const program = path.resolve(projectDir, main);
    if (!fs.existsSync(program)) {
        throw new StackFileError(`${projectFile}: main names ${main}, which does not exist`);
    }
    return {
        project: name,
        stack,
        program,
        config: { values, secretKeys },
    };
}

function projectValue(v: unknown): unknown {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
        return v;
    }
    const spec = v as Record<string, unknown>;
    return "value" in spec ? spec.value : spec.default;
}

function isSecure(v: unknown): boolean {
    return (
        typeof v === "object" &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length === 1 &&
        typeof (v as Record<string, unknown>).secure === "string"
    );
}

/**
 * Encodes a config value as the CLI does (objects as JSON), replacing encrypted leaves, and
 * lists the paths of plain string leaves beside them.
 */
function encode(value: unknown): { text: string; secret: boolean; plainLeaves: string[] } {
    let secret = false;
    const plainLeaves: string[] = [];
    const walk = (v: unknown, at: string): unknown => {
        if (isSecure(v)) {
            secret = true;
            return OFFLINE_SECRET;
        }
        if (Array.isArray(v)) {
            return v.map((x, i) => walk(x, `${at}[${i}]`));
        }
        if (typeof v === "object" && v !== null) {
            return Object.fromEntries(
                Object.entries(v).map(([k, x]) => [k, walk(x, at ? `${at}.${k}` : k)]),
            );
        }
        if (typeof v === "string" && at) {
            plainLeaves.push(at);
        }
        return v;
    };
    const plain = walk(value, "");
    const text =
        typeof plain === "object" && plain !== null ? JSON.stringify(plain) : String(plain);
    return { text, secret, plainLeaves };
}

/** Explicit YAML tags that mean the same to every reader. */
const PLAIN_TAGS = ["str", "int", "bool", "null", "map", "seq"].map(
    (t) => `tag:yaml.org,2002:${t}`,
);

/** Reads a YAML file that must hold a map; an empty file is an empty map. */
function readMap(file: string): Record<string, unknown> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new StackFileError(`${file}: cannot be read`);
    }
    // The CLI reads plain YAML with merge keys (<<); a !!binary, !!set or custom tag would be
    // read differently by the two readers, so it is refused.
    const doc = parseDocument(text, { merge: true, uniqueKeys: true, logLevel: "silent" });
    const tags: string[] = [];
    visit(doc, {
        Node(_, node) {
            if (node.tag && !PLAIN_TAGS.includes(node.tag)) {
                tags.push(node.tag);
            }
        },
    });
    if (tags.length > 0) {
        throw new StackFileError(
            `${file}: uses the YAML tag ${tags[0]}; write plain values instead`,
        );
    }
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
        throw new StackFileError(`${file}: is not valid YAML (${problem.message.split("\n")[0]})`);
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) {
        return {};
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new StackFileError(
            `${file}: must hold a map of settings, not ${describeYaml(value)}`,
        );
    }
    return value as Record<string, unknown>;
}

function describeYaml(value: unknown): string {
    return Array.isArray(value) ? "a list" : `a ${typeof value}`;
}
