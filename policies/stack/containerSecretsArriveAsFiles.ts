import { resourcePolicy } from "../lib/policy";
import { CONTAINER, envMap } from "../lib/resources";

/** Environment names that hold secrets. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Secrets reach containers as files, never as environment variables, labels or arguments:
 * `docker inspect` shows those to anyone with the socket, and child processes inherit the
 * environment. Variables point at files instead (`*_FILE`).
 */
export const containerSecretsArriveAsFiles = resourcePolicy({
    name: "container-secrets-arrive-as-files",
    description:
        "Containers receive secrets as uploaded files, not as environment values, labels or arguments.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["secrets-stored-securely", "database-credentials-encrypted"],
        references: [
            "CIS Docker Benchmark v1.6.0 4.10",
            "docker-library postgres (_FILE variables)",
            "Pulumi docs: secrets handling",
        ],
        remediation:
            "Upload the secret as a file readable by the service's uid only, and pass its path (e.g. POSTGRES_PASSWORD_FILE).",
        exemptible: true,
    },
    check: (props, _args, report) => {
        for (const [name, value] of envMap(props)) {
            if (SECRET_NAME.test(name) && !/_FILE$/.test(name) && value !== "") {
                report(
                    `The environment variable ${name} holds a secret; pass a file path in ${name}_FILE instead.`,
                );
            }
        }
        const exposed = [
            ...(props.envs ?? []),
            ...(props.command ?? []),
            ...(props.labels ?? []).map((l: any) => String(l.value)),
        ];
        if (exposed.some((v: string) => PRIVATE_KEY.test(String(v)))) {
            report("A private key is passed in the environment, command or labels.");
        }
        for (const u of props.uploads ?? []) {
            if (
                PRIVATE_KEY.test(String(u.content ?? "")) &&
                (parseInt(u.permissions ?? "0644", 8) & 0o027) !== 0
            ) {
                report(
                    `The private key ${u.file} is uploaded with mode ${u.permissions ?? "0644"}.`,
                );
            }
        }
    },
});
