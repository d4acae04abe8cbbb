import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

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
export const OFFLINE_SECRET = "offline-placeholder-secret";

/** Reads Pulumi.yaml and Pulumi.<stack>.yaml from a project directory. */
export function loadStackSettings(projectDir: string, stack: string): StackSettings {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = readYaml(projectFile) as Record<string, unknown>;
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
    const stackDoc = (readYaml(stackFile) ?? {}) as Record<string, unknown>;
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
            const { text, secret } = encode(value);
            values[key] = text;
            if (secret && !secretKeys.includes(key)) {
                secretKeys.push(key);
            }
        }
    };
    merge(project.config, projectFile);
    merge(stackDoc.config, stackFile);
    const main = typeof project.main === "string" ? project.main : "index.ts";
    return {
        project: name,
        stack,
        program: path.resolve(projectDir, main),
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

/** Encodes a config value as the CLI does (objects as JSON), replacing encrypted leaves. */
function encode(value: unknown): { text: string; secret: boolean } {
    let secret = false;
    const walk = (v: unknown): unknown => {
        if (isSecure(v)) {
            secret = true;
            return OFFLINE_SECRET;
        }
        if (Array.isArray(v)) {
            return v.map(walk);
        }
        if (typeof v === "object" && v !== null) {
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
        }
        return v;
    };
    const plain = walk(value);
    const text =
        typeof plain === "object" && plain !== null ? JSON.stringify(plain) : String(plain);
    return { text, secret };
}

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new StackFileError(`${file}: cannot be read`);
    }
    try {
        return parse(text);
    } catch (err) {
        throw new StackFileError(
            `${file}: is not valid YAML (${(err as Error).message.split("\n")[0]})`,
        );
    }
}
