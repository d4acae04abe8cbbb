import { resourcePolicy } from "../lib/policy";

/** Packages whose resources must name their provider. */
const PACKAGES = ["docker", "postgresql", "vault", "tls", "command", "random"];

/**
 * Every resource of these packages uses an explicit provider. A resource without one gets a
 * default provider built from ambient settings and may deploy to the wrong engine, database
 * or Vault (FC-15).
 */
export const resourceUsesExplicitProvider = resourcePolicy({
    name: "resource-uses-explicit-provider",
    description:
        "docker, postgresql, vault, tls and command resources use an explicit provider, never a default one.",
    types: ["*"],
    meta: {
        severity: "high",
        checklist: ["rbac"],
        references: ["FC-15", "Pulumi docs: disable default providers"],
        remediation:
            "Pass `{ provider }` (or `providers` on the parent component) and keep `pulumi:disable-default-providers` set.",
        exemptible: true,
    },
    check: (_props, args, report) => {
        const pkg = args.type.split(":")[0];
        if (!PACKAGES.includes(pkg)) {
            return;
        }
        const provider = args.provider;
        if (!provider) {
            report(
                `The ${pkg} resource names no provider, so a default one from ambient settings would serve it.`,
            );
        } else if (/^default(_|$)/.test(provider.name)) {
            report(`The ${pkg} resource uses the default provider ${provider.name}.`);
        }
    },
});
