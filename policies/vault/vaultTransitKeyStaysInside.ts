import { resourcePolicy } from "../lib/policy";
import { VAULT_TRANSIT_KEY } from "../lib/resources";

/**
 * A transit key never leaves Vault and cannot be deleted: not exportable, no plaintext
 * backup (both irreversible once on), deletion disallowed.
 */
export const vaultTransitKeyStaysInside = resourcePolicy({
    name: "vault-transit-key-stays-inside",
    description:
        "Transit keys are not exportable, allow no plaintext backup and cannot be deleted.",
    types: [VAULT_TRANSIT_KEY],
    meta: {
        severity: "high",
        checklist: ["encryption-at-rest", "secrets-stored-securely"],
        references: ["Vault transit API (exportable, allow_plaintext_backup, deletion_allowed)"],
        remediation:
            "Set exportable, allowPlaintextBackup and deletionAllowed to false (or leave them unset).",
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (props.exportable === true) {
            report(`The transit key ${props.name ?? ""} is exportable.`);
        }
        if (props.allowPlaintextBackup === true) {
            report(`The transit key ${props.name ?? ""} allows a plaintext backup.`);
        }
        if (props.deletionAllowed === true) {
            report(
                `The transit key ${props.name ?? ""} may be deleted, destroying the data it encrypts.`,
            );
        }
    },
});
