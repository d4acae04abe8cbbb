import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import {
    APP_IMAGE_TYPE,
    AppBuildConfig,
    CONTEXT_INPUTS,
    missingContextInputs,
} from "../config/image";
import { AppConfig } from "../config/web";
import { dockerfileModel, healthcheckCommand, renderDockerfile } from "../render/dockerfile";
import { SECRET_FILE, lintDockerfile } from "../../policies/lib/dockerfileLint";

/** Arguments of {@link AppImage}. */
export interface AppImageArgs {
    /** The validated build settings: context, language, bases, command, labels. */
    build: AppBuildConfig;
    /** The app's settings: its uid:gid, port, health path and name go into the image. */
    app: AppConfig;
    /**
     * Folder the rendered Dockerfile is written to (as `<name>.<content digest>.Dockerfile`),
     * outside the context so that no COPY can ship it. Defaults to `out/dockerfiles` under the
     * working directory (the project).
     */
    dockerfileDir?: string;
}

/** The lint rule a dev stack may break with a tag-only base (config refuses it elsewhere). */
const DEV_TOLERATED_RULES = ["base-image-pinned-by-digest"];

/**
 * The app's image, built on the Docker host from a Dockerfile rendered from
 * `templates/dockerfile/`, with the network off. It is tagged with the digest of its inputs
 * (the Dockerfile and every context file it copies), and `imageId` is the built image's id:
 * the container runs exactly what was built, and any change to an input rebuilds it. A context
 * that lacks an input or holds a credential file, or a Dockerfile that breaks a lint rule, is
 * refused before anything is registered. The rendered Dockerfile is the component's
 * `dockerfile` input, so policies can read it at preview.
 */
export class AppImage extends pulumi.ComponentResource {
    /** The rendered Dockerfile, for policies and the preview. */
    public readonly dockerfile: string;
    /** Where the rendered Dockerfile was written. */
    public readonly dockerfilePath: string;
    /** sha256 (hex) of the Dockerfile and the context inputs; the image's tag. */
    public readonly contentDigest: string;
    /** The image's HEALTHCHECK command (exec form), for the container to run the same. */
    public readonly healthcheckCommand: string[];
    /** The image resource. */
    public readonly image: docker.Image;
    /** The built image's id (`sha256:...`), which the container must use. */
    public readonly imageId: pulumi.Output<string>;

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        const { build } = args;
        validateContext(name, build);
        const dockerfile = renderDockerfile(dockerfileModel(build, args.app));
        const findings = lintDockerfile(dockerfile);
        const blocking = findings.filter((f) => !DEV_TOLERATED_RULES.includes(f.rule));
        if (blocking.length > 0) {
            const lines = blocking.map((f) => `  - line ${f.line}, ${f.rule}: ${f.message}`);
            throw new Error(
                `AppImage ${name}: the rendered Dockerfile breaks:\n${lines.join("\n")}`,
            );
        }
        // A component's inputs reach the policy engine, which reads the Dockerfile from here.
        super(APP_IMAGE_TYPE, name, { dockerfile, language: build.language }, opts);
        this.dockerfile = dockerfile;
        this.healthcheckCommand = healthcheckCommand(build.language, args.app);
        for (const f of findings) {
            pulumi.log.warn(`${f.rule}: ${f.message}`, this);
        }

        const dir = path.resolve(args.dockerfileDir ?? path.join("out", "dockerfiles"));
        // Named by content, so programs that render different Dockerfiles never share a file.
        const textDigest = createHash("sha256").update(dockerfile).digest("hex").slice(0, 16);
        this.dockerfilePath = path.join(dir, `${name}.${textDigest}.Dockerfile`);
        writeIfChanged(this.dockerfilePath, dockerfile);
        this.contentDigest = contextDigest(
            build.context,
            CONTEXT_INPUTS[build.language],
            this.dockerfile,
        );

        this.image = new docker.Image(
            name,
            {
                imageName: `hardened-stack/${args.app.name}:${this.contentDigest}`,
                skipPush: true,
                build: {
                    context: build.context,
                    dockerfile: this.dockerfilePath,
                    // Every input is in the context; RUN steps get no network at all.
                    network: "none",
                    builderVersion: "BuilderBuildKit",
                },
            },
            { parent: this },
        );
        // For an image that is never pushed, the provider reports the local image id here.
        this.imageId = this.image.repoDigest;
        this.registerOutputs({ imageId: this.imageId, contentDigest: this.contentDigest });
    }
}

/**
 * Throws unless the context is an absolute folder with every input the language copies, and
 * none of the files it copies looks like a credential.
 */
function validateContext(name: string, build: AppBuildConfig): void {
    if (!path.isAbsolute(build.context)) {
        throw new Error(`AppImage ${name}: the context must be an absolute path`);
    }
    const missing = missingContextInputs(build.context, build.language);
    if (missing.length > 0) {
        throw new Error(
            `AppImage ${name}: the context ${build.context} lacks ${missing.join(", ")}`,
        );
    }
    const secrets = contextFiles(build.context, CONTEXT_INPUTS[build.language]).filter((f) =>
        SECRET_FILE.test(f),
    );
    if (secrets.length > 0) {
        throw new Error(
            `AppImage ${name}: the build would copy credential files into the image ` +
                `(${secrets.join(", ")}); move them out of the context`,
        );
    }
}

/**
 * The sha256 (hex) of a Dockerfile and the context inputs it copies: each file's path, its
 * executable bit and its content, in a fixed order, so the digest names the build's inputs.
 */
export function contextDigest(context: string, inputs: string[], dockerfile: string): string {
    const hash = createHash("sha256").update(`Dockerfile\0${dockerfile}\0`);
    for (const rel of contextFiles(context, inputs)) {
        const full = path.join(context, rel);
        const stat = fs.lstatSync(full);
        const body = stat.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : fs.readFileSync(full);
        const exec = stat.mode & 0o111 ? "x" : "-";
        hash.update(`${rel}\0${exec}\0`).update(body).update("\0");
    }
    return hash.digest("hex");
}

/** Every file the build copies from the context, relative to it, sorted. */
export function contextFiles(context: string, inputs: string[]): string[] {
    return inputs.flatMap((input) => listFiles(context, input)).sort();
}

/** The files under a context path, relative to the context, depth first. */
function listFiles(context: string, rel: string): string[] {
    const full = path.join(context, rel);
    const stat = fs.lstatSync(full);
    if (!stat.isDirectory()) {
        return [rel];
    }
    return fs.readdirSync(full).flatMap((entry) => listFiles(context, path.join(rel, entry)));
}

/**
 * Writes the file unless it already holds the text. A temporary name and a rename mean a
 * concurrent reader sees the old file or the new one, never half of it.
 */
function writeIfChanged(file: string, text: string): void {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) {
        return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
}
