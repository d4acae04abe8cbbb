import { resourcePolicy } from "../lib/policy";
import { NETWORK } from "../lib/resources";

/**
 * Every network declares its subnet. The firewall's DOCKER-USER rules and the database's
 * pg_hba.conf name container subnets; a subnet Docker picks at creation can match neither.
 */
export const networkDeclaresItsSubnet = resourcePolicy({
    name: "network-declares-its-subnet",
    description:
        "Docker networks declare an explicit IPv4 subnet that firewall and pg_hba rules can name.",
    types: [NETWORK],
    meta: {
        severity: "medium",
        checklist: ["network-segmentation", "firewall"],
        references: [
            "chaifeng/ufw-docker (--docker-subnets)",
            "Docker docs: bridge network driver",
        ],
        remediation:
            'Give the network `ipamConfigs: [{ subnet: "172.30.1.0/24" }]`, as SegmentedNetworks does.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        const subnets = (props.ipamConfigs ?? []).map((c: any) => c.subnet).filter(Boolean);
        if (subnets.length === 0) {
            report(
                `The network ${props.name ?? ""} leaves its subnet to Docker, so no rule can name it.`,
            );
        }
    },
});
