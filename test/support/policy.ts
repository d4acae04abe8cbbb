import { PolicyProviderResource, PolicyResource, ReportViolation } from "@pulumi/policy";

import { resourceArgsOf, stackArgsOf } from "../../policies/lib/engineArgs";
import { HardenedPolicy } from "../../policies/lib/policy";
import { unknownCheckingProxy } from "../../policies/lib/sdkProxy";

/** A resource as a test describes it: type, name, plain inputs and options. */
export interface FixtureResource {
    type: string;
    name: string;
    props: Record<string, any>;
    provider?: PolicyProviderResource;
    additionalSecretOutputs?: string[];
}

/** A provider reference as the engine hands it to policies. */
export function explicitProvider(pkg: string, name = pkg): PolicyProviderResource {
    return {
        type: `pulumi:providers:${pkg}`,
        name,
        urn: `urn:pulumi:test::hardened-stack::pulumi:providers:${pkg}::${name}`,
        props: {},
    };
}

/** The stack entry the engine builds for a resource: props behind the unknown-checking proxy. */
export function engineResource(r: FixtureResource): PolicyResource {
    const type = r.type;
    return {
        type,
        name: r.name,
        urn: `urn:pulumi:test::hardened-stack::${type}::${r.name}`,
        props: unknownCheckingProxy(structuredClone(r.props)),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: r.additionalSecretOutputs ?? [],
        },
        provider: r.provider,
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => (cls as { __pulumiType?: string }).__pulumiType === type,
        asType: () => undefined,
    };
}

/** The messages a policy reports for one resource, or for the stack, as the engine runs it. */
export async function violations(
    policy: HardenedPolicy,
    subject: FixtureResource | FixtureResource[],
): Promise<string[]> {
    const messages: string[] = [];
    const report: ReportViolation = (message) => {
        messages.push(message);
    };
    if (policy.kind === "resource") {
        const list = Array.isArray(subject) ? subject : [subject];
        for (const r of list) {
            await policy.validateResource(resourceArgsOf(engineResource(r)), report);
        }
    } else {
        const list = Array.isArray(subject) ? subject : [subject];
        await policy.validateStack(stackArgsOf(list.map(engineResource)), report);
    }
    return messages;
}
