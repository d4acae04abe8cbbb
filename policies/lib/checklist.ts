/**
 * The 20-item checklist the project answers to. Each item is either enforced by policies (the
 * policies name it in their metadata) or out of the infrastructure's reach, with the reason and
 * what covers it instead.
 */

/** The identifier of one checklist item. */
export type ChecklistId =
    | "password-policy"
    | "mfa"
    | "rbac"
    | "api-key-rotation"
    | "rate-limiting"
    | "input-validation"
    | "encryption-at-rest"
    | "tls-everywhere"
    | "database-credentials-encrypted"
    | "firewall"
    | "network-segmentation"
    | "security-headers"
    | "secrets-stored-securely"
    | "audit-logging"
    | "log-monitoring"
    | "dependencies-scanned"
    | "dependencies-pinned"
    | "images-scanned"
    | "non-root"
    | "security-updates";

/** One checklist item and, when no policy can enforce it, why and what does instead. */
export interface ChecklistItem {
    id: ChecklistId;
    /** The item as the checklist states it. */
    title: string;
    /** Set when the item lies outside what a Pulumi program on one host can enforce. */
    outOfReach?: {
        /** Why no policy over the stack's resources can decide it. */
        reason: string;
        /** What covers it instead (a CI job, the app, the operator). */
        coveredBy: string;
    };
}

/** The checklist, in the guide's order. */
export const CHECKLIST: readonly ChecklistItem[] = [
    { id: "password-policy", title: "Strong password policy" },
    {
        id: "mfa",
        title: "Multi-factor authentication",
        outOfReach: {
            reason: "MFA protects human logins to the app and to operator accounts, none of which the stack's resources define.",
            coveredBy:
                "the application's identity provider and the operators' Pulumi Cloud and SSH accounts",
        },
    },
    { id: "rbac", title: "Role-based access control" },
    { id: "api-key-rotation", title: "API keys rotated" },
    { id: "rate-limiting", title: "Rate limiting" },
    {
        id: "input-validation",
        title: "Input validation on all endpoints",
        outOfReach: {
            reason: "Request validation happens in the application's code, which the infrastructure only runs.",
            coveredBy:
                "the application's own tests; nginx bounds request size, methods and rate in front of it",
        },
    },
    {
        id: "encryption-at-rest",
        title: "Data encrypted at rest",
        outOfReach: {
            reason: "Disk encryption (LUKS) is set up when the host is provisioned, before Docker and this program run; no resource here can show it.",
            coveredBy:
                "host provisioning (LUKS under /var/lib/docker); the Vault transit key policy guards app-side column encryption",
        },
    },
    { id: "tls-everywhere", title: "TLS for all connections" },
    { id: "database-credentials-encrypted", title: "Database credentials encrypted" },
    { id: "firewall", title: "Firewall configured" },
    { id: "network-segmentation", title: "Network segmentation" },
    { id: "security-headers", title: "Reverse proxy with security headers" },
    { id: "secrets-stored-securely", title: "Secrets stored securely (not in code)" },
    { id: "audit-logging", title: "Audit logging" },
    {
        id: "log-monitoring",
        title: "Log monitoring",
        outOfReach: {
            reason: "Watching logs needs a collector and alerting outside the host; the stack only makes sure logs exist and rotate.",
            coveredBy:
                "the operator's log platform; policies check that logs are written and rotated",
        },
    },
    {
        id: "dependencies-scanned",
        title: "Dependencies scanned",
        outOfReach: {
            reason: "Scanning looks at the package tree and advisories, not at deployed resources.",
            coveredBy: "the CI workflow's npm audit step (.github/workflows/ci.yml)",
        },
    },
    { id: "dependencies-pinned", title: "Dependencies pinned" },
    {
        id: "images-scanned",
        title: "Container images scanned",
        outOfReach: {
            reason: "A vulnerability scan needs the image's layers and a vulnerability database, not the program's inputs.",
            coveredBy: "the CI workflow's Trivy scan with --exit-code 1 (.github/workflows/ci.yml)",
        },
    },
    { id: "non-root", title: "Running as non-root" },
    {
        id: "security-updates",
        title: "Regular security updates",
        outOfReach: {
            reason: "Updates are a process over time; a single deployment can only show that versions are pinned.",
            coveredBy:
                "scheduled CI runs (npm audit, Trivy) and digest bumps; policies require pinned digests",
        },
    },
];
