import * as pulumi from "@pulumi/pulumi";

import { AppConfig } from "../config/web";
import { ContainerFile, HardenedContainer, NetworkAttachment } from "./hardenedContainer";

/** Arguments of {@link App}. */
export interface AppArgs {
    /** The app's validated settings. */
    config: AppConfig;
    /** The image to run; a digest-pinned reference or a built image's id. */
    image: pulumi.Input<string>;
    /** The networks it joins: the frontend, and the backend when it has a data tier. */
    networks: NetworkAttachment[];
    /** Secret environment values, by name; wrapped as secrets before they reach Docker. */
    secretEnv: Record<string, pulumi.Input<string>>;
    /** Extra plain environment values added by other tiers (for example database settings). */
    extraEnv?: Record<string, pulumi.Input<string>>;
    /** Files the app reads, such as a CA certificate or a credential; written before it starts. */
    files?: ContainerFile[];
    /**
     * The healthcheck command in exec form, without `CMD`, for an image whose own check
     * differs (a built image's, see AppImage); by default python3 requests the health path.
     */
    healthcheckCommand?: string[];
    /**
     * Folders the app writes besides /tmp (a built image's `appBuild.writablePaths`); the root
     * file system is read-only, so each gets a tmpfs owned by the app's uid. Not persistent.
     */
    writablePaths?: string[];
}

/** Where the app finds files the stack writes for it. */
export const APP_CONFIG_DIR = "/etc/app";

/**
 * The application container behind the proxy. It publishes no port: nginx reaches it over the
 * frontend network by name, and it reaches the data tier over the backend network.
 */
export class App extends pulumi.ComponentResource {
    /** The app container. */
    public readonly container: HardenedContainer;

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:app:App", name, {}, opts);
        const { config } = args;
        const healthUrl = `http://127.0.0.1:${config.port}${config.healthPath}`;
        this.container = new HardenedContainer(
            name,
            {
                image: args.image,
                user: config.user,
                env: { PORT: String(config.port), ...config.env, ...args.extraEnv },
                secretEnv: args.secretEnv,
                networks: args.networks,
                tmpfs: [
                    { path: "/tmp", size: "64m", mode: "1777" },
                    ...(args.writablePaths ?? []).map((p) => ({
                        path: p,
                        size: "64m",
                        mode: "0700",
                        owner: config.user,
                    })),
                ],
                configDir: args.files && args.files.length > 0 ? APP_CONFIG_DIR : undefined,
                files: args.files,
                limits: config.limits,
                healthcheck: {
                    test: [
                        "CMD",
                        ...(args.healthcheckCommand ?? [
                            "python3",
                            "-c",
                            `import urllib.request; urllib.request.urlopen("${healthUrl}", timeout=3)`,
                        ]),
                    ],
                    intervalSeconds: 10,
                    timeoutSeconds: 5,
                    retries: 3,
                    startPeriodSeconds: 20,
                },
                labels: { "hardened-stack.role": "app" },
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
