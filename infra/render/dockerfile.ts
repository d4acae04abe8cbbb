import { AppBuildConfig, BuildLanguage } from "../config/image";
import { AppConfig } from "../config/web";
import { renderTemplate } from "./templates";

/** Where the app and its dependencies live in the image. */
export const APP_DIR = "/opt/app";

/** Programs whose presence in the final stage fails the build: nothing there may compile. */
export const BUILD_TOOLS = ["gcc", "cc", "c++", "g++", "clang", "make", "ld", "as"];

/** Labels of the OCI image spec that tie an image to its source. */
export const SOURCE_LABEL = "org.opencontainers.image.source";
export const REVISION_LABEL = "org.opencontainers.image.revision";

/** One image label. */
export interface LabelLine {
    name: string;
    value: string;
}

/** Everything the Dockerfile template needs; built from config by {@link dockerfileModel}. */
export interface DockerfileModel {
    /** The language, which names the partials that install and start the app. */
    language: BuildLanguage;
    /** `dockerfile/<language>-build`: installs dependencies in the build stage. */
    buildPartial: string;
    /** `dockerfile/<language>-final`: the language's part of the final stage. */
    finalPartial: string;
    /** The build stage's `FROM`. */
    baseImage: string;
    /** The final stage's `FROM`. */
    runtimeImage: string;
    appDir: string;
    /** The numeric uid and gid the app runs as, and the account name they get. */
    uid: number;
    gid: number;
    userName: string;
    /** Folders created for, and handed to, the app user. */
    writablePaths: string[];
    labels: LabelLine[];
    /** The port the app listens on, documented with EXPOSE. */
    port: number;
    /** The HEALTHCHECK command as an exec-form JSON array. */
    healthcheck: string;
    /** The ENTRYPOINT as an exec-form JSON array. */
    entrypoint: string;
    /** Space-separated names of the build tools the final stage must not have. */
    compilers: string;
}

/** A check that exits non-zero unless the app answers its health path with a success. */
export function healthcheckCommand(language: BuildLanguage, app: AppConfig): string[] {
    const url = `http://127.0.0.1:${app.port}${app.healthPath}`;
    if (language === "python") {
        return [
            `${APP_DIR}/venv/bin/python`,
            "-c",
            `import urllib.request; urllib.request.urlopen('${url}', timeout=3)`,
        ];
    }
    return [
        "node",
        "-e",
        `require('http').get('${url}', (r) => process.exit(r.statusCode < 400 ? 0 : 1))` +
            `.on('error', () => process.exit(1))`,
    ];
}

/** Builds the template model from the validated build and app settings. */
export function dockerfileModel(build: AppBuildConfig, app: AppConfig): DockerfileModel {
    const [uid, gid] = app.user.split(":").map(Number);
    return {
        language: build.language,
        buildPartial: `dockerfile/${build.language}-build`,
        finalPartial: `dockerfile/${build.language}-final`,
        baseImage: build.baseImage,
        runtimeImage: build.runtimeImage,
        appDir: APP_DIR,
        uid,
        gid,
        userName: app.name,
        writablePaths: build.writablePaths,
        labels: [
            { name: SOURCE_LABEL, value: build.source },
            { name: REVISION_LABEL, value: build.revision },
        ],
        port: app.port,
        healthcheck: execForm(healthcheckCommand(build.language, app)),
        entrypoint: execForm(build.command),
        compilers: BUILD_TOOLS.join(" "),
    };
}

/** A command in the exec form of a Dockerfile: a JSON array, spaced for reading. */
export function execForm(words: string[]): string {
    return `[${words.map((w) => JSON.stringify(w)).join(", ")}]`;
}

/** Renders the app's Dockerfile. */
export function renderDockerfile(model: DockerfileModel): string {
    return renderTemplate("dockerfile/Dockerfile", model);
}
