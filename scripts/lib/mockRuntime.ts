import { createHash } from "node:crypto";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** A resource the program registered, as the engine would have received it. */
export interface RecordedResource {
    /** The resource's URN as the mock monitor computed it. */
    urn: string;
    /** The type token, e.g. `docker:index/container:Container`. */
    type: string;
    /** The logical name. */
    name: string;
    /** The parent's URN, or undefined for resources at the root of the stack. */
    parent?: string;
    /** The provider reference (`urn::id`), or undefined for a default provider. */
    provider?: string;
    /** Whether a provider manages it (false for components). */
    custom: boolean;
    /** The inputs, with secret values still wrapped in the SDK's secret marker. */
    inputs: Record<string, unknown>;
    /** The resource options the engine acts on. */
    options: {
        replaceOnChanges: string[];
        deleteBeforeReplace: boolean;
        additionalSecretOutputs: string[];
        /** URNs of the resources it depends on. */
        dependsOn: string[];
    };
}

/** The parts of the engine's RegisterResource request and response the recorder reads. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): unknown } | undefined;
    getReplaceonchangesList(): string[];
    getDeletebeforereplace(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
}
type RegisterFn = (
    req: RegisterRequest,
    callback: (err: unknown, resp: { getUrn(): string } | undefined) => void,
) => Promise<void>;

/** What a program run produced. */
export interface ProgramRun {
    resources: RecordedResource[];
    /** The stack outputs, with secret values wrapped in the SDK's secret marker. */
    outputs: Record<string, unknown>;
}

/** The config a program sees: fully qualified keys to raw values, and which are secret. */
export interface ProgramConfig {
    values: Record<string, string>;
    secretKeys: string[];
}

/** The marker the SDK wraps secret values in when it serializes them. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a serialized value is a wrapped secret. */
export function isSecretValue(v: unknown): v is { value: unknown } {
    return (
        typeof v === "object" &&
        v !== null &&
        (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
    );
}

/** The serialized form of a value that is unknown until the resource exists. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Replaces the SDK's in-memory unknown marker with the serialized one, recursively. */
function markUnknowns(v: unknown): unknown {
    if (
        pulumi.Output.isInstance(v) ||
        (typeof v === "object" && v !== null && v.constructor?.name === "Unknown")
    ) {
        return UNKNOWN_VALUE;
    }
    if (Array.isArray(v)) {
        return v.map(markUnknowns);
    }
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markUnknowns(x)]));
    }
    return v;
}

/**
 * Replaces every wrapped secret with `[secret]` and every value unknown at preview with
 * `[unknown]`, recursively: the form in which values are shown to people.
 */
export function redactSecrets(v: unknown): unknown {
    if (isSecretValue(v)) {
        return "[secret]";
    }
    if (v === UNKNOWN_VALUE) {
        return "[unknown]";
    }
    if (Array.isArray(v)) {
        return v.map(redactSecrets);
    }
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactSecrets(x)]));
    }
    return v;
}

/** Replaces every wrapped secret with its value, recursively (for policies, never for printing). */
export function unwrapSecrets(v: unknown): unknown {
    if (isSecretValue(v)) {
        return unwrapSecrets(v.value);
    }
    if (Array.isArray(v)) {
        return v.map(unwrapSecrets);
    }
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Outputs that a provider would compute; the mocks fill them so dependants can render. */
function mockState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
): Record<string, unknown> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            return {
                ...inputs,
                privateKeyPem: pulumi.secret(
                    `-----BEGIN PRIVATE KEY-----\n(mock ${name})\n-----END PRIVATE KEY-----\n`,
                ),
                publicKeyPem: `-----BEGIN PUBLIC KEY-----\n(mock ${name})\n-----END PUBLIC KEY-----\n`,
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return {
                ...inputs,
                certPem: `-----BEGIN CERTIFICATE-----\n(mock ${name})\n-----END CERTIFICATE-----\n`,
            };
        case "tls:index/certRequest:CertRequest":
            return {
                ...inputs,
                certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n(mock ${name})\n-----END CERTIFICATE REQUEST-----\n`,
            };
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: pulumi.secret(`mock-${name}-Aa1!`.padEnd(24, "x")) };
        case "docker:index/remoteImage:RemoteImage":
            // The engine answers with the image's id; the reference reads better in a preview.
            return { ...inputs, imageId: inputs.name, repoDigest: inputs.name };
        case "docker:index/container:Container":
        case "docker:index/network:Network":
        case "docker:index/volume:Volume":
            return { name, ...inputs };
        case "docker:index/image:Image": {
            // A local build's repoDigest is the image id; the mock derives one from the tag.
            const id = createHash("sha256").update(String(inputs.imageName)).digest("hex");
            return { ...inputs, repoDigest: `sha256:${id}` };
        }
        default:
            return inputs;
    }
}

/** Options of {@link runProgram}. */
export interface RunOptions {
    /**
     * The program: a module file whose top-level code registers resources and whose exports are
     * the stack outputs, or a function that does the same and returns the outputs.
     */
    program: string | (() => Record<string, unknown> | void);
    project: string;
    stack: string;
    config: ProgramConfig;
    /** Whether the program sees `pulumi.runtime.isDryRun()` as true (default true). */
    preview?: boolean;
    /**
     * Computes the outputs of a resource in place of the built-in mocks; return undefined to
     * keep them. The engine test uses it to run the stack's password generators for real.
     */
    resourceState?: (
        type: string,
        name: string,
        inputs: Record<string, unknown>,
    ) => Record<string, unknown> | undefined;
}

/**
 * Runs a Pulumi program in this process under the SDK's mock runtime and records what it
 * registers. Loads the program once per process: the SDK keeps global state, so callers that
 * need several runs start a process per run.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const recorded: RecordedResource[] = [];
    const mocks: pulumi.runtime.Mocks = {
        newResource: (args) => ({
            id: args.id ?? `${args.name}-id`,
            state:
                options.resourceState?.(args.type, args.name, args.inputs) ??
                mockState(args.type, args.name, args.inputs),
        }),
        call: (args) => args.inputs,
    };
    // The mock monitor receives each resource's parent and provider but does not pass them to
    // the mocks; wrap its registerResource to keep both, with the inputs in serialized form
    // (secrets still marked). setMocks builds the monitor itself, so wrap the prototype.
    const proto = MockMonitor.prototype as unknown as { registerResource: RegisterFn };
    const register = proto.registerResource;
    proto.registerResource = async function (this: unknown, req, callback) {
        await register.call(this, req, (err, resp) => {
            if (!err && resp) {
                recorded.push({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    provider: req.getProvider() || undefined,
                    custom: req.getCustom(),
                    inputs: (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    options: {
                        replaceOnChanges: req.getReplaceonchangesList(),
                        deleteBeforeReplace: req.getDeletebeforereplace(),
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                        dependsOn: req.getDependenciesList(),
                    },
                });
            }
            callback(err, resp);
        });
    };
    pulumi.runtime.setAllConfig(options.config.values, options.config.secretKeys);
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? true);

    const exports =
        typeof options.program === "string"
            ? ((await import(path.resolve(options.program))) as Record<string, unknown>)
            : (options.program() ?? {});
    const outputs = await resolveExports(exports);
    await waitForRegistrations();
    return { resources: recorded, outputs };
}

async function resolveExports(exports: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exports)) {
        if (key === "default" || key === "__esModule" || typeof value === "function") {
            continue;
        }
        const output = pulumi.output(value) as pulumi.Output<unknown>;
        // Reading through apply would wait forever on a value unknown at preview (the callback
        // never runs) and the process would exit 0 with nothing printed; promise(true) hands
        // unknowns back as the SDK's marker instead.
        const withUnknowns = output as unknown as {
            promise(withUnknowns: boolean): Promise<unknown>;
        };
        const resolved = markUnknowns(await withUnknowns.promise(true));
        const secret = await pulumi.isSecret(output);
        out[key] = secret ? { [SECRET_SIG_KEY]: SECRET_SIG, value: resolved } : resolved;
    }
    return out;
}

/** Waits until every outstanding resource registration has reached the mock monitor. */
async function waitForRegistrations(): Promise<void> {
    const settings = (await import("@pulumi/pulumi/runtime/settings")) as unknown as {
        waitForRPCs(): Promise<void>;
    };
    for (let i = 0; i < 3; i++) {
        await settings.waitForRPCs();
        await new Promise((r) => setImmediate(r));
    }
}
