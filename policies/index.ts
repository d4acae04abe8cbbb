// The CrossGuard pack for the Pulumi CLI: `pulumi preview --policy-pack policies`.
// Constructing the PolicyPack starts the analyzer's gRPC server; nothing else may import this.
import { PolicyPack } from "@pulumi/policy";

import { packPolicies } from "./pack";
import { POLICIES } from "./policies";

new PolicyPack("hardened-stack", {
    policies: packPolicies(POLICIES),
});
