/**
 * Lint rules for a rendered Dockerfile, as pure functions of its text. Each finding names the
 * rule, the line, what is wrong and how to fix it; the policy pack and the tests call
 * {@link lintDockerfile}.
 */

/** One instruction, with continuation lines joined. */
export interface Instruction {
    /** The instruction keyword in upper case, e.g. `RUN`. */
    keyword: string;
    /** Everything after the keyword, continuation lines joined with spaces. */
    args: string;
    /** The line the instruction starts on, from 1. */
    line: number;
    /** The index of the build stage it belongs to, from 0. */
    stage: number;
}

/** A rule the Dockerfile breaks. */
export interface DockerfileFinding {
    /** The rule's name, in kebab-case. */
    rule: string;
    /** What is wrong, why it matters and how to fix it. */
    message: string;
    /** The line of the offending instruction, or of the final FROM for a missing one. */
    line: number;
}

/** Names that say a value is a credential, which must never be an ARG or ENV. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;

/** A RUN that installs or upgrades packages, with any common package manager. */
const PACKAGE_INSTALL =
    /\b(apt-get|apt|aptitude|apk|dnf|yum|microdnf|zypper)\s+(-\S+\s+)*(install|add|upgrade)\b|\bpip3?\s+(-\S+\s+)*install\b|-m\s+pip\b.*\binstall\b|\bnpm\s+(ci|install|i)\b|\byarn\s+(add|install)\b|\bgem\s+install\b/;

/**
 * File names that hold credentials: env files, private keys and certificates, package
 * registry tokens, cloud credentials. Exported for the build's check of its context.
 */
export const SECRET_FILE =
    /(^|\/)(\.env(\.[\w-]+)?|[^/]*\.(pem|key|p12|pfx)|id_(rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.netrc|\.git-credentials|credentials(\.json)?)$/i;

/** A source that ADD would fetch over the network. */
const REMOTE = /(^|\s)(https?|git|ftp):\/\//i;

/** sudo as a command, at the start or after a separator. */
const SUDO = /(^|[\s;&|(])sudo(\s|$)/;

/** `repo[:tag]@sha256:<64 hex>`, or a local image id `sha256:<64 hex>`. */
const PINNED = /(@|^)sha256:[a-f0-9]{64}$/;

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
export function parseDockerfile(text: string): Instruction[] {
    const out: Instruction[] = [];
    const lines = text.split(/\r?\n/);
    let stage = -1;
    for (let i = 0; i < lines.length; i++) {
        const start = i;
        let joined = lines[i].trim();
        if (joined === "" || joined.startsWith("#")) {
            continue;
        }
        while (joined.endsWith("\\") && i + 1 < lines.length) {
            i++;
            const next = lines[i].trim();
            joined = `${joined.slice(0, -1).trimEnd()} ${next.startsWith("#") ? "" : next}`;
        }
        const match = /^(\S+)\s*(.*)$/.exec(joined)!;
        const keyword = match[1].toUpperCase();
        if (keyword === "FROM") {
            stage++;
        }
        out.push({ keyword, args: match[2].trim(), line: start + 1, stage: Math.max(stage, 0) });
    }
    return out;
}

/** Checks every rule and returns the findings, in the order of the rules. */
export function lintDockerfile(text: string): DockerfileFinding[] {
    const instructions = parseDockerfile(text);
    return DOCKERFILE_RULES.flatMap((rule) => rule.check(instructions));
}

/** One lint rule: a name and a check over the parsed instructions. */
export interface DockerfileRule {
    name: string;
    /** What the rule requires, in one sentence. */
    description: string;
    check(instructions: Instruction[]): DockerfileFinding[];
}

/** The instructions of the final build stage, and the line of its FROM. */
function finalStage(instructions: Instruction[]): { body: Instruction[]; fromLine: number } {
    const last = Math.max(0, ...instructions.map((i) => i.stage));
    const body = instructions.filter((i) => i.stage === last);
    return { body, fromLine: body.find((i) => i.keyword === "FROM")?.line ?? 1 };
}

/** The image of a FROM line, without `--platform` and the `AS name` part. */
function fromImage(args: string): string {
    return args.split(/\s+/).filter((w) => !w.startsWith("--"))[0] ?? "";
}

/** FROM instructions that name an image, not an earlier stage or `scratch`. */
function baseImages(instructions: Instruction[]): { at: Instruction; image: string }[] {
    const froms = instructions.filter((i) => i.keyword === "FROM");
    const stages = new Set(
        froms.map((i) => /\sAS\s+(\S+)\s*$/i.exec(i.args)?.[1]?.toLowerCase()).filter(Boolean),
    );
    return froms
        .map((at) => ({ at, image: fromImage(at.args) }))
        .filter(({ image }) => image !== "scratch" && !stages.has(image.toLowerCase()));
}

/** One finding per offending instruction, each with the message built for it. */
function findingsAt(
    rule: string,
    offending: Instruction[],
    message: (i: Instruction) => string,
): DockerfileFinding[] {
    return offending.map((i) => ({ rule, line: i.line, message: message(i) }));
}

/** Variable names an ARG or ENV instruction declares. */
function declaredNames(instruction: Instruction): string[] {
    if (instruction.keyword === "ARG") {
        return [instruction.args.split("=")[0].trim()];
    }
    if (!instruction.args.includes("=")) {
        return [instruction.args.split(/\s+/)[0]];
    }
    return [...instruction.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]);
}

/** The final stage ends as a numeric, non-root USER. */
export const finalStageRunsAsNonRoot: DockerfileRule = {
    name: "final-stage-runs-as-non-root",
    description: "The final stage sets USER to a numeric uid:gid that is not root.",
    check(instructions) {
        const { body, fromLine } = finalStage(instructions);
        const users = body.filter((i) => i.keyword === "USER");
        const last = users[users.length - 1];
        if (!last) {
            return [
                {
                    rule: this.name,
                    line: fromLine,
                    message:
                        "the final stage sets no USER, so the app runs as root; add `USER <uid>:<gid>` " +
                        "with a non-zero numeric uid right before the ENTRYPOINT",
                },
            ];
        }
        const [user, group] = last.args.split(":");
        const numeric = /^\d+$/.test(user) && (group === undefined || /^\d+$/.test(group));
        if (!numeric || Number(user) === 0) {
            return [
                {
                    rule: this.name,
                    line: last.line,
                    message:
                        `USER ${last.args} is root or not numeric; a name can map to uid 0 and ` +
                        "runtimes cannot verify it. Use a non-zero numeric uid:gid such as 10001:10001",
                },
            ];
        }
        return [];
    },
};

/**
 * No package is installed after the final USER: installing needs root, so USER comes last
 * (erratum E8: guides switch USER first, the installs fail, and sudo follows).
 */
export const userSwitchedAfterInstalls: DockerfileRule = {
    name: "user-switched-after-installs",
    description: "The last USER comes after every package install of the final stage.",
    check(instructions) {
        const { body } = finalStage(instructions);
        const lastUser = body.map((i) => i.keyword).lastIndexOf("USER");
        if (lastUser < 0) {
            return [];
        }
        const late = body
            .slice(lastUser + 1)
            .filter((i) => i.keyword === "RUN" && PACKAGE_INSTALL.test(i.args));
        return findingsAt(
            this.name,
            late,
            () =>
                "this RUN installs packages after the switch to the non-root USER, where it " +
                "cannot write system folders; install first (or in the build stage) and " +
                "switch USER as the last step",
        );
    },
};

/** Every base image is pinned by digest, so a rebuild cannot silently change it (erratum E31). */
export const baseImagePinnedByDigest: DockerfileRule = {
    name: "base-image-pinned-by-digest",
    description: "Every FROM names its image by digest (repo@sha256:...) or local image id.",
    check(instructions) {
        const unpinned = baseImages(instructions).filter(({ image }) => !PINNED.test(image));
        return findingsAt(
            this.name,
            unpinned.map((b) => b.at),
            (i) =>
                `FROM ${fromImage(i.args)} is not pinned: a tag can point to other content ` +
                "tomorrow. Pin it as repo:tag@sha256:<digest>",
        );
    },
};

/** No base is `latest`, named or implied. */
export const noLatestTag: DockerfileRule = {
    name: "no-latest-tag",
    description: "No FROM uses the tag latest, whether written or implied by a missing tag.",
    check(instructions) {
        const latest = baseImages(instructions).filter(({ image }) => {
            if (/^sha256:/.test(image)) {
                return false;
            }
            // Drop a registry's port first, so that `host:5000/name` is not read as a tag.
            const name = image.split("@")[0].replace(/^[^/]+:\d+\//, "");
            const tag = /:([\w][\w.-]*)$/.exec(name)?.[1];
            return tag === undefined ? !image.includes("@") : tag.toLowerCase() === "latest";
        });
        return findingsAt(
            this.name,
            latest.map((b) => b.at),
            (i) =>
                `FROM ${fromImage(i.args)} uses the moving tag latest; name the release ` +
                "(e.g. debian:bookworm-20250101) and pin its digest",
        );
    },
};

/** ADD never fetches a URL: the download is unverified and bypasses the context. */
export const noAddFromUrl: DockerfileRule = {
    name: "no-add-from-url",
    description: "No ADD instruction downloads from a URL.",
    check(instructions) {
        const adds = instructions.filter((i) => i.keyword === "ADD" && REMOTE.test(i.args));
        return findingsAt(
            this.name,
            adds,
            () =>
                "ADD downloads a URL at build time without a checksum; vendor the file into " +
                "the context and COPY it",
        );
    },
};

/** COPY rather than ADD for local files: ADD also unpacks archives, which COPY never does. */
export const copyInsteadOfAdd: DockerfileRule = {
    name: "copy-instead-of-add",
    description: "Local files are copied with COPY, not ADD.",
    check(instructions) {
        const adds = instructions.filter((i) => i.keyword === "ADD" && !REMOTE.test(i.args));
        return findingsAt(
            this.name,
            adds,
            () => "ADD unpacks archives implicitly; use COPY for files from the context",
        );
    },
};

/** The final stage declares a HEALTHCHECK, so the engine knows when the app is really up. */
export const healthcheckPresent: DockerfileRule = {
    name: "healthcheck-present",
    description: "The final stage has a HEALTHCHECK that is not NONE.",
    check(instructions) {
        const { body, fromLine } = finalStage(instructions);
        const checks = body.filter((i) => i.keyword === "HEALTHCHECK");
        const last = checks[checks.length - 1];
        if (last && !/^NONE$/i.test(last.args)) {
            return [];
        }
        return [
            {
                rule: this.name,
                line: last?.line ?? fromLine,
                message:
                    "the final stage has no HEALTHCHECK, so dependants cannot wait for a healthy " +
                    "app; add one that requests the app's health path",
            },
        ];
    },
};

/** No ARG or ENV carries a credential: both stay readable in the image's history. */
export const noSecretsInArgsOrEnv: DockerfileRule = {
    name: "no-secrets-in-args-or-env",
    description: "No ARG or ENV is named like a password, token, key or secret.",
    check(instructions) {
        return instructions
            .filter((i) => i.keyword === "ARG" || i.keyword === "ENV")
            .flatMap((i) =>
                declaredNames(i)
                    .filter((name) => SECRET_NAME.test(name))
                    .map((name) => ({
                        rule: this.name,
                        line: i.line,
                        message:
                            `${i.keyword} ${name} looks like a secret, and build arguments and ` +
                            "environment stay in the image history; use a BuildKit secret mount " +
                            "(RUN --mount=type=secret) at build time or a secret at run time",
                    })),
            );
    },
};

/** No RUN uses sudo: build steps run as root already, and sudo in an image is an escalation path. */
export const noSudo: DockerfileRule = {
    name: "no-sudo",
    description: "No RUN instruction calls sudo.",
    check(instructions) {
        const runs = instructions.filter((i) => i.keyword === "RUN" && SUDO.test(i.args));
        return findingsAt(
            this.name,
            runs,
            () =>
                "RUN calls sudo; run the step before USER switches to the app user instead, " +
                "and keep sudo out of the image",
        );
    },
};

/** No COPY or ADD names a credential file: once in a layer, it stays in the image. */
export const noSecretFilesCopied: DockerfileRule = {
    name: "no-secret-files-copied",
    description: "No COPY or ADD source is an env file, a private key or a registry token file.",
    check(instructions) {
        const copies = instructions.filter(
            (i) =>
                (i.keyword === "COPY" || i.keyword === "ADD") &&
                i.args
                    .split(/\s+/)
                    .filter((w) => !w.startsWith("--"))
                    .slice(0, -1)
                    .some((source) => SECRET_FILE.test(source.replace(/\/+$/, ""))),
        );
        return findingsAt(
            this.name,
            copies,
            (i) =>
                `${i.keyword} ships a credential file into a layer, where deleting it later ` +
                "does not remove it; mount it at build time with RUN --mount=type=secret, " +
                "or give it to the container at run time",
        );
    },
};

/** The image says where it came from: the OCI source and revision labels. */
export const sourceLabelsPresent: DockerfileRule = {
    name: "source-labels-present",
    description: "The final stage sets the OCI source and revision labels.",
    check(instructions) {
        const { body, fromLine } = finalStage(instructions);
        const labels = body
            .filter((i) => i.keyword === "LABEL")
            .map((i) => i.args)
            .join(" ");
        return ["org.opencontainers.image.source", "org.opencontainers.image.revision"]
            .filter((label) => !labels.includes(`${label}=`))
            .map((label) => ({
                rule: this.name,
                line: fromLine,
                message: `the final stage has no ${label} label; set it so the image can be traced to its source`,
            }));
    },
};

/** Every rule, in the order findings are reported. */
export const DOCKERFILE_RULES: DockerfileRule[] = [
    finalStageRunsAsNonRoot,
    userSwitchedAfterInstalls,
    baseImagePinnedByDigest,
    noLatestTag,
    noAddFromUrl,
    copyInsteadOfAdd,
    healthcheckPresent,
    noSecretsInArgsOrEnv,
    noSudo,
    noSecretFilesCopied,
    sourceLabelsPresent,
];
