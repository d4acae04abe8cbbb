import { resourcePolicy } from "../lib/policy";
import { CONTAINER, isFileSeed } from "../lib/resources";

/**
 * Every container has a read-only root file system; the paths a service writes are tmpfs
 * mounts or volumes. An attacker then cannot drop tools or alter the service's code.
 */
export const containerRootFilesystemIsReadOnly = resourcePolicy({
    name: "container-root-filesystem-is-read-only",
    description: "Containers run on a read-only root file system with explicit writable paths.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["non-root"],
        references: [
            "CIS Docker Benchmark v1.6.0 5.13",
            "docker-library nginx docs (read-only mode)",
        ],
        remediation:
            "Set `readOnly: true` and give each path the service writes a tmpfs (nosuid,nodev,noexec) or a volume.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (isFileSeed(props)) {
            return; // never started: file-seed-never-starts holds it to that
        }
        if (props.readOnly !== true) {
            report(
                "The root file system is writable; anything running in the container can change its code.",
            );
        }
    },
});
