import * as fs from "node:fs";
import * as path from "node:path";

import { ConfigReader, StringRule } from "./reader";
import { DIGEST_PINNED, IMAGE_REFERENCE } from "./rules";

/**
 * The type token of the AppImage component. Policies find the rendered Dockerfile in its
 * `dockerfile` input; the token lives here so that the pack need not load the component.
 */
export const APP_IMAGE_TYPE = "hardened-stack:image:AppImage";

/** The languages the Dockerfile template knows; each has its own partials. */
export const BUILD_LANGUAGES = ["python", "node"] as const;

/** A language the app can be built from. */
export type BuildLanguage = (typeof BUILD_LANGUAGES)[number];

/** How the app's image is built when the stack builds it instead of pulling a pinned one. */
export interface AppBuildConfig {
    /** Absolute path of the build context folder. */
    context: string;
    /** Which template partials install dependencies and start the app. */
    language: BuildLanguage;
    /** The build stage's base image, pinned by digest or given as a local image id. */
    baseImage: string;
    /** The final stage's base image; the build stage's when not set. */
    runtimeImage: string;
    /** The exec-form command the image starts. */
    command: string[];
    /** Absolute paths the app user may write; everything else is root's and read-only. */
    writablePaths: string[];
    /** Where the source lives, for the `org.opencontainers.image.source` label. */
    source: string;
    /** The source revision, for the `org.opencontainers.image.revision` label. */
    revision: string;
}

/**
 * A pinned base: `repo[:tag]@sha256:<64 hex>`, or a local image id `sha256:<64 hex>` (content
 * addressed too, and what a `docker import`ed base has instead of a registry digest).
 */
export const PINNED_BASE = new RegExp(`${DIGEST_PINNED.source}|^sha256:[a-f0-9]{64}$`);

/** Commands each language starts with unless `appBuild.command` says otherwise. */
export const DEFAULT_COMMANDS: Record<BuildLanguage, string[]> = {
    python: ["/opt/app/venv/bin/python", "-m", "app"],
    node: ["node", "src/index.js"],
};

/** Files and folders each language's build copies from the context; all must exist. */
export const CONTEXT_INPUTS: Record<BuildLanguage, string[]> = {
    python: ["requirements.txt", "wheels", "src"],
    node: ["package.json", "package-lock.json", "npm-cache", "src"],
};

/** Paths that must stay root's: making one writable would let the app change the system. */
const PROTECTED_PATHS = /^\/(bin|boot|dev|etc|lib\w*|opt\/app|proc|root|sbin|sys|usr)(\/|$)/;

/** A word that lands in the Dockerfile: no quotes, spaces or directive characters. */
const DOCKERFILE_WORD: StringRule = {
    rendered: true,
    pattern: /^[\w./:@+=,-]+$/,
    expected: "letters, digits and . / : @ + = , - _ (no spaces or quotes)",
};

const FIELDS = [
    "context",
    "language",
    "baseImage",
    "runtimeImage",
    "command",
    "writablePaths",
    "source",
    "revision",
];

/** Fields a build cannot do without, with the form each expects. */
const REQUIRED_FIELDS: Record<string, string> = {
    context: "the path of the app's build context folder",
    baseImage: "an image pinned by digest",
    source: "the https URL of the source repository",
    revision: "the commit id the context was checked out at",
};

/**
 * Reads `appBuild`, the alternative to `app.image`: the stack builds the app's image from a
 * context folder with a rendered Dockerfile. Returns undefined when the key is not set.
 * Setting both is an error, since the container could only ever run one of them.
 */
export function readAppBuildConfig(
    reader: ConfigReader,
    requireDigest: boolean,
    projectDir: string = process.cwd(),
): AppBuildConfig | undefined {
    if (reader.raw("appBuild") === undefined) {
        return undefined;
    }
    const view = reader.object("appBuild", FIELDS);
    const app = reader.raw("app");
    if (typeof app === "object" && app !== null && "image" in app) {
        reader.report(
            "appBuild",
            "is set together with app.image",
            "either app.image (a pinned image to run) or appBuild (a build), not both",
        );
    }
    const language = view.oneOf<BuildLanguage>("language", "python", BUILD_LANGUAGES);
    const contextDir = view.string("context", "", {
        rendered: true,
        expected: `a folder holding ${CONTEXT_INPUTS[language].join(", ")}`,
        check: (v) => describeContext(path.resolve(projectDir, v), language),
    });
    for (const [field, expected] of Object.entries(REQUIRED_FIELDS)) {
        if (!view.has(field)) {
            view.report(field, "is missing", expected);
        }
    }
    const baseImage = view.string("baseImage", "", baseImageRule(requireDigest));
    return {
        context: path.resolve(projectDir, contextDir),
        language,
        baseImage,
        runtimeImage: view.string("runtimeImage", baseImage, baseImageRule(requireDigest)),
        command: view.stringList("command", DEFAULT_COMMANDS[language], {
            ...DOCKERFILE_WORD,
            minItems: 1,
        }),
        writablePaths: view.stringList("writablePaths", [], {
            rendered: true,
            pattern: /^(\/[\w.-]+)+$/,
            expected: "absolute paths outside the system and app folders, such as /var/lib/app",
            check: (v) =>
                PROTECTED_PATHS.test(v) || v.split("/").includes("..")
                    ? "is a system or app folder"
                    : undefined,
        }),
        source: view.string("source", "", {
            rendered: true,
            pattern: /^https:\/\/[\w.-]+(\/[\w.~%+-]+)*\/?$/,
            expected: "the https URL of the source repository",
        }),
        revision: view.string("revision", "", {
            pattern: /^[0-9a-f]{7,40}$/,
            expected: "a commit id of 7 to 40 lower-case hex digits",
        }),
    };
}

/** The rule for a base image: pinned outside dev; a tag is tolerated in dev, never `latest`. */
function baseImageRule(requireDigest: boolean): StringRule {
    const pinned =
        "an image pinned by digest (repo:tag@sha256:<64 hex>) or a local image id (sha256:<64 hex>)";
    return {
        rendered: true,
        expected: requireDigest ? pinned : `${pinned}; dev stacks may use a tag`,
        check: (v) => {
            if (!PINNED_BASE.test(v) && (requireDigest || !IMAGE_REFERENCE.test(v))) {
                return requireDigest ? "is not pinned by digest" : "is not an image reference";
            }
            // A bare name means latest; latest pinned to a digest still names a moving tag.
            return /:latest(@|$)/i.test(v) || !/[:@]/.test(v)
                ? 'uses the mutable tag "latest"'
                : undefined;
        },
    };
}

/** The inputs the language's build copies that the context folder lacks. */
export function missingContextInputs(dir: string, language: BuildLanguage): string[] {
    return CONTEXT_INPUTS[language].filter((f) => !fs.existsSync(path.join(dir, f)));
}

function describeContext(dir: string, language: BuildLanguage): string | undefined {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        return `is not a folder (resolved to ${dir})`;
    }
    const missing = missingContextInputs(dir, language);
    return missing.length > 0 ? `lacks ${missing.join(", ")}` : undefined;
}
