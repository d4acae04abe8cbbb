import * as pulumi from "@pulumi/pulumi";

import { EXEMPTIONS_TYPE, PolicyExemption } from "../config/policy";

/** Arguments of {@link PolicyExemptions}. */
export interface PolicyExemptionsArgs {
    /** The validated waivers from stack config. */
    exemptions: PolicyExemption[];
    /** The stack's environment; a few rules (image digests) relax for `dev`. */
    environment: string;
}

/**
 * Carries the stack's policy exemptions to the policy pack. A component's inputs reach the
 * policy engine like any resource's, so the pack reads the waivers from here instead of from
 * stack config, which it cannot see. It creates nothing.
 */
export class PolicyExemptions extends pulumi.ComponentResource {
    constructor(name: string, args: PolicyExemptionsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            EXEMPTIONS_TYPE,
            name,
            { exemptions: args.exemptions, environment: args.environment },
            opts,
        );
        this.registerOutputs({});
    }
}
