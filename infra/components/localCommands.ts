import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { PasswordRule, STRONG_PASSWORD_RULE, passwordGeneratorScript } from "../render/passwords";

/**
 * Options every command that may print a secret carries: nothing is streamed to the log, and
 * stdout and stderr are stored only as secrets.
 */
export const SECRET_COMMAND = {
    logging: "none" as const,
    additionalSecretOutputs: ["stdout", "stderr"],
};

/** Arguments of {@link GeneratedPassword}. */
export interface GeneratedPasswordArgs {
    /** Bump to generate a new password. */
    rotation: number;
    /** The rule the password satisfies (by default the strong-password rule). */
    rule?: PasswordRule;
    /** The explicit command provider. */
    provider: command.Provider;
}

/**
 * A password drawn once with a CSPRNG and kept, as a secret, in the state. It is made again
 * only when `rotation` changes. (@pulumi/random would do the same; it is not a dependency of
 * this project, and a command with secret outputs needs nothing new.)
 */
export class GeneratedPassword extends pulumi.ComponentResource {
    /** The password; secret. */
    public readonly value: pulumi.Output<string>;

    constructor(name: string, args: GeneratedPasswordArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:secrets:GeneratedPassword", name, {}, opts);
        if (!Number.isInteger(args.rotation) || args.rotation < 1) {
            throw new Error(`GeneratedPassword ${name}: rotation must be a positive integer`);
        }
        const script = passwordGeneratorScript(args.rule ?? STRONG_PASSWORD_RULE);
        const generate = new command.local.Command(
            `${name}-generate`,
            {
                // The program already runs on Node.js, so `node` is on PATH wherever it runs.
                create: `node -e '${script}'`,
                triggers: [args.rotation],
                logging: SECRET_COMMAND.logging,
            },
            {
                parent: this,
                provider: args.provider,
                additionalSecretOutputs: SECRET_COMMAND.additionalSecretOutputs,
            },
        );
        this.value = pulumi.secret(generate.stdout);
        this.registerOutputs({});
    }
}

/** Arguments of {@link LocalTrustFile}. */
export interface LocalTrustFileArgs {
    /** Where to write it, relative to the project directory. */
    path: string;
    /** The CA certificate (public). */
    certificatePem: pulumi.Input<string>;
    /** The explicit command provider. */
    provider: command.Provider;
}

/**
 * A CA certificate written to a file on the machine running Pulumi. The PostgreSQL and Vault
 * providers take their trust anchor only as a file path, so this file is how they verify the
 * servers' names. The certificate is public; the file is rewritten whenever it changes.
 */
export class LocalTrustFile extends pulumi.ComponentResource {
    /** The file's path, for a provider's CA setting. */
    public readonly path: string;
    /** The command that writes it; providers depend on it. */
    public readonly writer: command.local.Command;

    constructor(name: string, args: LocalTrustFileArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:secrets:LocalTrustFile", name, {}, opts);
        if (args.path.startsWith("/") || args.path.split("/").includes("..")) {
            throw new Error(`LocalTrustFile ${name}: path must stay inside the project`);
        }
        this.path = args.path;
        const write = 'mkdir -p "$(dirname "$TRUST_FILE")" && cat > "$TRUST_FILE"';
        this.writer = new command.local.Command(
            `${name}-write`,
            {
                create: write,
                update: write,
                delete: 'rm -f "$TRUST_FILE"',
                stdin: args.certificatePem,
                environment: { TRUST_FILE: args.path },
            },
            { parent: this, provider: args.provider },
        );
        this.registerOutputs({});
    }
}
