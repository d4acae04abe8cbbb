import { stackPolicy } from "../lib/policy";
import { CONTAINER, roleOf } from "../lib/resources";

/** Whether an address is on the loopback network, unreachable from other hosts. */
export function isLoopback(ip: string | undefined): boolean {
    return ip !== undefined && (/^127\./.test(ip) || ip === "::1");
}

/**
 * Only the edge publishes ports on an address other hosts can reach. Every other service is
 * reached through nginx; a published app, database or Vault port skips TLS termination,
 * headers and rate limits (NET-01).
 */
export const onlyTheEdgePublishesPublicly = stackPolicy({
    name: "only-the-edge-publishes-publicly",
    description: "Only the edge container publishes ports on a non-loopback address.",
    meta: {
        severity: "critical",
        checklist: ["network-segmentation", "firewall"],
        references: [
            "CIS Docker Benchmark v1.6.0 5.9",
            "CIS Docker Benchmark v1.6.0 5.14",
            "FC-01",
        ],
        remediation:
            "Remove the ports of services behind nginx; bind a port that must exist for local tools to 127.0.0.1.",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        for (const c of resources.filter(
            (r) => r.type === CONTAINER && roleOf(r.props) !== "edge",
        )) {
            for (const port of c.props.ports ?? []) {
                if (!isLoopback(port.ip)) {
                    report(
                        `${c.name} (${roleOf(c.props) ?? "no role"}) publishes ${port.external ?? "?"}->${port.internal} on ${port.ip || "every address"}.`,
                        c.urn,
                    );
                }
            }
        }
    },
});
