import { Policies, ReportViolation, StackValidationPolicy } from "@pulumi/policy";

import { resourceArgsOf } from "./lib/engineArgs";
import { findExemption, policyContext, today } from "./lib/exemptions";
import { HardenedPolicy, HardenedResourcePolicy, failClosed } from "./lib/policy";

/**
 * The policies as the CLI's PolicyPack takes them. A resource policy sees one resource and
 * cannot see the stack's exemptions, so each exemptible one is delivered as a stack policy of
 * the same name that runs the same check per resource and skips exempted ones. Floor policies
 * stay resource policies: nothing can waive them, and they block before a resource exists.
 * Stack policies skip violations on exempted resources.
 */
export function packPolicies(policies: HardenedPolicy[]): Policies {
    return policies.map((p) => {
        if (p.kind === "resource") {
            return p.meta.exemptible
                ? perResourceStackPolicy(p)
                : { ...crossGuardFields(p), validateResource: p.validateResource };
        }
        return {
            ...crossGuardFields(p),
            validateStack: (args, report) => {
                const context = policyContext(args.resources);
                const names = new Map(args.resources.map((r) => [r.urn, r.name]));
                const filtered: ReportViolation = (message, urn) => {
                    const name = urn ? names.get(urn) : undefined;
                    const exempt =
                        p.meta.exemptible &&
                        name !== undefined &&
                        findExemption(context.exemptions, p.name, name, today());
                    if (!exempt) {
                        report(message, urn);
                    }
                };
                return p.validateStack(args, filtered);
            },
        };
    });
}

/** The fields CrossGuard knows, without our metadata and helpers. */
function crossGuardFields(p: HardenedPolicy) {
    const { name, description, enforcementLevel, severity, remediationSteps, url, tags } = p;
    return { name, description, enforcementLevel, severity, remediationSteps, url, tags };
}

function perResourceStackPolicy(p: HardenedResourcePolicy): StackValidationPolicy {
    return {
        ...crossGuardFields(p),
        validateStack: (args, report) => {
            const { exemptions } = policyContext(args.resources);
            const on = today();
            for (const r of args.resources) {
                if (!(p.types.includes("*") || p.types.includes(r.type))) {
                    continue;
                }
                if (findExemption(exemptions, p.name, r.name, on)) {
                    continue;
                }
                const resourceArgs = resourceArgsOf(r, args.stackTags);
                const bound: ReportViolation = (message) => report(message, r.urn);
                failClosed(() => p.check(r.props, resourceArgs, bound), report, r.urn);
            }
        },
    };
}
