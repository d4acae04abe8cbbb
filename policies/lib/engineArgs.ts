import { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

function notApplicable(reason?: string): never {
    throw new Error(`not applicable: ${reason ?? ""}`);
}

/** The arguments a resource policy receives for a resource, built from its stack entry. */
export function resourceArgsOf(
    r: PolicyResource,
    stackTags: ReadonlyMap<string, string> = new Map(),
): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        provider: r.provider,
        stackTags,
        isType: r.isType,
        asType: () => undefined,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}

/** The arguments a stack policy receives. */
export function stackArgsOf(resources: PolicyResource[]): StackValidationArgs {
    return {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}
