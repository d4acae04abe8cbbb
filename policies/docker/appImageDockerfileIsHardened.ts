import { APP_IMAGE_TYPE } from "../../infra/config/image";
import { lintDockerfile } from "../lib/dockerfileLint";
import { policyContext } from "../lib/exemptions";
import { stackPolicy } from "../lib/policy";

/** The rule a dev stack may break: its config allows a tag-only base there and nowhere else. */
const DEV_TOLERATED = "base-image-pinned-by-digest";

/**
 * The Dockerfile the stack renders for the app's image passes every Dockerfile lint rule:
 * a numeric non-root USER set last in the final stage, every base pinned by digest and never
 * latest, no ADD of URLs or local files, a HEALTHCHECK, no secrets in ARG, ENV or copied
 * files, no sudo, and the OCI source and revision labels. The guide's Dockerfile, which
 * switches USER before its installs, fails here (erratum E8), and so does a base pinned by
 * tag alone, since tags move (erratum E31).
 */
export const appImageDockerfileIsHardened = stackPolicy({
    name: "app-image-dockerfile-is-hardened",
    description: "The rendered Dockerfile of a built app image passes every Dockerfile lint rule.",
    meta: {
        severity: "high",
        checklist: ["non-root", "dependencies-pinned", "secrets-stored-securely"],
        references: [
            "CIS Docker Benchmark v1.6.0 4.1",
            "CIS Docker Benchmark v1.6.0 4.2",
            "CIS Docker Benchmark v1.6.0 4.6",
            "CIS Docker Benchmark v1.6.0 4.9",
            "CIS Docker Benchmark v1.6.0 4.10",
            "hadolint DL3002, DL3004, DL3006, DL3007, DL3020",
            "Docker build best practices (USER, ADD or COPY, build secrets)",
        ],
        remediation:
            "Fix templates/dockerfile/ or the appBuild config so the rendered Dockerfile passes " +
            "the rule named in the message; see policies/lib/dockerfileLint.ts for each rule.",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        const dev = policyContext(resources).environment === "dev";
        for (const r of resources.filter((x) => x.type === APP_IMAGE_TYPE)) {
            const text = r.props.dockerfile;
            if (typeof text !== "string" || text.trim() === "") {
                report(`${r.name} carries no rendered Dockerfile to check.`, r.urn);
                continue;
            }
            for (const f of lintDockerfile(text)) {
                if (!(dev && f.rule === DEV_TOLERATED)) {
                    report(
                        `${r.name} Dockerfile line ${f.line} breaks ${f.rule}: ${f.message}.`,
                        r.urn,
                    );
                }
            }
        }
    },
});
