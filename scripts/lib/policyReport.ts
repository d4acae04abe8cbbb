import { HardenedPolicy } from "../../policies/lib/policy";
import { Finding, PolicyRunResult } from "./policyRun";

/** The report formats of `npm run check`. */
export const FORMATS = ["text", "json", "sarif", "junit", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

/** What a report needs besides the run: which stack and program it is about. */
export interface ReportContext {
    stack: string;
    /** The program file, relative to the repository, for SARIF locations. */
    program: string;
}

/** Counts for the summary of every format. */
export function summarize(result: PolicyRunResult) {
    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
    return {
        policies: result.policies.length,
        evaluations: result.evaluations.length,
        violations: result.violations.length,
        mandatory: mandatory.length,
        advisory: result.violations.length - mandatory.length,
        undecidable: result.violations.filter((v) => v.undecidable).length,
        exempted: result.exempted.length,
        unmatchedExemptions: result.unmatchedExemptions.map((e) => `${e.policy} for ${e.resource}`),
        passed: mandatory.length === 0,
    };
}

/** Renders a run in one of the formats. */
export function formatReport(result: PolicyRunResult, format: Format, ctx: ReportContext): string {
    switch (format) {
        case "json":
            return `${JSON.stringify(jsonReport(result, ctx), null, 2)}\n`;
        case "sarif":
            return `${JSON.stringify(sarifReport(result, ctx), null, 2)}\n`;
        case "junit":
            return junitReport(result, ctx);
        case "markdown":
            return markdownReport(result, ctx);
        default:
            return textReport(result, ctx);
    }
}

function policyOf(result: PolicyRunResult, name: string): HardenedPolicy {
    return result.policies.find((p) => p.name === name)!;
}

/** The JSON document: every violation with its policy's metadata, and a summary. */
export function jsonReport(result: PolicyRunResult, ctx: ReportContext) {
    return {
        stack: ctx.stack,
        violations: result.violations.map((v) => ({
            policy: v.policy,
            resource: v.resource,
            type: v.type,
            enforcementLevel: v.enforcementLevel,
            severity: v.severity,
            message: v.message,
            checklist: v.checklist,
            undecidable: v.undecidable,
        })),
        exempted: result.exempted.map(({ finding, exemption }) => ({
            policy: finding.policy,
            resource: finding.resource,
            reason: exemption.reason,
            owner: exemption.owner,
            expires: exemption.expires,
        })),
        summary: summarize(result),
    };
}

function textReport(result: PolicyRunResult, ctx: ReportContext): string {
    const lines: string[] = [`Policy check of stack ${ctx.stack} (${ctx.program})`, ""];
    for (const v of result.violations) {
        const p = policyOf(result, v.policy);
        lines.push(
            `${v.enforcementLevel === "mandatory" ? "error" : "warning"}  ${v.policy}  ${v.resource} (${v.type})`,
            `    ${v.message}`,
            `    why:  ${p.description}`,
            `    fix:  ${p.meta.remediation}`,
            `    docs: ${p.url}`,
            "",
        );
    }
    for (const { finding, exemption } of result.exempted) {
        lines.push(
            `exempt ${finding.policy}  ${finding.resource}: ${exemption.reason} (${exemption.owner}, until ${exemption.expires})`,
        );
    }
    for (const e of result.unmatchedExemptions) {
        lines.push(
            `note   the exemption of ${e.policy} for ${e.resource} matched no violation; remove it`,
        );
    }
    const s = summarize(result);
    lines.push(
        "",
        `${s.policies} policies, ${s.evaluations} checks: ${s.mandatory} mandatory and ${s.advisory} advisory ` +
            `violations (${s.undecidable} undecidable), ${s.exempted} exempted.`,
        s.passed ? "PASSED" : "FAILED: mandatory violations block the deployment.",
        "",
    );
    return lines.join("\n");
}

function markdownReport(result: PolicyRunResult, ctx: ReportContext): string {
    const s = summarize(result);
    const cell = (t: string) => t.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const lines = [
        `## Policy check: stack \`${ctx.stack}\` ${s.passed ? "passed" : "failed"}`,
        "",
        `${s.policies} policies, ${s.evaluations} checks, ${s.mandatory} mandatory and ${s.advisory} advisory violations, ${s.exempted} exempted.`,
        "",
    ];
    if (result.violations.length > 0) {
        lines.push(
            "| level | severity | policy | resource | message | fix |",
            "|---|---|---|---|---|---|",
        );
        for (const v of result.violations) {
            const p = policyOf(result, v.policy);
            lines.push(
                `| ${v.enforcementLevel} | ${v.severity} | \`${v.policy}\` | \`${v.resource}\` | ${cell(v.message)} | ${cell(p.meta.remediation)} |`,
            );
        }
        lines.push("");
    }
    return lines.join("\n");
}

const SARIF_LEVEL = { critical: "error", high: "error", medium: "warning", low: "note" } as const;
const SECURITY_SEVERITY = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" } as const;

/** SARIF 2.1.0 as GitHub code scanning takes it: rules with help, results with a location. */
export function sarifReport(result: PolicyRunResult, ctx: ReportContext) {
    const rules = result.policies.map((p) => ({
        id: p.name,
        name: p.name,
        shortDescription: { text: p.description },
        fullDescription: { text: p.description },
        help: {
            text: `${p.meta.remediation}\nReferences: ${p.meta.references.join("; ")}`,
            markdown: `${p.meta.remediation}\n\nReferences: ${p.meta.references.join("; ")}`,
        },
        defaultConfiguration: { level: SARIF_LEVEL[p.meta.severity] },
        properties: {
            tags: ["security", ...p.meta.checklist],
            "security-severity": SECURITY_SEVERITY[p.meta.severity],
            precision: "high",
        },
    }));
    const results = result.violations.map((v: Finding) => ({
        ruleId: v.policy,
        ruleIndex: result.policies.findIndex((p) => p.name === v.policy),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        message: { text: `${v.resource}: ${v.message}` },
        locations: [
            {
                physicalLocation: {
                    artifactLocation: { uri: ctx.program },
                    region: { startLine: 1 },
                },
                logicalLocations: [
                    { name: v.resource, fullyQualifiedName: v.urn ?? ctx.stack, kind: "resource" },
                ],
            },
        ],
        partialFingerprints: {
            "policyResource/v1": `${v.policy}:${v.urn ?? v.resource}:${v.message}`,
        },
    }));
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: "hardened-stack-check", version: "0.1.0", rules } },
                automationDetails: { id: `hardened-stack-check/${ctx.stack}/` },
                results,
            },
        ],
    };
}

function xml(text: string): string {
    return text
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;");
}

/** JUnit XML: one test case per policy and resource it applies to; violations are failures. */
function junitReport(result: PolicyRunResult, ctx: ReportContext): string {
    const cases = result.evaluations.map((e) => {
        const failures = result.violations.filter(
            (v) =>
                v.policy === e.policy &&
                (v.resource === e.resource || e.type === "pulumi:pulumi:Stack"),
        );
        const blocking = failures.filter((f) => f.enforcementLevel === "mandatory");
        const body = blocking
            .map(
                (f) =>
                    `      <failure message="${xml(f.message)}" type="${f.severity}">${xml(f.message)}</failure>\n`,
            )
            .join("");
        const advisory = failures
            .filter((f) => f.enforcementLevel !== "mandatory")
            .map((f) => `      <system-out>${xml(`advisory: ${f.message}`)}</system-out>\n`)
            .join("");
        return {
            failed: blocking.length > 0,
            xml: `    <testcase classname="${xml(e.policy)}" name="${xml(e.resource)}">\n${body}${advisory}    </testcase>`,
        };
    });
    const failed = cases.filter((c) => c.failed).length;
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="hardened-stack-check" tests="${cases.length}" failures="${failed}">`,
        `  <testsuite name="policies (${xml(ctx.stack)})" tests="${cases.length}" failures="${failed}">`,
        ...cases.map((c) => c.xml),
        "  </testsuite>",
        "</testsuites>",
        "",
    ].join("\n");
}
