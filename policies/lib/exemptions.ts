import { EXEMPTIONS_TYPE, PolicyExemption } from "../../infra/config/policy";

export { EXEMPTIONS_TYPE, PolicyExemption };

/** What the program tells the policies through its Exemptions component. */
export interface PolicyContext {
    exemptions: PolicyExemption[];
    /** The stack's environment, or undefined when the program registered no component. */
    environment?: string;
}

/** Reads the Exemptions component among the stack's resources. */
export function policyContext(
    resources: { type: string; props: Record<string, any> }[],
): PolicyContext {
    const component = resources.find((r) => r.type === EXEMPTIONS_TYPE);
    if (!component) {
        return { exemptions: [] };
    }
    return {
        exemptions: (component.props.exemptions ?? []) as PolicyExemption[],
        environment: component.props.environment,
    };
}

/** Today as an ISO date, in UTC. */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}

/** Whether an exemption still holds on the given day (it holds through its expiry date). */
export function isCurrent(exemption: PolicyExemption, on: string): boolean {
    return exemption.expires >= on;
}

/** The exemption that waives a policy for a resource on a day, if any. */
export function findExemption(
    exemptions: PolicyExemption[],
    policy: string,
    resource: string,
    on: string,
): PolicyExemption | undefined {
    return exemptions.find(
        (e) => e.policy === policy && e.resource === resource && isCurrent(e, on),
    );
}
