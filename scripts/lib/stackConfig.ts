import * as fs from "node:fs";
import * as path from "node:path";

import { Scalar, isMap, isScalar, parseAllDocuments, parseDocument, visit } from "yaml";

import { OFFLINE_SECRET_PLACEHOLDER, printable } from "../../infra/config/reader";
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
        const seen = new Map<string, string>();
        for (const [rawKey, rawValue] of Object.entries(config as Record<string, unknown>)) {
            const key: string = rawKey.includes(":") ? rawKey : `${name}:${rawKey}`;
            const namespace: string = key.slice(0, key.indexOf(":"));
            if (namespace !== name && nearlyEqual(namespace, name)) {
                throw new StackFileError(
                    `${source}: ${printable(rawKey)} is in the namespace ${printable(namespace)}, ` +
                        `which no program reads; did you mean ${name}:${printable(key.slice(namespace.length + 1))}?`,
                );
            }
            const earlier = seen.get(key);
            if (earlier !== undefined) {
                // YAML sees two keys; the CLI sees one setting twice and keeps either.
                throw new StackFileError(
                    `${source}: ${printable(earlier)} and ${printable(rawKey)} both set ${printable(key)}; keep one`,
                );
            }
            seen.set(key, rawKey);
            // Project-level config gives { value } (namespaced keys) or { default, type }.
            const value = source === projectFile ? projectValue(rawValue) : rawValue;
            if (value === undefined) {
                continue;
            }
            const { text, secret, plainLeaves, badNumber } = encode(value);
            if (badNumber !== undefined) {
                throw new StackFileError(
                    `${source}: ${printable(key)}${badNumber ? `.${printable(badNumber)}` : ""} is a ` +
                        "number out of range (.inf, .nan or too large); write a finite number",
                );
            }
            if (secret && plainLeaves.length > 0) {
                // The CLI marks a whole key secret when any leaf is: a plain leaf beside a secure
                // one would then pass as a secret while it sits in clear in the stack file.
                const leaf = printable(plainLeaves[0]);
                throw new StackFileError(
                    `${source}: ${printable(key)}.${leaf} is stored in plain text while the rest ` +
                        `of ${printable(key)} is encrypted; set it with pulumi config set --secret ` +
                        `--path '${printable(rawKey)}.${leaf}'`,
                );
            }
            // A stack value replaces the project's default, secret or not.
            values[key] = text;
            const wasSecret = secretKeys.indexOf(key);
            if (secret && wasSecret < 0) {
                secretKeys.push(key);
            } else if (!secret && wasSecret >= 0) {
                secretKeys.splice(wasSecret, 1);
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
function encode(value: unknown): {
    text: string;
    secret: boolean;
    plainLeaves: string[];
    /** The path of a number that is not finite, which JSON would turn into null. */
    badNumber?: string;
} {
    let secret = false;
    let badNumber: string | undefined;
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
        if (typeof v === "number" && !Number.isFinite(v) && badNumber === undefined) {
            badNumber = at;
        }
        return v;
    };
    const plain = walk(value, "");
    const text =
        typeof plain === "object" && plain !== null ? JSON.stringify(plain) : String(plain);
    return { text, secret, plainLeaves, badNumber };
}

/**
 * Plain scalars that YAML 1.1 (the Go reader behind the Pulumi CLI, which keeps 1.1's octal
 * `0777`) and YAML 1.2 (this reader) turn into different values: leading zeros, binary,
 * base 60 and underscores. `017620` is 17620 here and 8080 to the CLI.
 */
const YAML_1_1_NUMBER =
    /^[-+]?(0[0-9_]+(\.[0-9_]*)?|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?)$/;

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
    const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true, logLevel: "silent" });
    if (Array.isArray(docs) && docs.length > 1) {
        throw new StackFileError(
            `${file}: holds ${docs.length} YAML documents (---); the CLI reads one, so write one`,
        );
    }
    const doc = Array.isArray(docs) && docs.length === 1 ? docs[0] : parseDocument(text);
    const tags: string[] = [];
    const ambiguous: { text: string; offset: number }[] = [];
    const repeatedMerges: Scalar[] = [];
    visit(doc, {
        Node(_, node) {
            if (node.tag && !PLAIN_TAGS.includes(node.tag)) {
                tags.push(node.tag);
            }
            if (
                isScalar(node) &&
                node.type === "PLAIN" &&
                YAML_1_1_NUMBER.test(node.source ?? "")
            ) {
                ambiguous.push({ text: node.source!, offset: node.range?.[0] ?? 0 });
            }
            if (isMap(node)) {
                const merges = node.items.filter((p) => isScalar(p.key) && p.key.source === "<<");
                if (merges.length > 1) {
                    // Two merge keys are a duplicate key; readers disagree on which applies.
                    repeatedMerges.push(merges[1].key as Scalar);
                }
            }
        },
    });
    if (repeatedMerges.length > 0) {
        const line = text.slice(0, repeatedMerges[0].range?.[0] ?? 0).split("\n").length;
        throw new StackFileError(
            `${file}: line ${line}: a second merge key (<<) in one map; merge several with ` +
                "one key and a list: <<: [*a, *b]",
        );
    }
    if (tags.length > 0) {
        throw new StackFileError(
            `${file}: uses the YAML tag ${tags[0]}; write plain values instead`,
        );
    }
    if (ambiguous.length > 0) {
        const { text: value, offset } = ambiguous[0];
        const line = text.slice(0, offset).split("\n").length;
        throw new StackFileError(
            `${file}: line ${line}: ${printable(value)} is a number the Pulumi CLI's YAML reader ` +
                "takes differently (octal, binary or base 60); write it without leading zeros, " +
                "underscores or colons, or quote it",
        );
    }
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
        throw new StackFileError(`${file}: is not valid YAML (${problem.message.split("\n")[0]})`);
    }
    let value: unknown;
    try {
        value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
        // The one failure left after parsing: aliases that would expand without bound.
        throw new StackFileError(
            `${file}: is not valid YAML (${printable((e as Error).message.split("\n")[0])})`,
        );
    }
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

/** Whether two names differ by at most two edits, or only in case: a likely misspelling. */
function nearlyEqual(a: string, b: string): boolean {
    if (a.toLowerCase() === b.toLowerCase()) {
        return true;
    }
    if (Math.abs(a.length - b.length) > 2) {
        return false;
    }
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
            row.push(Math.min(previous[j] + 1, row[j - 1] + 1, substitution));
        }
        previous = row;
    }
    return previous[b.length] <= 2;
}
