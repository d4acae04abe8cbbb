import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * Every container names a numeric non-root `uid:gid`. An empty user falls back to the image's
 * USER, often root, and a name cannot be checked before the image is pulled (FC-04).
 */
export const containerRunsAsNonRoot = resourcePolicy({
    name: "container-runs-as-non-root",
    description: "Containers run as an explicit numeric non-root uid:gid.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["non-root"],
        references: ["CIS Docker Benchmark v1.6.0 4.1", "Docker build best practices (USER)"],
        remediation:
            "Set `user` to a numeric uid:gid above 0, e.g. 10001:10001, and give the image's writable paths to that uid.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        const user = props.user;
        if (user === undefined || user === "") {
            report("The container sets no user, so it runs as the image's USER, often root.");
        } else if (!/^\d+(:\d+)?$/.test(user)) {
            report(
                `The user "${user}" is a name; use a numeric uid:gid that can be checked before deploy.`,
            );
        } else if (/^0(:|$)/.test(user) || /:0$/.test(user)) {
            report(`The user "${user}" is root (uid or gid 0).`);
        }
    },
});
