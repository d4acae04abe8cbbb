/** Type tokens of the resources the policies inspect, and readers for their inputs. */

/** Docker resources. */
export const CONTAINER = "docker:index/container:Container";
export const NETWORK = "docker:index/network:Network";
export const VOLUME = "docker:index/volume:Volume";
export const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";

/** Vault resources. */
export const VAULT_AUDIT = "vault:index/audit:Audit";
export const VAULT_MOUNT = "vault:index/mount:Mount";
export const VAULT_POLICY = "vault:index/policy:Policy";
export const VAULT_KV_V2 = "vault:kv/secretBackendV2:SecretBackendV2";
export const VAULT_APPROLE_ROLE = "vault:appRole/authBackendRole:AuthBackendRole";
export const VAULT_TRANSIT_KEY = "vault:transit/secretBackendKey:SecretBackendKey";

/** PostgreSQL resources. */
export const PG_ROLE = "postgresql:index/role:Role";
export const PG_PROVIDER = "pulumi:providers:postgresql";

/** Commands, which carry the host firewall bundle. */
export const LOCAL_COMMAND = "command:local:Command";
export const REMOTE_COMMAND = "command:remote:Command";

/** The label every container carries with its role (docs/ARCHITECTURE.md). */
export const ROLE_LABEL = "hardened-stack.role";

/** The roles of docs/ARCHITECTURE.md. */
export type Role = "edge" | "app" | "database" | "vault";

/** The rendered files of docs/ARCHITECTURE.md, by role. */
export const RENDERED_PATHS = {
    nginxConf: "/etc/nginx/hardened/nginx.conf",
    nginxCert: "/etc/nginx/hardened/tls/fullchain.pem",
    nginxKey: "/etc/nginx/hardened/tls/privkey.pem",
    postgresConf: "/etc/postgresql/hardened/postgresql.conf",
    pgHba: "/etc/postgresql/hardened/pg_hba.conf",
    vaultHcl: "/vault/config/vault.hcl",
} as const;

/** A value of a Docker `labels` input: a list of `{ label, value }`. */
export function labelValue(props: Record<string, any>, label: string): string | undefined {
    const labels: any[] = props.labels ?? [];
    return labels.find((l) => l.label === label)?.value;
}

/** The container's role label, if any. */
export function roleOf(props: Record<string, any>): string | undefined {
    return labelValue(props, ROLE_LABEL);
}

/** A file uploaded into a container. */
export interface Upload {
    file: string;
    content: string;
    permissions?: string;
    owner?: string;
    group?: string;
}

/** The container's upload at this path, if any. */
export function uploadAt(props: Record<string, any>, file: string): Upload | undefined {
    const uploads: any[] = props.uploads ?? [];
    return uploads.find((u) => u.file === file);
}

/** The label a service carries when its files travel in a file seed, naming the seed. */
export const FILES_IN_LABEL = "hardened-stack.files-in";

/** The label a file seed carries, naming the service it writes files for. */
export const FILE_SEED_LABEL = "hardened-stack.file-seed";

/**
 * Whether a container is a file seed: created and never started, only so that Docker copies a
 * service's files into its config volume (the provider copies to the root, which a read-only
 * container refuses). Rules about what a running container may do do not apply to it;
 * `file-seed-never-starts` holds it to never running.
 */
export function isFileSeed(props: Record<string, any>): boolean {
    return labelValue(props, FILE_SEED_LABEL) !== undefined;
}

/**
 * The service containers of a role among the stack's resources. A service's files travel in its
 * file seed, so each service is seen here with its seed's uploads, as it will run.
 */
export function containersWithRole<
    T extends { type: string; name: string; props: Record<string, any> },
>(resources: T[], role: Role): T[] {
    const ofRole = resources.filter((r) => r.type === CONTAINER && roleOf(r.props) === role);
    const seeds = ofRole.filter((r) => isFileSeed(r.props));
    return ofRole
        .filter((r) => !isFileSeed(r.props))
        .map((service) => {
            const seed = seeds.find((s) => labelValue(s.props, FILE_SEED_LABEL) === service.name);
            if (!seed) {
                return service;
            }
            const uploads = [...(service.props.uploads ?? []), ...(seed.props.uploads ?? [])];
            // A view, not a copy: the props may sit behind the SDK's unknown-checking proxy.
            const props = new Proxy(service.props, {
                get: (target, key) => (key === "uploads" ? uploads : target[key as string]),
            });
            return { ...service, props };
        });
}

/** The `NAME=value` environment entries of a container as a map. */
export function envMap(props: Record<string, any>): Map<string, string> {
    const out = new Map<string, string>();
    for (const entry of (props.envs ?? []) as string[]) {
        const at = entry.indexOf("=");
        out.set(at < 0 ? entry : entry.slice(0, at), at < 0 ? "" : entry.slice(at + 1));
    }
    return out;
}

/** Whether an address binds every interface. */
export function isWildcardAddress(ip: string | undefined): boolean {
    return ip === undefined || ip === "" || ip === "0.0.0.0" || ip === "::" || ip === "[::]";
}
