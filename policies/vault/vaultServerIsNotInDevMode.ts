import { resourcePolicy } from "../lib/policy";
import { CONTAINER, envMap, roleOf, isFileSeed } from "../lib/resources";

/**
 * Vault runs as a real server with a config file, never in dev mode. Dev mode keeps secrets
 * in memory, starts unsealed without TLS and prints a root token (erratum E19); the official
 * image's default command is `server -dev`.
 */
export const vaultServerIsNotInDevMode = resourcePolicy({
    name: "vault-server-is-not-in-dev-mode",
    description: "The Vault container runs `vault server` with a config file, never dev mode.",
    types: [CONTAINER],
    meta: {
        severity: "critical",
        checklist: ["secrets-stored-securely"],
        references: ["Vault docs: dev server mode", "hashicorp/vault Dockerfile (default CMD)"],
        remediation:
            'Set the command to ["vault", "server", "-config=/vault/config/vault.hcl"] and remove VAULT_DEV_* variables.',
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (isFileSeed(props)) {
            return; // never started: file-seed-never-starts holds it to that
        }
        if (roleOf(props) !== "vault") {
            return;
        }
        const command: string[] = props.command ?? [];
        if (!command.includes("server")) {
            report(
                "The Vault container sets no `server` command, so the image's default `server -dev` runs.",
            );
        }
        for (const arg of command.filter((a) => /^-{1,2}dev/.test(a))) {
            report(
                `The Vault command passes ${arg}: dev mode is in-memory, unsealed and without TLS.`,
            );
        }
        for (const name of [...envMap(props).keys()].filter((n) => n.startsWith("VAULT_DEV_"))) {
            report(`The Vault container sets ${name}, a dev-mode setting.`);
        }
    },
});
