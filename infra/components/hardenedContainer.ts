import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { ResourceLimits } from "../config/web";

/** Capabilities that break container isolation; no reason makes them acceptable here. */
export const FORBIDDEN_CAPABILITIES = [
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "NET_RAW",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
] as const;

/** The system directories no mount may shadow in a container or expose from the host (CIS 5.6). */
export const SYSTEM_DIRECTORIES = [
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/sys",
    "/usr",
    "/var/lib/docker",
] as const;

/** Paths whose mount would hand the container control of the host. */
const FORBIDDEN_HOST_PATHS: readonly string[] = [
    ...SYSTEM_DIRECTORIES,
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd",
];

/** Mount options every tmpfs gets: nothing on it can be a device or gain privileges. */
const TMPFS_BASE_OPTIONS = "rw,nosuid,nodev,noexec";

/** A capability added back after dropping all, with the reason it is needed. */
export interface CapabilityGrant {
    /** The capability name without the CAP_ prefix, e.g. `IPC_LOCK`. */
    name: string;
    /** Why the service cannot run without it; shown in the preview and checked by policy. */
    reason: string;
}

/** A network the container joins. */
export interface NetworkAttachment {
    /** The network's name (a docker.Network's `name` output). */
    name: pulumi.Input<string>;
    /** Names other members use to reach this container. */
    aliases?: string[];
    /** A fixed address, for firewall rules that must name the container. */
    ipv4Address?: string;
}

/** A published port. Always bound to an explicit host address. */
export interface PublishedPort {
    /** The port inside the container. */
    internal: number;
    /** The host port. */
    external: number;
    /** The host address to bind: a specific address, or 0.0.0.0 for a public listener. */
    bindAddress: string;
    /** Why the port is published; shown in the preview. */
    purpose: string;
}

/** A writable in-memory directory. */
export interface TmpfsMount {
    /** Absolute path inside the container. */
    path: string;
    /** Size ceiling, e.g. `16m`. */
    size: string;
    /** Whether programs may be executed from it (off by default). */
    exec?: boolean;
    /** Octal mode of the mount point, e.g. `1777` or `0700`. */
    mode?: string;
    /** Owner uid:gid of the mount point, where the process cannot create it itself. */
    owner?: string;
}

/** A named Docker volume mounted into the container. */
export interface VolumeMount {
    /** The volume's name (a docker.Volume's `name` output). */
    volumeName: pulumi.Input<string>;
    /** Absolute path inside the container. */
    containerPath: string;
    /** Whether the container may only read it. */
    readOnly: boolean;
}

/** A file written into the container before it starts, into its config volume. */
export interface ContainerFile {
    /** Absolute path; must lie under the component's `configDir`. */
    path: string;
    /** The file's text; wrap secret content with pulumi.secret. */
    content: pulumi.Input<string>;
    /** Octal permissions, e.g. `0444`; defaults to `0444` (nobody writes it). */
    mode?: string;
    /** Owner uid, default 0 (root), so the service cannot rewrite its own config. */
    owner?: number;
    /** Group gid, default 0. */
    group?: number;
}

/** The container's healthcheck. */
export interface HealthcheckArgs {
    /** The check, in Docker's form: `["CMD", ...]` or `["CMD-SHELL", "..."]`. */
    test: string[];
    intervalSeconds?: number;
    timeoutSeconds?: number;
    retries?: number;
    startPeriodSeconds?: number;
}

/** Arguments of {@link HardenedContainer}. Every default is the hardened choice. */
export interface HardenedContainerArgs {
    /** The image: a reference pinned by digest, or an image id. */
    image: pulumi.Input<string>;
    /** Numeric `uid:gid`; root (0) is refused. */
    user: string;
    /** The command, replacing the image's CMD. */
    command?: pulumi.Input<string>[];
    /** The entrypoint, replacing the image's ENTRYPOINT. */
    entrypoint?: pulumi.Input<string>[];
    /** Plain environment variables. */
    env?: Record<string, pulumi.Input<string>>;
    /** Secret environment variables; their values are wrapped with pulumi.secret. */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** Networks to join; at least one. Never the default bridge or the host network. */
    networks: NetworkAttachment[];
    /** Ports to publish; none unless declared. */
    ports?: PublishedPort[];
    /** Writable in-memory paths, for a process that must write outside its volumes. */
    tmpfs?: TmpfsMount[];
    /** Named volumes. */
    volumes?: VolumeMount[];
    /** Files to write before start; they go to a per-container config volume. */
    files?: ContainerFile[];
    /** Where the config volume is mounted; required when `files` is given. */
    configDir?: string;
    /** Capabilities to add back after dropping all; each needs a reason. */
    capabilities?: CapabilityGrant[];
    /** Memory, CPU and process ceilings. */
    limits: ResourceLimits;
    /** The healthcheck; required, since dependants wait for healthy. */
    healthcheck: HealthcheckArgs;
    /** Restarts on failure, at most this many times (CIS Docker 5.15 asks for 5 or fewer). */
    maxRestarts?: number;
    /** Whether `pulumi up` waits until the container is healthy (default true). */
    waitForHealthy?: boolean;
    /** Seconds to wait for healthy before failing the update. */
    healthyTimeoutSeconds?: number;
    /**
     * A writable root file system. Off by default; turning it on needs a reason, which is kept
     * in the container's labels.
     */
    writableRootReason?: string;
    /** Extra labels. */
    labels?: Record<string, string>;
}

/** The label naming the service a file seed writes for. */
export const FILE_SEED_LABEL = "hardened-stack.file-seed";

/** The label naming the file seed that holds a service's files. */
export const FILES_IN_LABEL = "hardened-stack.files-in";

/** Inputs that Docker fixes when it creates a container; changing one must replace it. */
export const CREATE_ONLY_INPUTS = [
    "labels",
    "user",
    "capabilities",
    "securityOpts",
    "readOnly",
    "tmpfs",
    "mounts",
    "healthcheck",
    "ports",
    "networksAdvanced",
    "ulimits",
    "uploads",
    "envs",
];

/**
 * A container with the hardened settings on by default: a numeric non-root user, a read-only
 * root file system, every capability dropped, no-new-privileges, memory, CPU and process
 * ceilings, a healthcheck, bounded restarts, rotated logs, and ports only where declared, each
 * on an explicit address. It never runs privileged, never shares the host's network, PID or
 * IPC namespace and never mounts the Docker socket.
 */
export class HardenedContainer extends pulumi.ComponentResource {
    /** The container. */
    public readonly container: docker.Container;
    /** The volume holding the rendered files, if any. */
    public readonly configVolume?: docker.Volume;
    /**
     * The file seed: a container that is created but never started, only so that Docker copies
     * the files into the config volume. The provider copies uploads to the container's root,
     * which the engine refuses on a read-only root; the seed has a writable root, no network and
     * no process, and the service mounts the volume read-only.
     */
    public readonly fileSeed?: docker.Container;
    /** The container's name on the Docker host. */
    public readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: HardenedContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:container:HardenedContainer", name, {}, opts);
        validateContainerArgs(name, args);

        if (args.files && args.files.length > 0) {
            this.configVolume = new docker.Volume(
                `${name}-config`,
                {
                    name: `${name}-config`,
                    labels: [{ label: "hardened-stack.role", value: "config" }],
                },
                { parent: this },
            );
            this.fileSeed = new docker.Container(
                `${name}-files`,
                fileSeedInputs(name, args, this.configVolume.name),
                { parent: this, replaceOnChanges: CREATE_ONLY_INPUTS, deleteBeforeReplace: true },
            );
        }
        this.container = new docker.Container(
            name,
            containerInputs(name, args, this.configVolume?.name),
            {
                parent: this,
                replaceOnChanges: CREATE_ONLY_INPUTS,
                deleteBeforeReplace: true,
                dependsOn: this.fileSeed ? [this.fileSeed] : [],
                // New files replace the seed, and the service with it, so it starts on them.
                replaceWith: this.fileSeed ? [this.fileSeed] : [],
            },
        );
        this.containerName = this.container.name;
        this.registerOutputs({ containerName: this.containerName });
    }
}

/** Throws on any argument combination that would weaken the container. Exported for tests. */
export function validateContainerArgs(name: string, args: HardenedContainerArgs): void {
    const fail = (why: string): never => {
        throw new Error(`HardenedContainer ${name}: ${why}`);
    };
    if (!/^[1-9]\d*:[1-9]\d*$/.test(args.user)) {
        fail(`user must be a numeric non-root uid:gid, got "${args.user}"`);
    }
    if (args.networks.length === 0) {
        fail("needs at least one network; the default bridge is never used");
    }
    for (const cap of args.capabilities ?? []) {
        const capName = cap.name.toUpperCase().replace(/^CAP_/, "");
        if ((FORBIDDEN_CAPABILITIES as readonly string[]).includes(capName)) {
            fail(`capability ${capName} is never granted`);
        }
        if (!cap.reason || cap.reason.trim().length < 10) {
            fail(`capability ${capName} needs a stated reason`);
        }
    }
    for (const port of args.ports ?? []) {
        if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(port.bindAddress)) {
            fail(`port ${port.internal} needs an explicit IPv4 bind address`);
        }
        if (port.internal < 1024) {
            fail(`port ${port.internal} inside the container needs a capability; use >= 1024`);
        }
    }
    for (const t of args.tmpfs ?? []) {
        if (!t.path.startsWith("/")) {
            fail(`tmpfs path "${t.path}" must be absolute`);
        }
    }
    for (const v of args.volumes ?? []) {
        if (FORBIDDEN_HOST_PATHS.includes(v.containerPath.replace(/\/+$/, "") || "/")) {
            fail(`volume target "${v.containerPath}" shadows a system path`);
        }
    }
    if (args.files && args.files.length > 0) {
        if (!args.configDir || !args.configDir.startsWith("/")) {
            fail("files need an absolute configDir to live in");
        }
        for (const f of args.files) {
            if (!f.path.startsWith(`${args.configDir}/`)) {
                fail(`file ${f.path} must lie under ${args.configDir}`);
            }
        }
    }
    if ((args.maxRestarts ?? 5) > 5 || (args.maxRestarts ?? 5) < 0) {
        fail("maxRestarts must be from 0 to 5");
    }
    if (args.healthcheck.test.length < 2 || !/^CMD(-SHELL)?$/.test(args.healthcheck.test[0])) {
        fail('healthcheck.test must start with "CMD" or "CMD-SHELL" and name a check');
    }
    if (args.writableRootReason !== undefined && args.writableRootReason.trim().length < 10) {
        fail("a writable root file system needs a stated reason");
    }
}

/** The docker.Container inputs the component registers. Exported for tests and the preview. */
export function containerInputs(
    name: string,
    args: HardenedContainerArgs,
    configVolumeName?: pulumi.Input<string>,
): docker.ContainerArgs {
    const hc = args.healthcheck;
    const secretEnv = Object.entries(args.secretEnv ?? {}).map(([k, v]) =>
        pulumi.secret(pulumi.interpolate`${k}=${v}`),
    );
    const plainEnv = Object.entries(args.env ?? {}).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
    const labels: Record<string, string> = {
        "hardened-stack.component": name,
        ...(args.writableRootReason
            ? { "hardened-stack.writable-root": args.writableRootReason }
            : {}),
        ...(args.files?.length ? { [FILES_IN_LABEL]: `${name}-files` } : {}),
        ...Object.fromEntries(
            (args.capabilities ?? []).map((c) => [`hardened-stack.cap.${c.name}`, c.reason]),
        ),
        ...args.labels,
    };
    const mounts: docker.types.input.ContainerMount[] = [
        ...(args.volumes ?? []).map((v) => ({
            type: "volume",
            source: v.volumeName,
            target: v.containerPath,
            readOnly: v.readOnly,
        })),
    ];
    if (configVolumeName !== undefined && args.configDir) {
        // The file seed wrote the files; the service only reads them.
        mounts.push({
            type: "volume",
            source: configVolumeName,
            target: args.configDir,
            readOnly: true,
        });
    }
    return {
        name,
        image: args.image,
        user: args.user,
        command: args.command,
        entrypoints: args.entrypoint,
        envs: [...plainEnv, ...secretEnv],
        readOnly: args.writableRootReason === undefined,
        privileged: false,
        publishAllPorts: false,
        capabilities: {
            drops: ["ALL"],
            adds: (args.capabilities ?? []).map((c) => c.name.toUpperCase().replace(/^CAP_/, "")),
        },
        securityOpts: ["no-new-privileges:true"],
        networkMode: "bridge",
        networksAdvanced: [...args.networks]
            .sort((a, b) =>
                String(a.aliases?.[0] ?? "").localeCompare(String(b.aliases?.[0] ?? "")),
            )
            .map((n) => ({ name: n.name, aliases: n.aliases, ipv4Address: n.ipv4Address })),
        ports: (args.ports ?? []).map((p) => ({
            internal: p.internal,
            external: p.external,
            ip: p.bindAddress,
            protocol: "tcp",
        })),
        tmpfs: Object.fromEntries(
            (args.tmpfs ?? []).map((t) => [
                t.path,
                [
                    t.exec ? "rw,nosuid,nodev,exec" : TMPFS_BASE_OPTIONS,
                    `size=${t.size}`,
                    ...(t.mode ? [`mode=${t.mode}`] : []),
                    ...(t.owner
                        ? [`uid=${t.owner.split(":")[0]}`, `gid=${t.owner.split(":")[1]}`]
                        : []),
                ].join(","),
            ]),
        ),
        mounts,
        memory: args.limits.memoryMb,
        memorySwap: args.limits.memoryMb,
        cpus: String(args.limits.cpus),
        ulimits: [
            { name: "nproc", soft: args.limits.maxProcesses, hard: args.limits.maxProcesses },
            { name: "core", soft: 0, hard: 0 },
            { name: "nofile", soft: 4096, hard: 8192 },
        ],
        healthcheck: {
            tests: hc.test,
            interval: `${hc.intervalSeconds ?? 10}s`,
            timeout: `${hc.timeoutSeconds ?? 3}s`,
            retries: hc.retries ?? 3,
            startPeriod: `${hc.startPeriodSeconds ?? 10}s`,
        },
        wait: args.waitForHealthy ?? true,
        waitTimeout: args.healthyTimeoutSeconds ?? 120,
        restart: "on-failure",
        maxRetryCount: args.maxRestarts ?? 5,
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "5" },
        init: true,
        destroyGraceSeconds: 30,
        mustRun: true,
        labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
    };
}

/**
 * The inputs of a service's file seed: created, never started, no network, every capability
 * dropped; its writable root only lets Docker copy the uploads into the config volume.
 * Exported for tests.
 */
export function fileSeedInputs(
    name: string,
    args: HardenedContainerArgs,
    configVolumeName: pulumi.Input<string>,
): docker.ContainerArgs {
    const service = containerInputs(name, { ...args, files: undefined, env: {}, secretEnv: {} });
    return {
        name: `${name}-files`,
        image: args.image,
        user: args.user,
        start: false,
        mustRun: false,
        wait: false,
        networkMode: "none",
        readOnly: false,
        privileged: false,
        publishAllPorts: false,
        capabilities: { drops: ["ALL"], adds: [] },
        securityOpts: ["no-new-privileges:true"],
        mounts: [{ type: "volume", source: configVolumeName, target: args.configDir! }],
        uploads: (args.files ?? []).map((f) => ({
            file: f.path,
            content: f.content,
            permissions: f.mode ?? "0444",
            owner: String(f.owner ?? 0),
            group: String(f.group ?? 0),
        })),
        memory: service.memory,
        memorySwap: service.memorySwap,
        cpus: service.cpus,
        ulimits: service.ulimits,
        healthcheck: service.healthcheck,
        restart: "no",
        logDriver: service.logDriver,
        logOpts: service.logOpts,
        labels: [
            ...(Array.isArray(service.labels) ? service.labels : []),
            { label: FILE_SEED_LABEL, value: name },
        ],
    };
}
