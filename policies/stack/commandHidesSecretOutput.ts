import { resourcePolicy } from "../lib/policy";
import { LOCAL_COMMAND, REMOTE_COMMAND } from "../lib/resources";

/** Environment names that carry secrets into a command. */
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|UNSEAL)/i;

/** Commands that print secrets: Vault init, tokens and secret IDs, database credentials. */
const SECRET_COMMAND =
    /(vault\s+(operator\s+init|token\s+create|write\b[^\n]*secret[-_]id)|PGPASSWORD=)/i;

/**
 * A command through which secrets flow keeps them out of logs and state: `logging: "none"`
 * and stdout and stderr marked as secret outputs. Secret marking protects inputs only; a
 * command's output streams to the log in the clear (FC-22).
 */
export const commandHidesSecretOutput = resourcePolicy({
    name: "command-hides-secret-output",
    description: "Commands that handle secrets log nothing and mark stdout and stderr secret.",
    types: [LOCAL_COMMAND, REMOTE_COMMAND],
    meta: {
        severity: "high",
        checklist: ["secrets-stored-securely"],
        references: ["Pulumi docs: secrets handling, additionalSecretOutputs", "FC-22"],
        remediation:
            'Set `logging: "none"` and the resource option `additionalSecretOutputs: ["stdout", "stderr"]`.',
        exemptible: true,
    },
    check: (props, args, report) => {
        const text = [props.create, props.update, props.delete].filter(Boolean).join("\n");
        const envNames = Object.keys(props.environment ?? {}).join(" ");
        if (!SECRET_COMMAND.test(text) && !SECRET_ENV.test(envNames)) {
            return;
        }
        if (props.logging !== "none") {
            report(
                `The command handles secrets but logs ${props.logging ?? "stdout and stderr"}; set logging "none".`,
            );
        }
        const marked: string[] = args.opts?.additionalSecretOutputs ?? [];
        for (const output of ["stdout", "stderr"].filter((o) => !marked.includes(o))) {
            report(`The command handles secrets but ${output} is not an additional secret output.`);
        }
    },
});
