import { FORBIDDEN_CAPABILITIES } from "../../infra/components/hardenedContainer";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * Every container drops all capabilities and adds back none of the dangerous ones. Docker's
 * default set includes NET_RAW and others a web service never needs; docker-bench 5.4 passes a
 * container that keeps them all (erratum E12), so the check looks for the explicit drop.
 */
export const containerDropsAllCapabilities = resourcePolicy({
    name: "container-drops-all-capabilities",
    description: "Containers drop ALL capabilities and add back none of the dangerous ones.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["non-root"],
        references: ["CIS Docker Benchmark v1.6.0 5.4"],
        remediation:
            'Set `capabilities.drops: ["ALL"]`; add back only a capability the service cannot run without, never SYS_ADMIN, NET_ADMIN, SYS_PTRACE or NET_RAW.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        const drops: string[] = (props.capabilities?.drops ?? []).map((c: string) =>
            c.toUpperCase(),
        );
        const adds: string[] = (props.capabilities?.adds ?? []).map((c: string) =>
            c.toUpperCase().replace(/^CAP_/, ""),
        );
        if (!drops.includes("ALL")) {
            report("The container keeps Docker's default capabilities; it does not drop ALL.");
        }
        for (const cap of adds.filter((c) =>
            (FORBIDDEN_CAPABILITIES as readonly string[]).includes(c),
        )) {
            report(`The container adds ${cap}, which breaks its isolation from the host.`);
        }
    },
});
