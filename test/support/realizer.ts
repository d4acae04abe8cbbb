// TEST CODE, NOT A DEPLOYMENT PATH. The engine test uses this to put what the program registers
// for a stack under mocks (docker Networks, Volumes and Containers with their recorded inputs)
// onto a real Docker engine, so that the hardening the program asks for is seen to run and hold.
// It speaks the Docker Engine HTTP API over the unix socket and follows the order of the
// provider pulumi-docker bundles: create the container with the recorded network mode, leave the
// default bridge, join each of `networksAdvanced`, copy the `uploads` in, then start.
//
// Every recorded setting is passed through as recorded, except these deviations, each needed to
// run on a shared test machine without a registry:
// - Names: networks, volumes and containers get a prefix (hs-eng- in the engine test); volume
//   sources in `mounts` follow the renamed volumes. Network aliases are kept, so containers still
//   reach each other by the names the rendered configs use.
// - Subnets: a recorded subnet that overlaps a network already on the engine moves to a free
//   10.234.x.0/24; fixed container addresses, and addresses and CIDRs of that subnet in
//   uploads and environment values (pg_hba.conf names the backend subnet), move with it.
// - Host ports: each published port is bound to a free port on the recorded address (loopback in
//   the dev stack) instead of the recorded external port, which other tests may hold.
// - Images: the recorded image references cannot be pulled; each container's image is chosen by
//   its `hardened-stack.role` label from a map the caller gives (local images). A role without
//   an image (Vault: no binary here) is reported as not realized, with the reason.
// - TLS material: the mocks render placeholder PEM text; every placeholder in uploads and
//   environment values is swapped for a real key or certificate made from the tls resource's
//   recorded inputs (test/support/tlsMaterial.ts).
// - Passwords: the stack's password generators are local commands, unknown under mocks;
//   runStackForEngine runs them for real, so that derived values (SCRAM verifiers, secret env
//   values) are real. The postgresql resources are applied by test/support/postgresObjects.ts.
// - Uploads: none. Like the provider, the realizer copies a container's uploads as one archive
//   to "/" with the recorded owner, group and mode. Only file seeds have uploads (their writable
//   root accepts the copy, and their volume mount catches it); a seed is created and, as
//   recorded (`start: false`), never started.
import { execFileSync, spawnSync } from "node:child_process";
import * as http from "node:http";

import { addressInCidr, cidrsOverlap, parseCidr } from "../../infra/config/rules";
import { ProgramRun, RecordedResource, unwrapSecrets } from "../../scripts/lib/mockRuntime";
import { runStack } from "./program";
import { TlsMaterial, substitutePlaceholders } from "./tlsMaterial";

const SOCKET = "/var/run/docker.sock";
const API = "/v1.41";
const ROLE_LABEL = "hardened-stack.role";

/** A reply of the Engine API. */
export interface EngineReply {
    status: number;
    body: any;
}

/** Sends one request to the Docker Engine API over its unix socket. */
export function engine(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
): Promise<EngineReply> {
    const payload =
        body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                socketPath: SOCKET,
                path: `${API}${path}`,
                method,
                // The engine reads form-encoded bodies as query parameters, so always name the type.
                headers: payload ? { "Content-Type": contentType } : {},
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let parsed: unknown = text;
                    try {
                        parsed = text ? JSON.parse(text) : undefined;
                    } catch {
                        // plain text replies stay text
                    }
                    resolve({ status: res.statusCode ?? 0, body: parsed });
                });
            },
        );
        req.on("error", reject);
        if (payload) {
            req.write(payload);
        }
        req.end();
    });
}

/** Like {@link engine}, but throws unless the status is one of `ok`. */
async function expectEngine(
    what: string,
    ok: number[],
    ...args: Parameters<typeof engine>
): Promise<any> {
    const reply = await engine(...args);
    if (!ok.includes(reply.status)) {
        const message = reply.body?.message ?? JSON.stringify(reply.body);
        throw new Error(`${what}: engine answered ${reply.status}: ${message}`);
    }
    return reply.body;
}

/** How the realizer maps recorded names, subnets and images to this engine. */
export interface RealizeOptions {
    /** Prefix of every name the realizer creates. */
    prefix: string;
    /** Local image per role label; a role missing here is not realized. */
    images: Record<string, string>;
    /** Why a role has no image, for the not-realized list. */
    missing: Record<string, string>;
    /** Real TLS material for the mocked tls resources. */
    material: TlsMaterial;
    /** Returns a free host port on the given address. */
    freePort: (address: string) => Promise<number>;
}

/** A container the realizer created and started. */
export interface RealizedContainer {
    /** The recorded name. */
    name: string;
    /** The name on the engine. */
    engineName: string;
    role: string;
    /** The recorded inputs, secrets unwrapped, placeholders not yet swapped. */
    inputs: Record<string, any>;
    /** Recorded external port to the host port actually bound. */
    hostPorts: Map<number, number>;
    /** The engine's answer to the provider's form of the uploads (copy to "/"), if any. */
    providerUploadResult?: string;
}

/** What {@link realize} made. */
export interface RealizedStack {
    /** Recorded network name to engine name. */
    networks: Map<string, string>;
    /** Recorded volume name to engine name. */
    volumes: Map<string, string>;
    /** Recorded subnet to the subnet used here (the same unless it overlapped). */
    subnets: Map<string, string>;
    /** The containers that run. */
    containers: RealizedContainer[];
    /** The file seeds: created so that the files land in their volumes, never started. */
    fileSeeds: RealizedContainer[];
    /** Containers that could not be created here, with the reason. */
    notRealized: { name: string; role: string; reason: string }[];
}

/** The recorded docker resources of one type, in registration order. */
function recorded(run: ProgramRun, kind: "network" | "volume" | "container"): RecordedResource[] {
    const type = `docker:index/${kind}:${kind[0].toUpperCase()}${kind.slice(1)}`;
    return run.resources.filter((r) => r.type === type);
}

/** The role label of recorded container inputs, or `unlabelled`. */
export function roleOf(inputs: Record<string, any>): string {
    const label = (inputs.labels ?? []).find((l: any) => l.label === ROLE_LABEL);
    return label?.value ?? "unlabelled";
}

/** Go-style duration text (`10s`, `500ms`, `1m30s`) in nanoseconds, as the Engine API wants. */
export function durationNs(text: string | undefined): number | undefined {
    if (text === undefined) {
        return undefined;
    }
    const units: Record<string, number> = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, ns: 1 };
    let total = 0;
    const rest = text.replace(/(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/g, (_m, n: string, u: string) => {
        total += Number(n) * units[u];
        return "";
    });
    if (rest !== "" || text === "") {
        throw new Error(`cannot read the duration "${text}"`);
    }
    return total;
}

/** What the create body needs besides the recorded inputs. */
export interface CreateMapping {
    image: string;
    /** Recorded volume name to engine name. */
    volumes: Map<string, string>;
    /** Recorded external port to the host port to bind. */
    hostPorts: Map<number, number>;
    /** Text with placeholder PEMs swapped for real material. */
    realText: (text: string) => string;
}

/**
 * The Engine API create body for a recorded docker.Container: the provider's translation of each
 * input (memory in MB to bytes, cpus to nano-CPUs, durations to nanoseconds, labels to a map).
 */
export function containerCreateBody(inputs: Record<string, any>, map: CreateMapping): object {
    const hc = inputs.healthcheck;
    const ports: any[] = inputs.ports ?? [];
    const portKey = (p: any) => `${p.internal}/${p.protocol ?? "tcp"}`;
    return {
        Image: map.image,
        User: inputs.user,
        Cmd: inputs.command,
        Entrypoint: inputs.entrypoints,
        Env: (inputs.envs ?? []).map((e: string) => map.realText(e)),
        Labels: Object.fromEntries((inputs.labels ?? []).map((l: any) => [l.label, l.value])),
        Healthcheck: hc && {
            Test: hc.tests,
            Interval: durationNs(hc.interval),
            Timeout: durationNs(hc.timeout),
            StartPeriod: durationNs(hc.startPeriod),
            Retries: hc.retries,
        },
        ExposedPorts: ports.length ? Object.fromEntries(ports.map((p) => [portKey(p), {}])) : {},
        HostConfig: {
            Privileged: inputs.privileged ?? false,
            PublishAllPorts: inputs.publishAllPorts ?? false,
            ReadonlyRootfs: inputs.readOnly ?? false,
            CapAdd: inputs.capabilities?.adds ?? [],
            CapDrop: inputs.capabilities?.drops ?? [],
            SecurityOpt: inputs.securityOpts ?? [],
            Tmpfs: inputs.tmpfs ?? {},
            Mounts: (inputs.mounts ?? []).map((m: any) => ({
                Type: m.type,
                Source: m.type === "volume" ? (map.volumes.get(m.source) ?? m.source) : m.source,
                Target: m.target,
                ReadOnly: m.readOnly ?? false,
            })),
            Memory: (inputs.memory ?? 0) * 1024 * 1024,
            MemorySwap: inputs.memorySwap > 0 ? inputs.memorySwap * 1024 * 1024 : inputs.memorySwap,
            NanoCpus: inputs.cpus ? Math.round(Number(inputs.cpus) * 1e9) : 0,
            Ulimits: (inputs.ulimits ?? []).map((u: any) => ({
                Name: u.name,
                Soft: u.soft,
                Hard: u.hard,
            })),
            RestartPolicy: {
                Name: inputs.restart ?? "no",
                MaximumRetryCount: inputs.maxRetryCount,
            },
            LogConfig: { Type: inputs.logDriver ?? "json-file", Config: inputs.logOpts ?? {} },
            Init: inputs.init ?? false,
            NetworkMode: inputs.networkMode,
            PidMode: inputs.pidMode,
            IpcMode: inputs.ipcMode,
            UsernsMode: inputs.usernsMode,
            PortBindings: Object.fromEntries(
                ports.map((p) => [
                    portKey(p),
                    [{ HostIp: p.ip ?? "", HostPort: String(map.hostPorts.get(p.external)) }],
                ]),
            ),
        },
    };
}

/** One file or directory of a tar archive. */
export interface TarEntry {
    /** Path relative to where the archive is extracted; directories end with "/". */
    name: string;
    mode: number;
    uid: number;
    gid: number;
    content?: Buffer;
}

/** A POSIX ustar archive of the entries, keeping owner and mode, as the archive API takes it. */
export function buildTar(entries: TarEntry[]): Buffer {
    const blocks: Buffer[] = [];
    for (const entry of entries) {
        const isDir = entry.name.endsWith("/");
        const content = isDir ? Buffer.alloc(0) : (entry.content ?? Buffer.alloc(0));
        if (Buffer.byteLength(entry.name) > 100) {
            throw new Error(`tar entry name too long: ${entry.name}`);
        }
        const header = Buffer.alloc(512);
        const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, "0") + "\0";
        header.write(entry.name, 0, 100, "utf8");
        header.write(octal(entry.mode & 0o7777, 8), 100);
        header.write(octal(entry.uid, 8), 108);
        header.write(octal(entry.gid, 8), 116);
        header.write(octal(content.length, 12), 124);
        header.write(octal(Math.floor(Date.now() / 1000), 12), 136);
        header.write("        ", 148);
        header.write(isDir ? "5" : "0", 156);
        header.write("ustar\0", 257);
        header.write("00", 263);
        const sum = header.reduce((acc, byte) => acc + byte, 0);
        header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
        blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
    }
    blocks.push(Buffer.alloc(1024));
    return Buffer.concat(blocks);
}

/** The archives that copy the recorded uploads, one per destination directory. */
export function uploadArchives(
    inputs: Record<string, any>,
    realText: (text: string) => string,
): { dir: string; entries: TarEntry[] }[] {
    const targets: string[] = (inputs.mounts ?? []).map((m: any) => m.target);
    const byDir = new Map<string, TarEntry[]>();
    for (const upload of inputs.uploads ?? []) {
        const file: string = upload.file;
        // The deepest mount that holds the file; "/" (the provider's choice) when none does.
        const dir =
            targets
                .filter((t) => file.startsWith(`${t}/`))
                .sort((a, b) => b.length - a.length)[0] ?? "/";
        const relative = file.slice(dir === "/" ? 1 : dir.length + 1);
        const entries = byDir.get(dir) ?? [];
        const parts = relative.split("/");
        // Directories the file needs inside the volume belong to root and are not writable
        // by the service, like the volume's own root.
        for (let i = 1; i < parts.length; i++) {
            const name = `${parts.slice(0, i).join("/")}/`;
            if (!entries.some((e) => e.name === name)) {
                entries.push({ name, mode: 0o755, uid: 0, gid: 0 });
            }
        }
        entries.push({
            name: relative,
            mode: parseInt(upload.permissions ?? "0644", 8),
            uid: Number(upload.owner ?? 0),
            gid: Number(upload.group ?? 0),
            content: Buffer.from(realText(upload.content ?? ""), "utf8"),
        });
        byDir.set(dir, entries);
    }
    return [...byDir.entries()].map(([dir, entries]) => ({ dir, entries }));
}

/** A free /24 in 10.234.0.0/16 that overlaps none of the subnets in use. */
function freeSubnet(inUse: string[]): string {
    for (let third = 0; third < 256; third++) {
        const candidate = `10.234.${third}.0/24`;
        const c = parseCidr(candidate)!;
        if (!inUse.some((u) => cidrsOverlap(parseCidr(u)!, c))) {
            inUse.push(candidate);
            return candidate;
        }
    }
    throw new Error("no free 10.234.x.0/24 subnet on this engine");
}

/**
 * The text with every address and CIDR of a moved subnet moved with it, so that rendered
 * configs (pg_hba.conf names the backend subnet) keep matching the network they run on.
 */
export function moveAddressesInText(text: string, subnets: Map<string, string>): string {
    const moved = [...subnets].filter(([from, to]) => from !== to);
    if (moved.length === 0) {
        return text;
    }
    return text.replace(/\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g, (match, ip, bits) => {
        const address = parseCidr(`${ip}/32`);
        const home = moved.find(([from]) => address && cidrsOverlap(parseCidr(from)!, address));
        return home ? `${moveAddress(ip, home[0], home[1])}${bits ?? ""}` : match;
    });
}

/** The address with the same host part in another subnet of the same size. */
function moveAddress(address: string, from: string, to: string): string {
    const ip = parseCidr(`${address}/32`)!;
    return addressInCidr(parseCidr(to)!, ip.base - parseCidr(from)!.base);
}

/**
 * Creates the recorded networks, volumes and containers on the engine and starts the
 * containers in registration order (dependencies come first there). On failure, what was
 * created stays for {@link removeEverything} to clear.
 */
export async function realize(run: ProgramRun, options: RealizeOptions): Promise<RealizedStack> {
    const { prefix } = options;
    const stack: RealizedStack = {
        networks: new Map(),
        volumes: new Map(),
        subnets: new Map(),
        containers: [],
        fileSeeds: [],
        notRealized: [],
    };
    const existing = await expectEngine("list networks", [200], "GET", "/networks");
    const inUse: string[] = existing
        .flatMap((n: any) => n.IPAM?.Config ?? [])
        .map((c: any) => c.Subnet)
        .filter((s: any) => typeof s === "string" && parseCidr(s));

    for (const net of recorded(run, "network")) {
        const inputs = unwrapSecrets(net.inputs) as Record<string, any>;
        const ipam = (inputs.ipamConfigs ?? []).map((c: any) => {
            const overlaps = inUse.some((u) => cidrsOverlap(parseCidr(u)!, parseCidr(c.subnet)!));
            const subnet = overlaps ? freeSubnet(inUse) : c.subnet;
            if (!overlaps) inUse.push(subnet);
            stack.subnets.set(c.subnet, subnet);
            return { Subnet: subnet, Gateway: c.gateway, IPRange: c.ipRange };
        });
        const name = `${prefix}${inputs.name}`;
        await expectEngine(`create network ${name}`, [201], "POST", "/networks/create", {
            Name: name,
            CheckDuplicate: true,
            Driver: inputs.driver ?? "bridge",
            Internal: inputs.internal ?? false,
            Attachable: inputs.attachable ?? false,
            EnableIPv6: inputs.ipv6 ?? false,
            IPAM: { Driver: "default", Config: ipam },
            Options: inputs.options ?? {},
            Labels: Object.fromEntries((inputs.labels ?? []).map((l: any) => [l.label, l.value])),
        });
        stack.networks.set(inputs.name, name);
    }

    for (const vol of recorded(run, "volume")) {
        const inputs = unwrapSecrets(vol.inputs) as Record<string, any>;
        const name = `${prefix}${inputs.name}`;
        await expectEngine(`create volume ${name}`, [201], "POST", "/volumes/create", {
            Name: name,
            Driver: inputs.driver ?? "local",
            DriverOpts: inputs.driverOpts ?? {},
            Labels: Object.fromEntries((inputs.labels ?? []).map((l: any) => [l.label, l.value])),
        });
        stack.volumes.set(inputs.name, name);
    }

    for (const ctr of recorded(run, "container")) {
        const inputs = unwrapSecrets(ctr.inputs) as Record<string, any>;
        const role = roleOf(inputs);
        const image = options.images[role];
        if (image === undefined) {
            const reason = options.missing[role] ?? `no local image for role ${role}`;
            stack.notRealized.push({ name: inputs.name, role, reason });
            continue;
        }
        const created = await createContainer(inputs, role, image, stack, options);
        (inputs.start === false ? stack.fileSeeds : stack.containers).push(created);
    }
    return stack;
}

async function createContainer(
    inputs: Record<string, any>,
    role: string,
    image: string,
    stack: RealizedStack,
    options: RealizeOptions,
): Promise<RealizedContainer> {
    const realText = (text: string) =>
        moveAddressesInText(substitutePlaceholders(text, options.material), stack.subnets);
    const engineName = `${options.prefix}${inputs.name}`;
    const hostPorts = new Map<number, number>();
    for (const p of inputs.ports ?? []) {
        hostPorts.set(p.external, await options.freePort(p.ip ?? "127.0.0.1"));
    }
    const body = containerCreateBody(inputs, {
        image,
        volumes: stack.volumes,
        hostPorts,
        realText,
    });
    const created = await expectEngine(
        `create container ${engineName}`,
        [201],
        "POST",
        `/containers/create?name=${encodeURIComponent(engineName)}`,
        body,
    );
    const id: string = created.Id;

    // As the provider does: leave the default bridge, then join each recorded network.
    if ((inputs.networksAdvanced ?? []).length > 0) {
        await expectEngine(
            `leave bridge ${engineName}`,
            [200, 404],
            "POST",
            "/networks/bridge/disconnect",
            { Container: id, Force: false },
        );
    }
    for (const n of inputs.networksAdvanced ?? []) {
        const network = stack.networks.get(n.name);
        if (network === undefined) {
            throw new Error(`${engineName} joins ${n.name}, which the program did not create`);
        }
        const address = n.ipv4Address && moveAddressesInText(n.ipv4Address, stack.subnets);
        await expectEngine(`join ${network}`, [200], "POST", `/networks/${network}/connect`, {
            Container: id,
            EndpointConfig: {
                Aliases: n.aliases ?? [],
                IPAMConfig: address ? { IPv4Address: address } : undefined,
            },
        });
    }

    // As the provider does: one archive of the files' full paths, extracted at "/".
    let providerUploadResult: string | undefined;
    const archives = uploadArchives(inputs, realText);
    if (archives.length > 0) {
        const entries = archives.flatMap((a) =>
            a.entries.map((e) => ({
                ...e,
                name: `${a.dir.slice(1)}${a.dir === "/" ? "" : "/"}${e.name}`,
            })),
        );
        const reply = await engine(
            "PUT",
            `/containers/${id}/archive?path=${encodeURIComponent("/")}`,
            buildTar(entries),
            "application/x-tar",
        );
        providerUploadResult = `${reply.status} ${reply.body?.message ?? ""}`.trim();
        if (reply.status !== 200) {
            throw new Error(`copy files into ${engineName} at "/": ${providerUploadResult}`);
        }
    }
    if (inputs.start !== false) {
        await expectEngine(`start ${engineName}`, [204, 304], "POST", `/containers/${id}/start`);
    }
    return { name: inputs.name, engineName, role, inputs, hostPorts, providerUploadResult };
}

/** The engine's inspect document of a container. */
export function inspectContainer(name: string): Promise<any> {
    return expectEngine(`inspect ${name}`, [200], "GET", `/containers/${name}/json`);
}

/** The last lines a container wrote to stdout and stderr, for a failure message. */
export function logTail(name: string, lines = 20): string {
    const logs = spawnSync("docker", ["logs", "--tail", String(lines), name], {
        encoding: "utf8",
        timeout: 30000,
    });
    return `${logs.stdout ?? ""}${logs.stderr ?? ""}`.trim();
}

/**
 * Waits until the container's healthcheck reports healthy. Throws with the container's last
 * log lines when the time is up, or at once when the container has stopped for good or keeps
 * restarting: waiting longer cannot make it healthy.
 */
export async function waitHealthy(name: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    const fail = (why: string): never => {
        throw new Error(`${name} ${why} (last: ${last})\n${name}'s log:\n${logTail(name)}`);
    };
    while (Date.now() < deadline) {
        const live = await inspectContainer(name);
        const state = live.State;
        last = `${state.Status}/${state.Health?.Status ?? "no healthcheck"}`;
        if (state.Health?.Status === "healthy") {
            return;
        }
        const log = state.Health?.Log?.slice(-1)[0]?.Output ?? "";
        last += ` exit code ${state.ExitCode}; last check: ${log.trim()}`;
        const restarts = live.RestartCount ?? 0;
        if (state.Status === "exited" || state.Status === "dead") {
            fail("stopped before it turned healthy");
        }
        if (restarts >= 2) {
            fail(`restarted ${restarts} times before it turned healthy`);
        }
        await new Promise((r) => setTimeout(r, 500));
    }
    return fail(`did not turn healthy in ${timeoutMs} ms`);
}

/**
 * Removes every container, network and volume whose name starts with the prefix, and images
 * whose repository does. Idempotent: a crashed earlier run's leftovers go too. Returns what it
 * removed.
 */
export async function removeEverything(prefix: string, images: string[] = []): Promise<string[]> {
    const removed: string[] = [];
    const filters = (name: string) => encodeURIComponent(JSON.stringify({ name: [`^${name}`] }));
    const containers = await expectEngine(
        "list containers",
        [200],
        "GET",
        `/containers/json?all=true&filters=${filters(`/${prefix}`)}`,
    );
    for (const c of containers) {
        await expectEngine(
            "remove container",
            [204, 404],
            "DELETE",
            `/containers/${c.Id}?force=true`,
        );
        removed.push(`container ${c.Names[0].slice(1)}`);
    }
    const networks = await expectEngine(
        "list networks",
        [200],
        "GET",
        `/networks?filters=${filters(prefix)}`,
    );
    for (const n of networks.filter((x: any) => x.Name.startsWith(prefix))) {
        await expectEngine("remove network", [204, 404], "DELETE", `/networks/${n.Id}`);
        removed.push(`network ${n.Name}`);
    }
    const volumes = await expectEngine(
        "list volumes",
        [200],
        "GET",
        `/volumes?filters=${filters(prefix)}`,
    );
    for (const v of (volumes.Volumes ?? []).filter((x: any) => x.Name.startsWith(prefix))) {
        await expectEngine("remove volume", [204, 404], "DELETE", `/volumes/${v.Name}?force=true`);
        removed.push(`volume ${v.Name}`);
    }
    for (const image of images.filter((i) => i.startsWith(prefix))) {
        const reply = await engine("DELETE", `/images/${encodeURIComponent(image)}?force=true`);
        if (reply.status === 200) {
            removed.push(`image ${image}`);
        }
    }
    return removed;
}

/**
 * Runs a stack's program under mocks as the engine test needs it: like `runStack`, but the
 * stack's password generators (local commands named `*-generate` that run `node -e`) are run
 * for real, so that passwords and what is derived from them (SCRAM verifiers, environment
 * values) are real values instead of unknowns.
 */
export function runStackForEngine(stack = "dev"): Promise<ProgramRun> {
    return runStack(stack, (type, name, inputs) => {
        const create = inputs.create;
        if (
            type !== "command:local:Command" ||
            !name.endsWith("-generate") ||
            typeof create !== "string" ||
            !create.startsWith("node -e ")
        ) {
            return undefined;
        }
        const stdout = execFileSync("sh", ["-c", create], { encoding: "utf8" });
        return { ...inputs, stdout, stderr: "" };
    });
}
