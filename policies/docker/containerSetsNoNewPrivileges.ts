import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * Every container sets no-new-privileges and keeps Docker's default seccomp and AppArmor
 * confinement, so no setuid binary can raise a process's privileges.
 */
export const containerSetsNoNewPrivileges = resourcePolicy({
    name: "container-sets-no-new-privileges",
    description:
        "Containers set no-new-privileges and keep the default seccomp and AppArmor profiles.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["non-root"],
        references: [
            "CIS Docker Benchmark v1.6.0 5.26",
            "CIS Docker Benchmark v1.6.0 5.22",
            "CIS Docker Benchmark v1.6.0 5.2",
        ],
        remediation:
            'Add "no-new-privileges:true" to `securityOpts` and remove any seccomp=unconfined, apparmor=unconfined or label=disable.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        const opts: string[] = props.securityOpts ?? [];
        if (!opts.some((o) => /^no-new-privileges(:true|=true)?$/.test(o))) {
            report(
                "The container does not set no-new-privileges; setuid binaries can raise privileges.",
            );
        }
        for (const o of opts.filter((x) =>
            /^(seccomp|apparmor)[:=]unconfined$|^label[:=]disable$/.test(x),
        )) {
            report(`The container turns off its confinement with "${o}".`);
        }
    },
});
