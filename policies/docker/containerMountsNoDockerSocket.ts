import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/** Host paths that hand over the container engine. */
const ENGINE_SOCKETS = [
    /^\/(var\/)?run\/docker\.sock$/,
    /^\/(var\/)?run\/containerd(\/|$)/,
    /^\/(var\/)?run\/docker(\/|$)/,
];

/**
 * No container mounts the Docker or containerd socket. Whoever can talk to the engine can
 * start a privileged container, so the socket is root on the host. This is a floor: no
 * exemption can waive it.
 */
export const containerMountsNoDockerSocket = resourcePolicy({
    name: "container-mounts-no-docker-socket",
    description:
        "Containers never mount the Docker or containerd socket, which is root on the host.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["non-root", "rbac"],
        references: ["CIS Docker Benchmark v1.6.0 5.32"],
        remediation:
            "Remove the mount of the engine socket. A service that must manage containers needs its own, separately reviewed host.",
        exemptible: false,
    },
    check: (props, _args, report) => {
        const sources: string[] = [
            ...(props.mounts ?? []).map((m: any) => m.source ?? ""),
            ...(props.volumes ?? []).map((v: any) => v.hostPath ?? ""),
        ];
        for (const source of sources) {
            const normal = source.replace(/\/+$/, "");
            if (ENGINE_SOCKETS.some((re) => re.test(normal))) {
                report(
                    `The container mounts the engine socket ${source}, which gives it root on the host.`,
                );
            }
        }
    },
});
