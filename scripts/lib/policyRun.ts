import {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    Severity,
} from "@pulumi/policy";

import { PolicyExemption } from "../../infra/config/policy";
import { resourceArgsOf, stackArgsOf } from "../../policies/lib/engineArgs";
import { findExemption, policyContext, today } from "../../policies/lib/exemptions";
import { HardenedPolicy, UNDECIDABLE } from "../../policies/lib/policy";
import { unknownCheckingProxy } from "../../policies/lib/sdkProxy";
import { RecordedResource, unwrapSecrets } from "./mockRuntime";

/** One violation, as every report format shows it. */
export interface Finding {
    policy: string;
    /** The resource's logical name, or the stack's name for a stack-wide finding. */
    resource: string;
    urn?: string;
    type: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    message: string;
    checklist: string[];
    /** Whether the value the policy needed was unknown at preview. */
    undecidable: boolean;
}

/** A policy applied to one resource (or to the stack), whether it passed or not. */
export interface Evaluation {
    policy: string;
    resource: string;
    type: string;
}

/** What a policy run produced. */
export interface PolicyRunResult {
    violations: Finding[];
    /** Violations an exemption waived, each with the exemption. */
    exempted: { finding: Finding; exemption: PolicyExemption }[];
    /** Exemptions that waived nothing. */
    unmatchedExemptions: PolicyExemption[];
    evaluations: Evaluation[];
    policies: HardenedPolicy[];
}

/** Options of {@link runPolicies}. */
export interface PolicyRunOptions {
    /** Let undecidable findings pass as advisory instead of failing. */
    allowUnknown?: boolean;
    /** The day exemptions are judged on (ISO date); today by default. */
    on?: string;
    /** The name stack-wide findings are reported under. */
    stackName?: string;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Splits a provider reference `urn::id` into the provider's URN. */
function providerUrn(ref: string): string {
    return ref.slice(0, ref.lastIndexOf("::"));
}

/**
 * Runs every policy over recorded resources with arguments built the way the policy engine
 * builds them: secrets unwrapped, properties behind the SDK's unknown-checking proxy, the
 * provider resolved to its resource. Then applies the stack's exemptions.
 */
export async function runPolicies(
    recorded: RecordedResource[],
    policies: HardenedPolicy[],
    options: PolicyRunOptions = {},
): Promise<PolicyRunResult> {
    const stackName = options.stackName ?? "stack";
    const resources: PolicyResource[] = recorded.map((r) => policyResource(r));
    attachProviders(recorded, resources);
    const resourceByUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of recorded) {
        if (r.parent && resourceByUrn.has(r.parent)) {
            resourceByUrn.get(r.urn)!.parent = resourceByUrn.get(r.parent);
        }
    }
    const raw: Finding[] = [];
    const evaluations: Evaluation[] = [];
    const add = (p: HardenedPolicy, message: string, resource?: PolicyResource) => {
        const undecidable = message.startsWith(UNDECIDABLE);
        raw.push({
            policy: p.name,
            resource: resource?.name ?? stackName,
            urn: resource?.urn,
            type: resource?.type ?? STACK_TYPE,
            enforcementLevel:
                undecidable && options.allowUnknown
                    ? "advisory"
                    : (p.enforcementLevel ?? "advisory"),
            severity: p.meta.severity,
            message,
            checklist: p.meta.checklist,
            undecidable,
        });
    };
    for (const p of policies) {
        if (p.kind === "resource") {
            for (const r of resources) {
                if (!(p.types.includes("*") || p.types.includes(r.type))) {
                    continue;
                }
                const before = raw.length;
                const report: ReportViolation = (message) => add(p, message, r);
                await p.validateResource(resourceArgsOf(r), report);
                if (p.types.includes("*") && raw.length === before && !isChecked(r.type)) {
                    continue;
                }
                evaluations.push({ policy: p.name, resource: r.name, type: r.type });
            }
        } else {
            const report: ReportViolation = (message, urn) =>
                add(p, message, urn ? resourceByUrn.get(urn) : undefined);
            await p.validateStack(stackArgsOf(resources), report);
            evaluations.push({ policy: p.name, resource: stackName, type: STACK_TYPE });
        }
    }
    return applyExemptions(raw, recorded, policies, evaluations, options.on ?? today());
}

/** Types the catch-all policies care about: those of the providers the stack uses. */
function isChecked(type: string): boolean {
    return /^(docker|postgresql|vault|tls|command|random):/.test(type);
}

function applyExemptions(
    raw: Finding[],
    recorded: RecordedResource[],
    policies: HardenedPolicy[],
    evaluations: Evaluation[],
    on: string,
): PolicyRunResult {
    const { exemptions } = policyContext(
        recorded.map((r) => ({
            type: r.type,
            props: unwrapSecrets(r.inputs) as Record<string, unknown>,
        })),
    );
    const used = new Set<PolicyExemption>();
    const violations: Finding[] = [];
    const exempted: PolicyRunResult["exempted"] = [];
    for (const f of raw) {
        const policy = policies.find((p) => p.name === f.policy);
        const exemption = policy?.meta.exemptible
            ? findExemption(exemptions, f.policy, f.resource, on)
            : undefined;
        if (exemption) {
            used.add(exemption);
            exempted.push({ finding: f, exemption });
        } else {
            violations.push(f);
        }
    }
    return {
        violations,
        exempted,
        unmatchedExemptions: exemptions.filter((e) => !used.has(e)),
        evaluations,
        policies,
    };
}

function options(r: RecordedResource): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.options.additionalSecretOutputs,
        parent: r.parent,
    };
}

/** Whether a resource class's type token is this one, as the engine's isType compares. */
function isTypeOf(type: string, cls: unknown): boolean {
    return (cls as { __pulumiType?: string }).__pulumiType === type;
}

function policyResource(r: RecordedResource): PolicyResource {
    return {
        type: r.type,
        props: unknownCheckingProxy(unwrapSecrets(r.inputs) as Record<string, unknown>),
        urn: r.urn,
        name: r.name,
        opts: options(r),
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => isTypeOf(r.type, cls),
        asType: () => undefined,
    };
}

/** Resolves each resource's provider reference to the provider resource, as the engine does. */
function attachProviders(recorded: RecordedResource[], resources: PolicyResource[]): void {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    recorded.forEach((r, i) => {
        if (r.provider) {
            const p = byUrn.get(providerUrn(r.provider));
            if (p) {
                resources[i].provider = { type: p.type, name: p.name, urn: p.urn, props: p.props };
            }
        }
    });
}
