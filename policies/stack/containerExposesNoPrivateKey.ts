import { resourcePolicy } from "../lib/policy";
import { CONTAINER } from "../lib/resources";

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * A private key reaches a container only as an uploaded file readable by the service alone.
 * In the environment, the command or a label it is shown by `docker inspect` and inherited by
 * every child process.
 */
export const containerExposesNoPrivateKey = resourcePolicy({
    name: "container-exposes-no-private-key",
    description:
        "Private keys reach containers only as files that neither group nor others may read.",
    types: [CONTAINER],
    meta: {
        severity: "high",
        checklist: ["secrets-stored-securely", "tls-everywhere"],
        references: [
            "CIS Docker Benchmark v1.6.0 4.10",
            "PostgreSQL docs: SSL server files",
            "FC-14",
        ],
        remediation:
            "Upload the key through HardenedContainer `files` with mode 0400 or 0600 (0640 owned by root), never as an environment value, argument or label.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        const exposed = [
            ...(props.envs ?? []),
            ...(props.command ?? []),
            ...(props.labels ?? []).map((l: any) => String(l.value)),
        ];
        if (exposed.some((v: string) => PRIVATE_KEY.test(String(v)))) {
            report("A private key is passed in the environment, command or labels.");
        }
        for (const u of props.uploads ?? []) {
            // A file only its owner can read is fine whatever it holds, so its content (often
            // unknown at preview) is read only when the mode would expose it.
            const open = (parseInt(u.permissions ?? "0644", 8) & 0o027) !== 0;
            if (open && PRIVATE_KEY.test(String(u.content ?? ""))) {
                report(
                    `The private key ${u.file} is uploaded with mode ${u.permissions ?? "0644"}.`,
                );
            }
        }
    },
});
