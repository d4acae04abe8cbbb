import { resourcePolicy } from "../lib/policy";
import { CONTAINER, isFileSeed } from "../lib/resources";

/**
 * Containers restart on failure at most five times. An endless restart loop hides a broken
 * service and can be used to wear the host down.
 */
export const containerRestartIsBounded = resourcePolicy({
    name: "container-restart-is-bounded",
    description: "Containers restart on failure at most five times.",
    types: [CONTAINER],
    meta: {
        severity: "medium",
        checklist: ["log-monitoring"],
        references: ["CIS Docker Benchmark v1.6.0 5.15"],
        remediation: 'Set `restart: "on-failure"` and `maxRetryCount` from 1 to 5.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (isFileSeed(props)) {
            return; // never started: file-seed-never-starts holds it to that
        }
        if (props.restart !== "on-failure") {
            report(
                `The restart policy is "${props.restart ?? "no"}"; use "on-failure" with a bound.`,
            );
        } else if (!(Number(props.maxRetryCount) >= 1 && Number(props.maxRetryCount) <= 5)) {
            report(`maxRetryCount is ${props.maxRetryCount ?? "unset"}; it must be from 1 to 5.`);
        }
    },
});
