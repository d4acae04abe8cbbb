import * as pulumi from "@pulumi/pulumi";

import { ResourceLimits } from "../config/web";
import {
    CONTAINER_PATHS,
    NGINX_HTTP_PORT,
    NGINX_HTTPS_PORT,
    NginxModel,
    renderNginxConfig,
} from "../render/nginx";
import { HardenedContainer, NetworkAttachment } from "./hardenedContainer";

/** Arguments of {@link WebProxy}. */
export interface WebProxyArgs {
    /** The nginx image, pinned by digest outside dev. */
    image: pulumi.Input<string>;
    /** Numeric uid:gid nginx runs as. */
    user: string;
    /** The template model; see infra/render/nginx.ts. */
    model: NginxModel;
    /** The certificate chain served to clients. */
    certificatePem: pulumi.Input<string>;
    /** The certificate's private key; secret. */
    privateKeyPem: pulumi.Input<string>;
    /** The frontend network, with nginx's fixed address on it. */
    network: NetworkAttachment;
    /** Host address the public ports bind to. */
    bindAddress: string;
    /** Host port for HTTPS. */
    httpsPort: number;
    /** Host port for the HTTP redirect. */
    httpPort: number;
    limits: ResourceLimits;
}

/**
 * nginx as the only public entry: TLS termination, security headers, rate limits and the
 * reverse proxy to the app. It runs as a non-root uid on a read-only root with its pid and temp
 * files on a tmpfs, listens on unprivileged container ports and is the one container that
 * publishes ports on the public address.
 */
export class WebProxy extends pulumi.ComponentResource {
    /** The rendered nginx.conf, exported so policies and the preview can read it. */
    public readonly nginxConf: string;
    /** The nginx container. */
    public readonly container: HardenedContainer;

    constructor(name: string, args: WebProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:proxy:WebProxy", name, {}, opts);
        this.nginxConf = renderNginxConfig(args.model);
        const configDir = CONTAINER_PATHS.configDir;
        const [uid, gid] = args.user.split(":").map(Number);
        this.container = new HardenedContainer(
            name,
            {
                image: args.image,
                user: args.user,
                command: ["nginx", "-c", `${configDir}/nginx.conf`, "-g", "daemon off;"],
                networks: [args.network],
                ports: [
                    {
                        internal: NGINX_HTTPS_PORT,
                        external: args.httpsPort,
                        bindAddress: args.bindAddress,
                        purpose: "HTTPS, the public entry",
                    },
                    {
                        internal: NGINX_HTTP_PORT,
                        external: args.httpPort,
                        bindAddress: args.bindAddress,
                        purpose: "HTTP, redirects to HTTPS",
                    },
                ],
                tmpfs: [
                    {
                        path: CONTAINER_PATHS.runtimeDir,
                        size: "64m",
                        mode: "0700",
                        owner: args.user,
                    },
                ],
                configDir,
                files: [
                    { path: `${configDir}/nginx.conf`, content: this.nginxConf },
                    { path: `${configDir}/tls/fullchain.pem`, content: args.certificatePem },
                    {
                        // Readable by nginx's uid alone; root keeps ownership of the directory.
                        path: `${configDir}/tls/privkey.pem`,
                        content: pulumi.secret(args.privateKeyPem),
                        mode: "0400",
                        owner: uid,
                        group: gid,
                    },
                ],
                limits: args.limits,
                healthcheck: {
                    // The image has bash but no HTTP client: a TCP connect to the TLS port.
                    test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${NGINX_HTTPS_PORT}`],
                    intervalSeconds: 10,
                    timeoutSeconds: 3,
                    retries: 3,
                    startPeriodSeconds: 5,
                },
                labels: { "hardened-stack.role": "edge" },
            },
            { parent: this },
        );
        this.registerOutputs({ nginxConf: this.nginxConf });
    }
}
