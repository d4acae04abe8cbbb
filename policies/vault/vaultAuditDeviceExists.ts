import { stackPolicy } from "../lib/policy";
import { VAULT_AUDIT, containersWithRole } from "../lib/resources";

/**
 * A stack with Vault enables an audit device. Without one no request to Vault leaves a trace;
 * Vault's docs recommend two, because requests stop when none can write.
 */
export const vaultAuditDeviceExists = stackPolicy({
    name: "vault-audit-device-exists",
    description: "A stack that runs or configures Vault enables at least one audit device.",
    meta: {
        severity: "critical",
        checklist: ["audit-logging"],
        references: ["Vault docs: audit devices"],
        remediation:
            "Add a vault.Audit (a file device on its own volume), ideally a second one (socket or syslog).",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        const usesVault =
            containersWithRole(resources, "vault").length > 0 ||
            resources.some(
                (r) => r.type.startsWith("vault:") && !r.type.startsWith("vault:index/audit"),
            );
        if (usesVault && !resources.some((r) => r.type === VAULT_AUDIT)) {
            report(
                "The stack runs Vault but enables no audit device, so Vault access leaves no trace.",
            );
        }
    },
});
