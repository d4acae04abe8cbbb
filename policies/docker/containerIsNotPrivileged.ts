import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * A container never runs privileged. A privileged container has every capability and every
 * host device, so a compromise of it is a compromise of the host. This is a floor: no
 * exemption can waive it.
 */
export const containerIsNotPrivileged = resourcePolicy({
    name: "container-is-not-privileged",
    description: "Containers never run privileged, which would hand them the whole host.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["non-root"],
        references: ["CIS Docker Benchmark v1.6.0 5.5", "docs/ARCHITECTURE.md (HardenedContainer)"],
        remediation:
            "Remove `privileged: true`. Grant the one capability the service needs through HardenedContainer's `capabilities`, with a reason.",
        exemptible: false,
    },
    check: (props, _args, report) => {
        if (props.privileged === true) {
            report(
                "The container runs privileged: it can reach every device and capability of the host.",
            );
        }
    },
});
