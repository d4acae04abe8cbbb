import { policyContext } from "../lib/exemptions";
import { stackPolicy } from "../lib/policy";
import { CONTAINER, REMOTE_IMAGE } from "../lib/resources";

/** A reference pinned by digest, or an image id. */
export function isPinned(image: string): boolean {
    return /@sha256:[a-f0-9]{64}$/.test(image) || /^sha256:[a-f0-9]{64}$/.test(image);
}

/**
 * Outside dev, every image is referenced by digest. Tags move: the same tag can bring a
 * different, unscanned image on the next pull (erratum E31).
 */
export const imagesArePinnedByDigest = stackPolicy({
    name: "images-are-pinned-by-digest",
    description: "Outside dev stacks, containers and pulled images reference images by digest.",
    meta: {
        severity: "critical",
        checklist: ["dependencies-pinned", "security-updates"],
        references: [
            "CIS Docker Benchmark v1.6.0 4.2",
            "Docker build best practices (pin base image versions)",
            "hadolint DL3006, DL3007",
        ],
        remediation:
            "Reference images as repo:tag@sha256:<digest> and bump the digest deliberately.",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        if (policyContext(resources).environment === "dev") {
            return;
        }
        for (const r of resources) {
            const image =
                r.type === CONTAINER
                    ? r.props.image
                    : r.type === REMOTE_IMAGE
                      ? r.props.name
                      : undefined;
            if (typeof image === "string" && !isPinned(image)) {
                report(`${r.name} uses the image ${image}, which is not pinned by digest.`, r.urn);
            }
        }
    },
});
