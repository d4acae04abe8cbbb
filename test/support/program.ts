import * as path from "node:path";

import { ConfigSource } from "../../infra/config";
import {
    ProgramRun,
    RecordedResource,
    RunOptions,
    runProgram,
    unwrapSecrets,
} from "../../scripts/lib/mockRuntime";
import { loadStackSettings } from "../../scripts/lib/stackConfig";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs a program function under the mock runtime, as the offline preview does. The SDK keeps
 * global state, so call this once per test file (node --test runs each file in its own process).
 */
export function runUnderMocks(
    program: () => Record<string, unknown> | void,
    config: Record<string, string> = {},
    secretKeys: string[] = [],
): Promise<ProgramRun> {
    return runProgram({
        program,
        project: "hardened-stack",
        stack: "test",
        config: { values: config, secretKeys },
    });
}

/**
 * Runs the real program with a stack's config from its Pulumi.<stack>.yaml; `resourceState`
 * may compute some resources' outputs in place of the built-in mocks.
 */
export function runStack(
    stack = "dev",
    resourceState?: RunOptions["resourceState"],
): Promise<ProgramRun> {
    const settings = loadStackSettings(ROOT, stack);
    return runProgram({
        program: settings.program,
        project: settings.project,
        stack: settings.stack,
        config: settings.config,
        resourceState,
    });
}

/** A custom resource as the mock runtime records it, with default resource options. */
export function recordedResource(
    type: string,
    name: string,
    urn: string,
    inputs: Record<string, unknown>,
): RecordedResource {
    return {
        urn,
        type,
        name,
        custom: true,
        inputs,
        options: {
            replaceOnChanges: [],
            deleteBeforeReplace: false,
            additionalSecretOutputs: [],
            dependsOn: [],
        },
    };
}

/** The one resource with this type and name; throws when there is not exactly one. */
export function findResource(run: ProgramRun, type: string, name: string): RecordedResource {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

/** The inputs of a resource with secrets unwrapped, for assertions on their values. */
export function plainInputs(resource: RecordedResource): Record<string, any> {
    return unwrapSecrets(resource.inputs) as Record<string, any>;
}

/** A ConfigSource over plain values, for config tests that need no Pulumi runtime. */
export function fakeConfig(
    values: Record<string, unknown>,
    secretKeys: string[] = [],
): ConfigSource {
    return {
        get: (key) => values[key],
        isSecret: (key) => secretKeys.includes(key),
        keys: () => Object.keys(values).filter((k) => values[k] !== undefined),
    };
}

/** The dev stack's config values, as a fake source, for tests that vary one key. */
export function devConfig(overrides: Record<string, unknown> = {}): ConfigSource {
    const settings = loadStackSettings(ROOT, "dev");
    const values: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(settings.config.values)) {
        if (key.startsWith("hardened-stack:")) {
            let value: unknown = text;
            try {
                value = JSON.parse(text);
            } catch {
                // scalars stay text, as the CLI passes them
            }
            values[key.slice("hardened-stack:".length)] = value;
        }
    }
    return fakeConfig({ ...values, ...overrides });
}
