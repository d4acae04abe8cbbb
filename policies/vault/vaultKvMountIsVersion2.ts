import { resourcePolicy } from "../lib/policy";
import { VAULT_MOUNT } from "../lib/resources";

/**
 * A KV mount is version 2, which keeps versions and supports check-and-set. A `kv` mount on a
 * real server is version 1 unless told otherwise (erratum E20).
 */
export const vaultKvMountIsVersion2 = resourcePolicy({
    name: "vault-kv-mount-is-version-2",
    description: "Vault KV mounts are version 2.",
    types: [VAULT_MOUNT],
    meta: {
        severity: "high",
        checklist: ["secrets-stored-securely"],
        references: ["Vault docs: KV secrets engine version 2 (setup)"],
        remediation: 'Mount with `type: "kv"` and `options: { version: "2" }`, or `type: "kv-v2"`.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (props.type === "kv" && String(props.options?.version ?? "1") !== "2") {
            report(`The KV mount at ${props.path ?? "?"} is version 1; set options.version = "2".`);
        }
    },
});
