import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { cidrsOverlap, parseCidr } from "../config/rules";

/** One network tier: a user-defined bridge with an explicit subnet. */
export interface NetworkTierArgs {
    /** The network's subnet in CIDR form; it must not overlap another tier's. */
    subnet: string;
    /**
     * Whether the network has no route off the host. Docker then creates no default route and no
     * masquerading for it, so its members reach only each other.
     */
    internal: boolean;
    /**
     * Whether members may talk to each other. Off (`enable_icc=false`) suits a tier whose members
     * only answer the tiers next to them.
     */
    interContainerTraffic?: boolean;
}

/** Arguments of {@link SegmentedNetworks}. */
export interface SegmentedNetworksArgs {
    /** The public-facing tier: nginx and the app. */
    frontend: NetworkTierArgs;
    /** The data tier: the app, PostgreSQL and Vault; must be internal. */
    backend: NetworkTierArgs;
    /** Further tiers by name, for stacks that need them. */
    extra?: Record<string, NetworkTierArgs>;
}

/**
 * The Docker networks of the stack, one per tier. The frontend network carries traffic from
 * nginx to the app; the backend network is internal, so PostgreSQL and Vault have no route out
 * and are reachable only from the containers attached to it.
 */
export class SegmentedNetworks extends pulumi.ComponentResource {
    /** The public-facing tier. */
    public readonly frontend: docker.Network;
    /** The internal data tier. */
    public readonly backend: docker.Network;
    /** Every tier by name, including frontend and backend. */
    public readonly tiers: Record<string, docker.Network>;

    constructor(name: string, args: SegmentedNetworksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:network:SegmentedNetworks", name, {}, opts);
        validateTiers(args);

        const all: Record<string, NetworkTierArgs> = {
            frontend: args.frontend,
            backend: args.backend,
            ...args.extra,
        };
        this.tiers = {};
        for (const [tier, tierArgs] of Object.entries(all)) {
            this.tiers[tier] = new docker.Network(
                `${name}-${tier}`,
                networkInputs(`${name}-${tier}`, tierArgs),
                { parent: this },
            );
        }
        this.frontend = this.tiers.frontend;
        this.backend = this.tiers.backend;
        this.registerOutputs({});
    }
}

/** The inputs of one tier's docker.Network; exported for tests. */
export function networkInputs(networkName: string, tier: NetworkTierArgs): docker.NetworkArgs {
    const options: Record<string, string> = {};
    if (tier.interContainerTraffic === false) {
        options["com.docker.network.bridge.enable_icc"] = "false";
    }
    return {
        name: networkName,
        driver: "bridge",
        internal: tier.internal,
        attachable: false,
        ipv6: false,
        ipamConfigs: [{ subnet: tier.subnet }],
        options,
        labels: [{ label: "hardened-stack.tier", value: networkName }],
    };
}

function validateTiers(args: SegmentedNetworksArgs): void {
    if (!args.backend.internal) {
        throw new Error("SegmentedNetworks: the backend network must be internal (internal: true)");
    }
    const all = { frontend: args.frontend, backend: args.backend, ...args.extra };
    const parsed = Object.entries(all).map(([tier, t]) => {
        const cidr = parseCidr(t.subnet);
        if (!cidr || cidr.hostBits) {
            throw new Error(`SegmentedNetworks: tier ${tier} has an invalid subnet "${t.subnet}"`);
        }
        return { tier, cidr };
    });
    for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
            const [a, b] = [parsed[i], parsed[j]];
            if (cidrsOverlap(a.cidr, b.cidr)) {
                throw new Error(`SegmentedNetworks: tiers ${a.tier} and ${b.tier} overlap`);
            }
        }
    }
}
