import { resourcePolicy } from "../lib/policy";
import { CONTAINER, isFileSeed } from "../lib/resources";

/**
 * A file seed exists only so that Docker copies a service's files into its config volume: the
 * provider copies uploads to a container's root, which the engine refuses on a read-only root.
 * The seed therefore has a writable root, and is safe only because it never runs: it is never
 * started, joins no network and publishes nothing.
 */
export const fileSeedNeverStarts = resourcePolicy({
    name: "file-seed-never-starts",
    description: "A file seed is created and never started, with no network and no ports.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["non-root", "network-segmentation"],
        references: ["CIS Docker Benchmark v1.6.0 5.13", "docs/ARCHITECTURE.md (file seeds)"],
        remediation:
            'Create the seed with `start: false`, `mustRun: false`, `networkMode: "none"` and no ports, as HardenedContainer does; the service mounts the volume read-only.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (!isFileSeed(props)) {
            return;
        }
        if (props.start !== false || props.mustRun !== false) {
            report("The file seed would be started; it must only ever be created (start: false).");
        }
        if (props.networkMode !== "none" || (props.networksAdvanced ?? []).length > 0) {
            report("The file seed joins a network; it must have none (networkMode: none).");
        }
        if ((props.ports ?? []).length > 0 || props.publishAllPorts === true) {
            report("The file seed publishes ports; it must publish none.");
        }
    },
});
