import { EXEMPTIONS_TYPE, isCurrent, policyContext, today } from "../lib/exemptions";
import { HardenedPolicy, stackPolicy } from "../lib/policy";

/**
 * Every exemption names a policy that exists and may be exempted, and has not expired. A
 * waiver is a decision with an end date; past it, the rule applies again.
 */
export const policyExemptionsAreValid = stackPolicy({
    name: "policy-exemptions-are-valid",
    description: "Policy exemptions name an exemptible policy and have not expired.",
    meta: {
        severity: "high",
        checklist: ["rbac"],
        references: ["cdk-nag suppressions (reason required)", "README: policies section"],
        remediation:
            "Renew the exemption with a new date and reason after review, fix the resource, or remove the entry from policyExemptions.",
        exemptible: false,
    },
    check: (resources, _args, report) => {
        // Loaded here, not at the top: the list imports this policy.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { POLICIES } = require("../policies") as { POLICIES: HardenedPolicy[] };
        const urn = resources.find((r) => r.type === EXEMPTIONS_TYPE)?.urn;
        const on = today();
        for (const e of policyContext(resources).exemptions) {
            const policy = POLICIES.find((p) => p.name === e.policy);
            const what = `The exemption of ${e.policy} for ${e.resource} (owner ${e.owner})`;
            if (!policy) {
                report(`${what} names no known policy.`, urn);
            } else if (!policy.meta.exemptible) {
                report(`${what} waives a floor policy, which cannot be exempted.`, urn);
            }
            if (!isCurrent(e, on)) {
                report(`${what} expired on ${e.expires}.`, urn);
            }
        }
    },
});
