import { SYSTEM_DIRECTORIES } from "../../infra/components/hardenedContainer";
import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/** Host directories whose mount gives a container control over the host (CIS 5.6). */
export const SENSITIVE_HOST_PATHS: readonly string[] = SYSTEM_DIRECTORIES;

/** Whether a host path is, or lies under, a sensitive directory. */
export function isSensitiveHostPath(path: string): boolean {
    const normal = path.replace(/\/+$/, "") || "/";
    return SENSITIVE_HOST_PATHS.some(
        (p) => normal === p || (p !== "/" && normal.startsWith(`${p}/`)),
    );
}

/**
 * No container bind-mounts a system directory of the host, and every other bind mount is
 * read-only. Named volumes are the way to give a service storage.
 */
export const containerMountsNoSensitiveHostPath = resourcePolicy({
    name: "container-mounts-no-sensitive-host-path",
    description:
        "Containers bind-mount no system directory of the host, and other bind mounts only read-only.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["non-root"],
        references: ["CIS Docker Benchmark v1.6.0 5.6"],
        remediation:
            "Replace the bind mount with a named docker.Volume, or mount only the one file the service reads, read-only.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        const binds = [
            ...(props.mounts ?? [])
                .filter((m: any) => m.type === "bind")
                .map((m: any) => ({ source: m.source ?? "", readOnly: m.readOnly === true })),
            ...(props.volumes ?? [])
                .filter((v: any) => v.hostPath)
                .map((v: any) => ({ source: v.hostPath, readOnly: v.readOnly === true })),
        ];
        for (const bind of binds) {
            if (isSensitiveHostPath(bind.source)) {
                report(`The container bind-mounts the host's ${bind.source}, a system directory.`);
            } else if (!bind.readOnly) {
                report(
                    `The bind mount of ${bind.source} is writable; host files may only be mounted read-only.`,
                );
            }
        }
    },
});
