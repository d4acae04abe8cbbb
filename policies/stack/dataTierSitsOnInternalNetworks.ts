import { stackPolicy } from "../lib/policy";
import { NETWORK, containersWithRole } from "../lib/resources";

/**
 * PostgreSQL and Vault sit only on internal networks, which have no route off the host, and
 * share no network with the edge. The app is the only container that reaches both tiers.
 */
export const dataTierSitsOnInternalNetworks = stackPolicy({
    name: "data-tier-sits-on-internal-networks",
    description:
        "Database and Vault containers join only internal networks, none shared with the edge.",
    meta: {
        severity: "critical",
        checklist: ["network-segmentation"],
        references: [
            "Docker docs: internal networks",
            "CIS Docker Benchmark v1.6.0 5.30",
            "docs/ARCHITECTURE.md (roles)",
        ],
        remediation:
            "Attach database and vault containers to the backend network only, created with `internal: true`.",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        const networks = new Map(
            resources
                .filter((r) => r.type === NETWORK)
                .map((r) => [r.props.name, r.props.internal === true]),
        );
        const edgeNetworks = new Set(
            containersWithRole(resources, "edge").flatMap((c) =>
                (c.props.networksAdvanced ?? []).map((n: any) => n.name),
            ),
        );
        for (const role of ["database", "vault"] as const) {
            for (const c of containersWithRole(resources, role)) {
                const joined: string[] = (c.props.networksAdvanced ?? []).map((n: any) => n.name);
                if (joined.length === 0 || c.props.networkMode === "host") {
                    report(`The ${role} container ${c.name} is on no internal network.`, c.urn);
                }
                for (const name of joined) {
                    if (networks.get(name) !== true) {
                        report(
                            `The ${role} container ${c.name} joins ${name}, which is not internal.`,
                            c.urn,
                        );
                    }
                    if (edgeNetworks.has(name)) {
                        report(
                            `The ${role} container ${c.name} shares ${name} with the edge.`,
                            c.urn,
                        );
                    }
                }
            }
        }
    },
});
