import { resourcePolicy } from "../lib/policy";
import { VOLUME } from "../lib/resources";
import { isSensitiveHostPath } from "./containerMountsNoSensitiveHostPath";

/**
 * A named volume is not a disguised bind mount of a system directory: a local volume with
 * `o=bind` and a `device` would mount that host path wherever the volume goes.
 */
export const volumeBindsNoHostPath = resourcePolicy({
    name: "volume-binds-no-host-path",
    description: "Named volumes do not bind a system directory of the host.",
    types: [VOLUME],
    meta: {
        severity: "high",
        checklist: ["non-root"],
        references: ["CIS Docker Benchmark v1.6.0 5.6"],
        remediation: "Drop the bind driver options; let Docker manage the volume's storage.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        const opts = props.driverOpts ?? {};
        const device = String(opts.device ?? "");
        if (/\bbind\b/.test(String(opts.o ?? "")) && device && isSensitiveHostPath(device)) {
            report(`The volume binds the host's ${device}, a system directory.`);
        }
    },
});
