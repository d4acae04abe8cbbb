import { resourcePolicy } from "../lib/policy";
import { CONTAINER, isWildcardAddress, roleOf } from "../lib/resources";

/**
 * Every published port names an explicit host address; only the edge may bind every address.
 * pulumi-docker binds 0.0.0.0 when `ip` is left out, and Docker's DNAT then bypasses UFW
 * (FC-01). `ports` can be unknown at preview, so this check stands apart from the others.
 */
export const containerPublishesPortsOnExplicitAddress = resourcePolicy({
    name: "container-publishes-ports-on-explicit-address",
    description:
        "Published ports bind an explicit host address; only the edge may bind every address.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["firewall", "network-segmentation"],
        references: ["CIS Docker Benchmark v1.6.0 5.14", "Docker docs: port publishing", "FC-01"],
        remediation:
            'Publish nothing from services behind nginx. Where a port must be published, set `ip` to a specific address such as "127.0.0.1".',
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (props.publishAllPorts === true) {
            report("publishAllPorts publishes every exposed port on every address.");
        }
        if (roleOf(props) === "edge") {
            return;
        }
        for (const port of props.ports ?? []) {
            if (isWildcardAddress(port.ip)) {
                report(
                    `Port ${port.external ?? "?"}->${port.internal} binds every address (${port.ip || "no ip"}); Docker's DNAT bypasses UFW.`,
                );
            }
        }
    },
});
