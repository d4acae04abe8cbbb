import { resourcePolicy } from "../lib/policy";
import { CONTAINER, isFileSeed } from "../lib/resources";

/**
 * No container shares the host's network, PID, IPC or user namespace, and every container is
 * on a user-defined network rather than only on the default bridge.
 */
export const containerSharesNoHostNamespace = resourcePolicy({
    name: "container-shares-no-host-namespace",
    description: "Containers share no host namespace and sit on user-defined networks.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["network-segmentation"],
        references: [
            "CIS Docker Benchmark v1.6.0 5.10",
            "CIS Docker Benchmark v1.6.0 5.16",
            "CIS Docker Benchmark v1.6.0 5.17",
            "CIS Docker Benchmark v1.6.0 5.31",
            "CIS Docker Benchmark v1.6.0 5.30",
        ],
        remediation:
            "Remove networkMode/pidMode/ipcMode/usernsMode = host, and attach the container to the tier's docker.Network with `networksAdvanced`.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (isFileSeed(props)) {
            return; // never started: file-seed-never-starts holds it to that
        }
        for (const field of ["networkMode", "pidMode", "ipcMode", "usernsMode"]) {
            if (props[field] === "host") {
                report(`${field} is "host": the container shares the host's namespace.`);
            }
        }
        if ((props.networksAdvanced ?? []).length === 0) {
            report(
                "The container joins no user-defined network, so it lands on the default bridge.",
            );
        }
    },
});
