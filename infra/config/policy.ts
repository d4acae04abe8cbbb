import { ConfigReader, ObjectView, describe } from "./reader";

/**
 * A waiver of one policy for one resource: who decided it, why, and until when. The policies
 * read it from the `hardened-stack:policy:Exemptions` component the program registers.
 */
export interface PolicyExemption {
    /** The policy's kebab-case name, e.g. `container-limits-memory`. */
    policy: string;
    /** The logical name of the resource the waiver covers, e.g. `daur-ai`. */
    resource: string;
    /** Why the resource may break the rule, in a sentence. */
    reason: string;
    /** Who answers for the waiver: a person or team. */
    owner: string;
    /** The last day (ISO `YYYY-MM-DD`) the waiver holds; after it the check fails. */
    expires: string;
}

/** The settings of the policy tier. */
export interface PolicyConfig {
    /** Waivers, by resource and policy. */
    exemptions: PolicyExemption[];
}

/** The type token of the component whose inputs carry the exemptions to the policies. */
export const EXEMPTIONS_TYPE = "hardened-stack:policy:Exemptions";

const FIELDS = ["policy", "resource", "reason", "owner", "expires"] as const;
const SAFE_TEXT = /^[^\r\n\0]+$/;

/**
 * Reads `policyExemptions`: a list of `{ policy, resource, reason, owner, expires }`. Malformed
 * entries are config errors; whether an entry has expired is decided by the check, on its day.
 */
export function readPolicyConfig(reader: ConfigReader): PolicyConfig {
    const raw = reader.raw("policyExemptions");
    if (raw === undefined || raw === null) {
        return { exemptions: [] };
    }
    if (reader.isSecret("policyExemptions")) {
        // Exemptions are printed in every check report: never validate (so echo) a secret.
        reader.report(
            "policyExemptions",
            "is set as a secret, but exemptions are printed in every policy report",
            "a plain list of { policy, resource, reason, owner, expires }",
        );
        return { exemptions: [] };
    }
    if (!Array.isArray(raw)) {
        reader.report(
            "policyExemptions",
            `is ${describe(raw)}`,
            "a list of { policy, resource, reason, owner, expires }",
        );
        return { exemptions: [] };
    }
    const exemptions: PolicyExemption[] = [];
    raw.forEach((item, i) => {
        const path = `policyExemptions[${i}]`;
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            reader.report(path, `is ${describe(item)}`, "an object with " + FIELDS.join(", "));
            return;
        }
        for (const key of Object.keys(item)) {
            if (!(FIELDS as readonly string[]).includes(key)) {
                reader.report(
                    `${path}.${key}`,
                    "is not a known setting",
                    `one of ${FIELDS.join(", ")}`,
                );
            }
        }
        const view = new ObjectView(reader, path, item as Record<string, unknown>);
        for (const field of FIELDS) {
            if (!view.has(field)) {
                view.report(
                    field,
                    "is not set",
                    "every exemption names policy, resource, reason, owner and expires",
                );
            }
        }
        const entry: PolicyExemption = {
            policy: view.string("policy", "", {
                pattern: /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/,
                expected: "a policy name in kebab-case such as container-limits-memory",
            }),
            resource: view.string("resource", "", {
                pattern: /^[A-Za-z0-9][\w.-]{0,127}$/,
                expected: "a resource's logical name such as daur-ai",
            }),
            reason: view.string("reason", "", {
                pattern: SAFE_TEXT,
                expected: "one line of at least 15 characters saying why",
                check: (v) =>
                    v.trim().length < 15 ? "is too short to explain anything" : undefined,
            }),
            owner: view.string("owner", "", {
                pattern: /^[\w.@ +-]{2,80}$/,
                expected: "a person or team such as platform-team or ana@example.com",
            }),
            expires: view.string("expires", "", {
                pattern: /^\d{4}-\d{2}-\d{2}$/,
                expected: "an ISO date such as 2026-12-31",
                check: (v) =>
                    Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
                    new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
                        ? "is not a calendar date"
                        : undefined,
            }),
        };
        if (FIELDS.every((f) => entry[f] !== "")) {
            exemptions.push(entry);
        }
    });
    return { exemptions };
}
