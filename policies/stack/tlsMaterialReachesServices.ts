import { parsePostgresConf } from "../lib/postgres";
import { stackPolicy } from "../lib/policy";
import { RENDERED_PATHS, Upload, containersWithRole, uploadAt } from "../lib/resources";
import { parseVaultHcl } from "../lib/vaultHcl";

/** Whether a file mode lets anyone but the owner and its group read, or the group write. */
function tooOpen(mode: string | undefined): boolean {
    return (parseInt(mode ?? "0644", 8) & 0o027) !== 0;
}

/**
 * nginx, PostgreSQL and Vault each receive a certificate and its private key, and the key is
 * readable by the service alone. A TLS directive pointing at a file that never arrives makes
 * the server fail or, worse, fall back to plaintext.
 */
export const tlsMaterialReachesServices = stackPolicy({
    name: "tls-material-reaches-services",
    description:
        "The edge, database and Vault containers receive the certificate and key their TLS settings name.",
    meta: {
        severity: "critical",
        checklist: ["tls-everywhere", "secrets-stored-securely"],
        references: [
            "docs/ARCHITECTURE.md (rendered files)",
            "PostgreSQL docs: SSL server files",
            "FC-14",
        ],
        remediation:
            "Upload the certificate and key through HardenedContainer `files`, the key with mode 0400 or 0600 (0640 owned by root).",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        const need = (
            c: { name: string; urn: string; props: Record<string, any> },
            path: string,
            key: boolean,
        ) => {
            const upload: Upload | undefined = uploadAt(c.props, path);
            if (!upload || !upload.content) {
                report(`${c.name} does not receive ${path}.`, c.urn);
            } else if (key && tooOpen(upload.permissions)) {
                report(
                    `${c.name} receives its private key ${path} with mode ${upload.permissions ?? "0644"}.`,
                    c.urn,
                );
            }
        };
        for (const c of containersWithRole(resources, "edge")) {
            need(c, RENDERED_PATHS.nginxCert, false);
            need(c, RENDERED_PATHS.nginxKey, true);
        }
        for (const c of containersWithRole(resources, "database")) {
            const conf = parsePostgresConf(
                uploadAt(c.props, RENDERED_PATHS.postgresConf)?.content ?? "",
            );
            for (const [setting, key] of [
                ["ssl_cert_file", false],
                ["ssl_key_file", true],
            ] as const) {
                const path = conf.get(setting);
                if (!path) {
                    report(`${c.name}: postgresql.conf names no ${setting}.`, c.urn);
                } else {
                    need(c, path, key);
                }
            }
        }
        for (const c of containersWithRole(resources, "vault")) {
            const hcl = parseVaultHcl(uploadAt(c.props, RENDERED_PATHS.vaultHcl)?.content ?? "");
            for (const listener of hcl.listeners) {
                for (const [setting, key] of [
                    ["tls_cert_file", false],
                    ["tls_key_file", true],
                ] as const) {
                    const path = listener.settings.get(setting);
                    if (path) {
                        need(c, path, key);
                    }
                }
            }
        }
    },
});
