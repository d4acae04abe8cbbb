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
        // An external Vault's audit devices are its operators' to enable; this stack can
        // neither enable nor see them, so the rule holds where the stack runs the server.
        const runsVault = containersWithRole(resources, "vault").length > 0;
        if (runsVault && !resources.some((r) => r.type === VAULT_AUDIT)) {
            report(
                "The stack runs a Vault server but enables no audit device, so Vault access leaves no trace.",
            );
        }
    },
});
