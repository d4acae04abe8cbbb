import { resourcePolicy } from "../lib/policy";
import { CONTAINER, envMap } from "../lib/resources";

/** Environment names that hold secrets. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/**
 * Secrets reach containers as files, with variables naming the file (`*_FILE`). Values in the
 * environment are shown by `docker inspect` to anyone with the engine socket and inherited by
 * every child process. Advisory: the stack still marks such values secret in its state.
 */
export const containerSecretsArriveAsFiles = resourcePolicy({
    name: "container-secrets-arrive-as-files",
    description:
        "Containers receive secrets as files named by *_FILE variables, not as environment values.",
    types: [CONTAINER],
    meta: {
        severity: "medium",
        checklist: ["secrets-stored-securely", "database-credentials-encrypted"],
        references: [
            "CIS Docker Benchmark v1.6.0 4.10",
            "docker-library postgres (_FILE variables)",
            "Pulumi docs: secrets handling",
        ],
        remediation:
            "Upload the secret as a file readable by the service's uid only, and pass its path (e.g. POSTGRES_PASSWORD_FILE); for the app, move the key from appSecretEnv to appSecretFiles, which does exactly that.",
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
    },
});
