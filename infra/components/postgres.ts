import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { POSTGRES_PORT, PostgresConfig } from "../config/data";
import {
    POSTGRES_CONTAINER_PATHS,
    POSTGRES_VOLUME_PATH,
    PostgresPaths,
    postgresModel,
    renderPgHba,
    renderPostgresqlConf,
} from "../render/postgres";
import { stableScramVerifier } from "../render/passwords";
import { HardenedContainer, HardenedContainerArgs } from "./hardenedContainer";

/** Arguments of {@link PostgresServer}. */
export interface PostgresServerArgs {
    /** The validated settings. */
    config: PostgresConfig;
    /** The pulled image's id (config.image, pinned). */
    image: pulumi.Input<string>;
    /** The internal backend network's name; the server joins no other network. */
    backendNetwork: pulumi.Input<string>;
    /** The backend subnet, the only source pg_hba.conf admits. */
    backendSubnet: string;
    /** The server certificate, signed by the internal CA. */
    certificatePem: pulumi.Input<string>;
    /** Its private key; secret. */
    privateKeyPem: pulumi.Input<string>;
    /** The bootstrap superuser's password; secret. Only its SCRAM verifier is uploaded. */
    adminPassword: pulumi.Input<string>;
}

/** Prints the innermost mount point (field 5 of mountinfo) that holds the path `d`. */
const INNERMOST_MOUNT_AWK =
    '{ if ((d == $5 || index(d, $5 "/") == 1) && length($5) > length(m)) m = $5 } END { print m }';

/**
 * The shell the container runs: initialise the data directory on first start (the superuser's
 * password arrives as a SCRAM verifier in a file only the postgres uid can read), then start
 * the server on the rendered configuration. Given the data volume's mount point, it first
 * refuses to start when the data directory sits on another mount: an image VOLUME between the
 * two would keep the data in an anonymous volume that the next replacement drops. Exported
 * for tests.
 */
export function postgresStartScript(
    adminRole: string,
    paths: PostgresPaths,
    dataVolume?: string,
): string {
    const guard = dataVolume
        ? [
              `mount=$(awk -v d="${paths.dataDir}" '${INNERMOST_MOUNT_AWK}' /proc/self/mountinfo)`,
              `if [ "$mount" != "${dataVolume}" ]; then`,
              `  echo "${paths.dataDir} is on the mount $mount, not on the data volume at` +
                  ` ${dataVolume}: refusing to start" >&2`,
              "  exit 1",
              "fi",
          ]
        : [];
    return [
        "set -eu",
        ...guard,
        `if [ ! -s "${paths.dataDir}/PG_VERSION" ]; then`,
        `  initdb --pgdata="${paths.dataDir}" --username=${adminRole} \\`,
        `    --pwfile="${paths.adminPasswordFile}" --auth=scram-sha-256 \\`,
        "    --encoding=UTF8 --locale=C.UTF-8 --data-checksums >/dev/null",
        "fi",
        `exec postgres -D "${paths.dataDir}" -c config_file="${paths.configFile}"`,
    ].join("\n");
}

/** What {@link postgresContainerArgs} needs. */
export interface PostgresContainerInput {
    config: PostgresConfig;
    image: pulumi.Input<string>;
    /** The network to join, with the server's fixed address and name. */
    network: pulumi.Input<string>;
    /** The volume mounted at {@link POSTGRES_VOLUME_PATH}; the data directory is inside it. */
    dataVolume: pulumi.Input<string>;
    postgresqlConf: string;
    pgHbaConf: string;
    certificatePem: pulumi.Input<string>;
    privateKeyPem: pulumi.Input<string>;
    /** The superuser's SCRAM verifier for initdb. */
    adminVerifier: pulumi.Input<string>;
}

/**
 * The hardened container settings of the server: the start script, the data volume, the
 * rendered files with the owners and modes PostgreSQL accepts, and the pg_isready healthcheck.
 * Pure, so the live container test runs exactly these settings.
 */
export function postgresContainerArgs(input: PostgresContainerInput): HardenedContainerArgs {
    const { config } = input;
    const [uid, gid] = config.user.split(":").map(Number);
    const paths = POSTGRES_CONTAINER_PATHS;
    return {
        image: input.image,
        user: config.user,
        entrypoint: ["bash", "-c"],
        command: [postgresStartScript(config.roles.admin, paths, POSTGRES_VOLUME_PATH)],
        networks: [
            {
                name: input.network,
                aliases: [config.hostName],
                ipv4Address: config.ipv4Address,
            },
        ],
        volumes: [
            {
                volumeName: input.dataVolume,
                containerPath: POSTGRES_VOLUME_PATH,
                readOnly: false,
            },
        ],
        tmpfs: [{ path: "/tmp", size: "64m", mode: "1777" }],
        configDir: paths.configDir,
        files: [
            { path: paths.configFile, content: input.postgresqlConf },
            { path: paths.hbaFile, content: input.pgHbaConf },
            { path: paths.certFile, content: input.certificatePem },
            {
                // The server accepts a key owned by its own uid with mode 0600 at most.
                path: paths.keyFile,
                content: pulumi.secret(input.privateKeyPem),
                mode: "0600",
                owner: uid,
                group: gid,
            },
            {
                path: paths.adminPasswordFile,
                content: pulumi.secret(input.adminVerifier),
                mode: "0400",
                owner: uid,
                group: gid,
            },
        ],
        limits: config.limits,
        healthcheck: {
            // pg_isready asks the TCP listener whether it accepts logins; it sends no
            // password, so the hba rules do not get in its way.
            test: [
                "CMD",
                "pg_isready",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                String(POSTGRES_PORT),
                "-U",
                config.roles.admin,
                "-d",
                "postgres",
            ],
            intervalSeconds: 5,
            timeoutSeconds: 3,
            retries: 5,
            startPeriodSeconds: 30,
        },
        healthyTimeoutSeconds: 180,
        labels: { "hardened-stack.role": "database" },
    };
}

/**
 * PostgreSQL on the internal backend network: no published port, TLS with a certificate from
 * the internal CA, SCRAM only, and the complete rendered postgresql.conf and pg_hba.conf
 * passed with `-c config_file` (the hba file named in it), so nothing an image appends to a
 * default pg_hba.conf is ever read.
 */
export class PostgresServer extends pulumi.ComponentResource {
    /** The container; providers depend on it (it is created only once healthy). */
    public readonly container: HardenedContainer;
    /** The rendered postgresql.conf. */
    public readonly postgresqlConf: string;
    /** The rendered pg_hba.conf. */
    public readonly pgHbaConf: string;

    constructor(name: string, args: PostgresServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:data:PostgresServer", name, {}, opts);
        const { config } = args;
        const model = postgresModel(config, args.backendSubnet);
        this.postgresqlConf = renderPostgresqlConf(model);
        this.pgHbaConf = renderPgHba(model);

        // The data directory lives in a subfolder of the volume, which the image's postgres
        // user owns (the volume copies the ownership of /var/lib/postgresql from the image).
        const data = new docker.Volume(
            `${name}-data`,
            {
                name: `${name}-data`,
                labels: [{ label: "hardened-stack.role", value: "database" }],
            },
            { parent: this, retainOnDelete: true },
        );

        this.container = new HardenedContainer(
            name,
            postgresContainerArgs({
                config,
                image: args.image,
                network: args.backendNetwork,
                dataVolume: data.name,
                postgresqlConf: this.postgresqlConf,
                pgHbaConf: this.pgHbaConf,
                certificatePem: args.certificatePem,
                privateKeyPem: args.privateKeyPem,
                adminVerifier: pulumi
                    .output(args.adminPassword)
                    .apply((p) => stableScramVerifier(p, config.roles.admin)),
            }),
            { parent: this },
        );
        this.registerOutputs({});
    }
}
