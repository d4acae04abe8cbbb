import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

/**
 * Every container declares a healthcheck with interval, timeout and retries. Dependants wait
 * for healthy (FC-06) and a hung service is noticed instead of silently serving errors.
 */
export const containerHasHealthcheck = resourcePolicy({
    name: "container-has-healthcheck",
    description: "Containers declare a healthcheck with interval, timeout and retries.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["log-monitoring"],
        references: ["CIS Docker Benchmark v1.6.0 4.6", "CIS Docker Benchmark v1.6.0 5.27"],
        remediation:
            'Set `healthcheck.tests` to ["CMD", ...] or ["CMD-SHELL", "..."] with interval, timeout and retries.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        const hc = props.healthcheck;
        const tests: string[] = hc?.tests ?? [];
        if (tests[0] === "NONE") {
            report("The container's healthcheck is disabled with NONE.");
            return;
        }
        if (tests.length < 2 || !/^CMD(-SHELL)?$/.test(tests[0])) {
            report(
                'The container has no healthcheck (tests must start with "CMD" or "CMD-SHELL").',
            );
            return;
        }
        for (const field of ["interval", "timeout", "retries"]) {
            if (hc[field] === undefined || hc[field] === "" || hc[field] === 0) {
                report(`The healthcheck sets no ${field}.`);
            }
        }
    },
});
