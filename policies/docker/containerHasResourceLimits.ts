import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * Every container has a memory ceiling without extra swap, a CPU ceiling and a process
 * ceiling, so one runaway or attacked service cannot starve the others on the host.
 */
export const containerHasResourceLimits = resourcePolicy({
    name: "container-has-resource-limits",
    description: "Containers have memory (no extra swap), CPU and process ceilings.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["rate-limiting"],
        references: [
            "CIS Docker Benchmark v1.6.0 5.11",
            "CIS Docker Benchmark v1.6.0 5.12",
            "CIS Docker Benchmark v1.6.0 5.29",
        ],
        remediation:
            "Set `memory` (MB) with `memorySwap` equal to it, `cpus`, and an nproc ulimit; HardenedContainer's `limits` does all three.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (!(Number(props.memory) > 0)) {
            report("The container has no memory ceiling.");
        } else if (
            props.memorySwap !== undefined &&
            Number(props.memorySwap) !== Number(props.memory)
        ) {
            report(
                "The container may swap beyond its memory ceiling (memorySwap differs from memory).",
            );
        }
        if (!(Number(props.cpus) > 0) && !(Number(props.cpuShares) > 0)) {
            report("The container has no CPU ceiling.");
        }
        const nproc = (props.ulimits ?? []).find((u: any) => u.name === "nproc");
        if (!nproc || !(Number(nproc.hard) > 0)) {
            report(
                "The container has no process ceiling (an nproc ulimit); pulumi-docker has no pids limit.",
            );
        }
    },
});
