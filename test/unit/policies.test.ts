import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { POLICIES } from "../../policies/policies";
import {
    FIREWALL_BUNDLE,
    KEY_PEM,
    PG_CONF,
    PG_HBA,
    VAULT_HCL,
    baselineStack,
    pick,
} from "../fixtures/policy/baseline";
import { FixtureResource } from "../support/policy";
import { violations } from "../support/policy";

type Stack = FixtureResource[];

/** One property changed on a fresh compliant stack, and the message it must cause. */
interface Mutation {
    what: string;
    change: (stack: Stack) => void;
    expect: RegExp;
}

const props = (s: Stack, name: string) => pick(s, name).props;
const file = (s: Stack, name: string, path: string, edit: (text: string) => string) => {
    const upload = props(s, name).uploads.find((u: any) => u.file === path);
    upload.content = edit(upload.content);
};
const nginx = (edit: (t: string) => string) => (s: Stack) =>
    file(s, "edge", "/etc/nginx/hardened/nginx.conf", edit);
const hba = (edit: (t: string) => string) => (s: Stack) =>
    file(s, "db", "/etc/postgresql/hardened/pg_hba.conf", () => edit(PG_HBA));
const pgConf = (edit: (t: string) => string) => (s: Stack) =>
    file(s, "db", "/etc/postgresql/hardened/postgresql.conf", () => edit(PG_CONF));
const vaultHcl = (edit: (t: string) => string) => (s: Stack) =>
    file(s, "vault", "/vault/config/vault.hcl", () => edit(VAULT_HCL));
const bundle = (edit: (t: string) => string) => (s: Stack) => {
    props(s, "host-firewall").stdin = edit(FIREWALL_BUNDLE);
};

const dockerfile = (edit: (t: string) => string) => (s: Stack) => {
    props(s, "app-image").dockerfile = edit(props(s, "app-image").dockerfile);
};

const MUTATIONS: Record<string, Mutation[]> = {
    "app-image-dockerfile-is-hardened": [
        {
            what: "USER root last",
            change: dockerfile((t) => t.replace("USER 10001:10001", "USER root")),
            expect: /line \d+ breaks final-stage-runs-as-non-root: USER root is root/,
        },
        {
            what: "install after USER (the guide's order)",
            change: dockerfile((t) =>
                t.replace("ENTRYPOINT", "RUN apt-get install -y curl\nENTRYPOINT"),
            ),
            expect: /breaks user-switched-after-installs/,
        },
        {
            what: "tag-only base",
            change: dockerfile((t) =>
                t.replace(/^FROM \S+ AS final$/m, "FROM debian:bookworm AS final"),
            ),
            expect: /breaks base-image-pinned-by-digest: FROM debian:bookworm is not pinned/,
        },
        {
            what: "ADD from a URL",
            change: dockerfile((t) =>
                t.replace("COPY src/", "ADD https://example.com/app.tar.gz /opt/\nCOPY src/"),
            ),
            expect: /breaks no-add-from-url/,
        },
        {
            what: "HEALTHCHECK NONE",
            change: dockerfile((t) => t.replace(/^HEALTHCHECK .*$/m, "HEALTHCHECK NONE")),
            expect: /breaks healthcheck-present/,
        },
        {
            what: "no Dockerfile",
            change: (s) => delete props(s, "app-image").dockerfile,
            expect: /app-image carries no rendered Dockerfile/,
        },
    ],
    "container-is-not-privileged": [
        {
            what: "privileged",
            change: (s) => (props(s, "daur-ai").privileged = true),
            expect: /runs privileged/,
        },
    ],
    "container-mounts-no-docker-socket": [
        {
            what: "socket mount",
            change: (s) =>
                props(s, "daur-ai").mounts.push({
                    type: "bind",
                    source: "/var/run/docker.sock",
                    target: "/s",
                }),
            expect: /engine socket \/var\/run\/docker.sock/,
        },
        {
            what: "legacy volume of /run/containerd",
            change: (s) =>
                (props(s, "daur-ai").volumes = [
                    { hostPath: "/run/containerd/containerd.sock", containerPath: "/c" },
                ]),
            expect: /engine socket \/run\/containerd/,
        },
    ],
    "container-mounts-no-sensitive-host-path": [
        {
            what: "bind of /etc",
            change: (s) =>
                props(s, "daur-ai").mounts.push({
                    type: "bind",
                    source: "/etc",
                    target: "/h",
                    readOnly: true,
                }),
            expect: /bind-mounts the host's \/etc/,
        },
        {
            what: "writable bind",
            change: (s) =>
                props(s, "daur-ai").mounts.push({ type: "bind", source: "/srv/app", target: "/d" }),
            expect: /\/srv\/app is writable/,
        },
    ],
    "container-runs-as-non-root": [
        { what: "no user", change: (s) => delete props(s, "daur-ai").user, expect: /sets no user/ },
        {
            what: "named user",
            change: (s) => (props(s, "daur-ai").user = "app"),
            expect: /is a name/,
        },
        { what: "root", change: (s) => (props(s, "daur-ai").user = "0:0"), expect: /is root/ },
        {
            what: "root group",
            change: (s) => (props(s, "daur-ai").user = "10001:0"),
            expect: /is root/,
        },
    ],
    "file-seed-never-starts": [
        {
            what: "a seed that starts",
            change: (s) => (props(s, "edge-files").start = true),
            expect: /would be started/,
        },
        {
            what: "a seed on a network",
            change: (s) => (props(s, "edge-files").networkMode = "bridge"),
            expect: /joins a network/,
        },
        {
            what: "a seed with ports",
            change: (s) => (props(s, "edge-files").ports = [{ internal: 1, external: 1 }]),
            expect: /publishes ports/,
        },
    ],
    "container-root-filesystem-is-read-only": [
        {
            what: "writable root",
            change: (s) => (props(s, "daur-ai").readOnly = false),
            expect: /root file system is writable/,
        },
    ],
    "container-drops-all-capabilities": [
        {
            what: "no drop",
            change: (s) => (props(s, "daur-ai").capabilities.drops = []),
            expect: /does not drop ALL/,
        },
        {
            what: "SYS_ADMIN",
            change: (s) => (props(s, "daur-ai").capabilities.adds = ["CAP_SYS_ADMIN"]),
            expect: /adds SYS_ADMIN/,
        },
        {
            what: "NET_RAW",
            change: (s) => (props(s, "daur-ai").capabilities.adds = ["net_raw"]),
            expect: /adds NET_RAW/,
        },
    ],
    "container-sets-no-new-privileges": [
        {
            what: "missing",
            change: (s) => (props(s, "daur-ai").securityOpts = []),
            expect: /does not set no-new-privileges/,
        },
        {
            what: "seccomp off",
            change: (s) => props(s, "daur-ai").securityOpts.push("seccomp=unconfined"),
            expect: /"seccomp=unconfined"/,
        },
    ],
    "container-has-resource-limits": [
        {
            what: "no memory",
            change: (s) => delete props(s, "daur-ai").memory,
            expect: /no memory ceiling/,
        },
        { what: "swap", change: (s) => (props(s, "daur-ai").memorySwap = 512), expect: /may swap/ },
        {
            what: "no cpu",
            change: (s) => delete props(s, "daur-ai").cpus,
            expect: /no CPU ceiling/,
        },
        {
            what: "no nproc",
            change: (s) => (props(s, "daur-ai").ulimits = []),
            expect: /no process ceiling/,
        },
    ],
    "container-has-healthcheck": [
        {
            what: "none",
            change: (s) => delete props(s, "daur-ai").healthcheck,
            expect: /has no healthcheck/,
        },
        {
            what: "NONE",
            change: (s) => (props(s, "daur-ai").healthcheck.tests = ["NONE"]),
            expect: /disabled with NONE/,
        },
        {
            what: "no timeout",
            change: (s) => delete props(s, "daur-ai").healthcheck.timeout,
            expect: /sets no timeout/,
        },
    ],
    "container-restart-is-bounded": [
        {
            what: "always",
            change: (s) => (props(s, "daur-ai").restart = "always"),
            expect: /restart policy is "always"/,
        },
        {
            what: "unbounded",
            change: (s) => (props(s, "daur-ai").maxRetryCount = 0),
            expect: /maxRetryCount is 0/,
        },
    ],
    "container-shares-no-host-namespace": [
        {
            what: "host network",
            change: (s) => (props(s, "daur-ai").networkMode = "host"),
            expect: /networkMode is "host"/,
        },
        {
            what: "host pid",
            change: (s) => (props(s, "daur-ai").pidMode = "host"),
            expect: /pidMode is "host"/,
        },
        {
            what: "host ipc",
            change: (s) => (props(s, "daur-ai").ipcMode = "host"),
            expect: /ipcMode is "host"/,
        },
        {
            what: "default bridge",
            change: (s) => (props(s, "daur-ai").networksAdvanced = []),
            expect: /default bridge/,
        },
    ],
    "container-publishes-ports-on-explicit-address": [
        {
            what: "no ip (FC-01)",
            change: (s) => props(s, "db").ports.push({ internal: 5432, external: 5432 }),
            expect: /5432->5432 binds every address \(no ip\)/,
        },
        {
            what: "IPv6 wildcard",
            change: (s) =>
                props(s, "vault").ports.push({ internal: 8200, external: 8200, ip: "::" }),
            expect: /8200->8200 binds every address \(::\)/,
        },
        {
            what: "publish all",
            change: (s) => (props(s, "daur-ai").publishAllPorts = true),
            expect: /publishAllPorts/,
        },
    ],
    "volume-binds-no-host-path": [
        {
            what: "bind /etc",
            change: (s) =>
                (props(s, "db-data").driverOpts = { type: "none", o: "bind", device: "/etc" }),
            expect: /binds the host's \/etc/,
        },
    ],
    "nginx-tls-floor-is-tls12": [
        {
            what: "TLSv1.1",
            change: nginx((t) =>
                t.replace("ssl_protocols TLSv1.2", "ssl_protocols TLSv1.1 TLSv1.2"),
            ),
            expect: /offers TLSv1.1/,
        },
        {
            what: "unset",
            change: nginx((t) => t.replace(/ssl_protocols[^;]*;/, "")),
            expect: /sets no ssl_protocols/,
        },
    ],
    "nginx-ciphers-are-aead-only": [
        {
            what: "HIGH",
            change: nginx((t) => t.replace(/ssl_ciphers [^;]*;/, "ssl_ciphers HIGH:!aNULL;")),
            expect: /admits HIGH/,
        },
        {
            what: "CBC suite",
            change: nginx((t) => t.replace("ssl_ciphers ", "ssl_ciphers ECDHE-RSA-AES128-SHA256:")),
            expect: /admits ECDHE-RSA-AES128-SHA256/,
        },
        {
            what: "unset",
            change: nginx((t) => t.replace(/ssl_ciphers [^;]*;/, "")),
            expect: /sets no ssl_ciphers/,
        },
    ],
    "nginx-sends-security-headers-always": [
        {
            what: "location header without the set (E2)",
            change: nginx((t) =>
                t
                    .replace(
                        "proxy_pass http://app;",
                        'proxy_pass http://app;\n add_header Cache-Control "no-store" always;',
                    )
                    .replace(
                        /(location \/ \{\s*\n)((?:\s*add_header[^\n]*\n)+)(\s*proxy_pass)/,
                        "$1$3",
                    ),
            ),
            expect: /location \/ does not send Content-Security-Policy/,
        },
        {
            what: "no always",
            change: nginx((t) =>
                t.replace(
                    /add_header X-Content-Type-Options "nosniff" always;/,
                    'add_header X-Content-Type-Options "nosniff";',
                ),
            ),
            expect: /X-Content-Type-Options without "always"/,
        },
        {
            what: "short HSTS",
            change: nginx((t) => t.replace(/max-age=63072000/g, "max-age=15768000")),
            expect: /HSTS with max-age 15768000/,
        },
    ],
    "nginx-sends-no-deprecated-headers": [
        {
            what: "X-XSS-Protection 1 (E3)",
            change: nginx((t) =>
                t.replace(
                    "server_tokens off;",
                    'server_tokens off;\n add_header X-XSS-Protection "1; mode=block" always;',
                ),
            ),
            expect: /X-XSS-Protection "1; mode=block"/,
        },
        {
            what: "server_tokens on",
            change: nginx((t) => t.replace("server_tokens off;", "server_tokens on;")),
            expect: /server_tokens is not off/,
        },
    ],
    "nginx-limits-request-rate": [
        {
            what: "zone in server (E1)",
            change: nginx((t) =>
                t.replace(
                    "ssl_reject_handshake on;",
                    "ssl_reject_handshake on;\n limit_req_zone $binary_remote_addr zone=x:1m rate=1r/s;",
                ),
            ),
            expect: /limit_req_zone is declared in main > http > server #2/,
        },
        {
            what: "no limit",
            change: nginx((t) => t.replace(/limit_req zone=[^;]*;/g, "")),
            expect: /No limit_req/,
        },
        {
            what: "undeclared zone",
            change: nginx((t) => t.replace("limit_req zone=per_client", "limit_req zone=other")),
            expect: /zone "other"/,
        },
    ],
    "postgres-client-auth-is-scram-over-tls": [
        {
            what: "host line (FC-12)",
            change: hba((t) =>
                t.replace(
                    "hostssl  app",
                    "host     all      all     all             scram-sha-256\nhostssl  app",
                ),
            ),
            expect: /admits host connections/,
        },
        {
            what: "md5",
            change: hba((t) =>
                t.replace("app_rw  172.30.1.0/24   scram-sha-256", "app_rw  172.30.1.0/24   md5"),
            ),
            expect: /uses md5/,
        },
        {
            what: "no final reject",
            change: hba((t) => t.replace(/host +all +all +all +reject\n/, "")),
            expect: /does not end in a catch-all reject/,
        },
        {
            what: "trust env",
            change: (s) => props(s, "db").envs.push("POSTGRES_HOST_AUTH_METHOD=trust"),
            expect: /POSTGRES_HOST_AUTH_METHOD=trust/,
        },
    ],
    "postgres-requires-tls": [
        {
            what: "ssl off",
            change: pgConf((t) => t.replace("ssl = on", "ssl = off")),
            expect: /does not set ssl = on/,
        },
        {
            what: "TLSv1.1 floor",
            change: pgConf((t) => t.replace("'TLSv1.2'", "'TLSv1.1'")),
            expect: /ssl_min_protocol_version is TLSv1.1/,
        },
        {
            what: "md5 verifiers",
            change: pgConf((t) => t.replace("'scram-sha-256'", "'md5'")),
            expect: /password_encryption is not/,
        },
    ],
    "postgres-app-role-is-unprivileged": [
        {
            what: "superuser",
            change: (s) => (props(s, "app-role-pg").superuser = true),
            expect: /has superuser/,
        },
        {
            what: "createdb",
            change: (s) => (props(s, "app-role-pg").createDatabase = true),
            expect: /has createDatabase/,
        },
    ],
    "postgres-provider-verifies-server": [
        {
            what: "require (E28)",
            change: (s) => (props(s, "pg").sslmode = "require"),
            expect: /sslmode require/,
        },
        {
            what: "no root cert",
            change: (s) => delete props(s, "pg").sslrootcert,
            expect: /pins no sslrootcert/,
        },
    ],
    "vault-listener-uses-tls": [
        {
            what: "tls_disable (E18)",
            change: vaultHcl((t) => t.replace('tls_min_version = "tls12"', "tls_disable = 1")),
            expect: /sets tls_disable/,
        },
        {
            what: "no key",
            change: vaultHcl((t) => t.replace(/ *tls_key_file[^\n]*\n/, "")),
            expect: /names no tls_cert_file and tls_key_file/,
        },
        {
            what: "tls10",
            change: vaultHcl((t) => t.replace('"tls12"', '"tls10"')),
            expect: /allows tls10/,
        },
    ],
    "vault-clients-use-https": [
        {
            what: "skip verify",
            change: (s) => props(s, "daur-ai").envs.push("VAULT_SKIP_VERIFY=1"),
            expect: /VAULT_SKIP_VERIFY/,
        },
        {
            what: "http addr",
            change: (s) => props(s, "daur-ai").envs.push("VAULT_ADDR=http://vault:8200"),
            expect: /is not https/,
        },
    ],
    "vault-server-is-not-in-dev-mode": [
        {
            what: "default command (E19)",
            change: (s) => delete props(s, "vault").command,
            expect: /no `server` command/,
        },
        {
            what: "-dev",
            change: (s) => props(s, "vault").command.push("-dev"),
            expect: /passes -dev/,
        },
        {
            what: "dev token env",
            change: (s) => props(s, "vault").envs.push("VAULT_DEV_ROOT_TOKEN_ID=x"),
            expect: /VAULT_DEV_ROOT_TOKEN_ID/,
        },
    ],
    "vault-kv-mount-is-version-2": [
        { what: "v1 (E20)", change: (s) => (props(s, "kv").options = {}), expect: /is version 1/ },
    ],
    "vault-policy-grants-least-privilege": [
        {
            what: "root wildcard",
            change: (s) =>
                (props(s, "app-policy").policy += '\npath "*" { capabilities = ["read"] }'),
            expect: /path "\*" grants access to all/,
        },
        {
            what: "sudo",
            change: (s) =>
                (props(s, "app-policy").policy +=
                    '\npath "auth/token/x" { capabilities = ["sudo"] }'),
            expect: /grants sudo to an app/,
        },
        {
            what: "sys",
            change: (s) =>
                (props(s, "app-policy").policy +=
                    '\npath "sys/mounts" { capabilities = ["read"] }'),
            expect: /lets an app reach the system backend/,
        },
        {
            what: "KV v1 path (E20)",
            change: (s) =>
                (props(s, "app-policy").policy +=
                    '\npath "secret/daur-ai/*" { capabilities = ["read"] }'),
            expect: /KV v1 path/,
        },
        {
            what: "create on encrypt (E23)",
            change: (s) =>
                (props(s, "app-policy").policy +=
                    '\npath "transit/encrypt/*" { capabilities = ["create", "update"] }'),
            expect: /grants create/,
        },
    ],
    "vault-approle-credentials-are-short-lived": [
        {
            what: "no secret id",
            change: (s) => (props(s, "app-role").bindSecretId = false),
            expect: /without a secret ID/,
        },
        {
            what: "ttl 0 (E24)",
            change: (s) => (props(s, "app-role").secretIdTtl = 0),
            expect: /secretIdTtl is 0/,
        },
        {
            what: "unlimited uses",
            change: (s) => (props(s, "app-role").secretIdNumUses = 0),
            expect: /secretIdNumUses is 0/,
        },
        {
            what: "long token",
            change: (s) => (props(s, "app-role").tokenTtl = 86400),
            expect: /tokenTtl is 86400/,
        },
        {
            what: "no max",
            change: (s) => delete props(s, "app-role").tokenMaxTtl,
            expect: /tokenMaxTtl is 0/,
        },
    ],
    "vault-transit-key-stays-inside": [
        {
            what: "exportable",
            change: (s) => (props(s, "app-key").exportable = true),
            expect: /is exportable/,
        },
        {
            what: "plaintext backup",
            change: (s) => (props(s, "app-key").allowPlaintextBackup = true),
            expect: /plaintext backup/,
        },
        {
            what: "deletable",
            change: (s) => (props(s, "app-key").deletionAllowed = true),
            expect: /may be deleted/,
        },
    ],
    "vault-audit-logs-no-raw-values": [
        {
            what: "log_raw",
            change: (s) => (props(s, "audit-file").options.log_raw = "true"),
            expect: /logs raw values/,
        },
        {
            what: "accessor",
            change: (s) => (props(s, "audit-file").options.hmac_accessor = "false"),
            expect: /accessors unhashed/,
        },
    ],
    "vault-audit-device-exists": [
        {
            what: "no audit",
            change: (s) => s.splice(s.indexOf(pick(s, "audit-file")), 1),
            expect: /enables no audit device/,
        },
    ],
    "firewall-denies-by-default": [
        {
            what: "forward accept (E10)",
            change: bundle((t) => t.replace('FORWARD_POLICY="DROP"', 'FORWARD_POLICY="ACCEPT"')),
            expect: /DEFAULT_FORWARD_POLICY is ACCEPT/,
        },
        {
            what: "input accept",
            change: bundle((t) => t.replace('INPUT_POLICY="DROP"', 'INPUT_POLICY="ACCEPT"')),
            expect: /DEFAULT_INPUT_POLICY is ACCEPT/,
        },
        {
            what: "missing file",
            change: bundle((t) =>
                t.replace("### file: /etc/ufw/user6.rules", "### file: /etc/ufw/other"),
            ),
            expect: /lacks \/etc\/ufw\/user6.rules/,
        },
    ],
    "firewall-filters-docker-traffic": [
        {
            what: "no DOCKER-USER (FC-01)",
            change: bundle((t) =>
                t.replace(
                    /:DOCKER-USER - \[0:0\]\n-A DOCKER-USER -j ufw-user-forward\n-A DOCKER-USER -m conntrack --ctstate NEW -j DROP\n/,
                    "",
                ),
            ),
            expect: /after.rules has no DOCKER-USER block/,
        },
        {
            what: "no drop",
            change: bundle((t) =>
                t.replace(
                    "-A DOCKER-USER -m conntrack --ctstate NEW -j DROP\nCOMMIT\n###",
                    "COMMIT\n###",
                ),
            ),
            expect: /after.rules: DOCKER-USER drops no new/,
        },
    ],
    "firewall-opens-no-internal-service-port": [
        {
            what: "postgres opened (E9)",
            change: bundle((t) =>
                t.replace(
                    "*filter\n-A ufw-user-input",
                    "*filter\n-A ufw-user-input -p tcp --dport 5432 -j ACCEPT\n-A ufw-user-input",
                ),
            ),
            expect: /accepts port 5432/,
        },
    ],
    "command-hides-secret-output": [
        {
            what: "logs a secret id (FC-22)",
            change: (s) =>
                (props(s, "host-firewall").create =
                    "vault write -f -field=secret_id auth/approle/role/app/secret-id"),
            expect: /logs stderr; set logging "none"/,
        },
    ],
    "resource-uses-explicit-provider": [
        {
            what: "default provider (FC-15)",
            change: (s) => delete pick(s, "app-role-pg").provider,
            expect: /names no provider/,
        },
        {
            what: "named default",
            change: (s) =>
                (pick(s, "kv").provider = {
                    type: "pulumi:providers:vault",
                    name: "default_7_8_0",
                    urn: "u",
                    props: {},
                }),
            expect: /default provider default_7_8_0/,
        },
    ],
    "data-tier-sits-on-internal-networks": [
        {
            what: "db on frontend",
            change: (s) => props(s, "db").networksAdvanced.push({ name: "net-frontend" }),
            expect: /joins net-frontend, which is not internal/,
        },
        {
            what: "backend not internal",
            change: (s) => (props(s, "net-backend").internal = false),
            expect: /db joins net-backend/,
        },
    ],
    "only-the-edge-publishes-publicly": [
        {
            what: "app published",
            change: (s) =>
                props(s, "daur-ai").ports.push({ internal: 8000, external: 8000, ip: "10.0.0.5" }),
            expect: /daur-ai \(app\) publishes 8000->8000 on 10.0.0.5/,
        },
    ],
    "published-ports-are-covered-by-firewall": [
        {
            what: "no firewall",
            change: (s) => s.splice(s.indexOf(pick(s, "host-firewall")), 1),
            expect: /no host firewall/,
        },
        {
            what: "no route rule (FC-02)",
            change: bundle((t) => t.replace("--dport 8443", "--dport 443")),
            expect: /no forward rule for container port 8443/,
        },
    ],
    "tls-material-reaches-services": [
        {
            what: "edge key missing (from the edge and its file seed)",
            change: (s) => {
                for (const name of ["edge", "edge-files"]) {
                    props(s, name).uploads = props(s, name).uploads.filter(
                        (u: any) => !u.file.endsWith("privkey.pem"),
                    );
                }
            },
            expect: /edge does not receive \/etc\/nginx\/hardened\/tls\/privkey.pem/,
        },
        {
            what: "db key world-readable (FC-14)",
            change: (s) =>
                (props(s, "db").uploads.find((u: any) =>
                    u.file.endsWith("server.key"),
                ).permissions = "0644"),
            expect: /private key \/etc\/postgresql\/hardened\/tls\/server.key with mode 0644/,
        },
        {
            what: "vault cert missing",
            change: vaultHcl((t) =>
                t.replace("/vault/config/tls/server.crt", "/vault/tls/other.crt"),
            ),
            expect: /vault does not receive \/vault\/tls\/other.crt/,
        },
    ],
    "images-are-pinned-by-digest": [
        {
            what: "tag only",
            change: (s) => (props(s, "daur-ai").image = "ghcr.io/daur-ai/daur-ai:1.0.0"),
            expect: /daur-ai:1.0.0, which is not pinned/,
        },
    ],
    "container-secrets-arrive-as-files": [
        {
            what: "password in env",
            change: (s) => props(s, "db").envs.push("POSTGRES_PASSWORD=hunter2"),
            expect: /POSTGRES_PASSWORD holds a secret/,
        },
    ],
    "container-exposes-no-private-key": [
        {
            what: "key in label",
            change: (s) => props(s, "daur-ai").labels.push({ label: "k", value: KEY_PEM }),
            expect: /private key is passed/,
        },
        {
            what: "readable key upload",
            change: (s) =>
                (props(s, "vault").uploads.find((u: any) =>
                    u.file.endsWith("server.key"),
                ).permissions = "0604"),
            expect: /server.key is uploaded with mode 0604/,
        },
    ],
    "network-declares-its-subnet": [
        {
            what: "no subnet",
            change: (s) => (props(s, "net-backend").ipamConfigs = []),
            expect: /leaves its subnet to Docker/,
        },
    ],
    "policy-exemptions-are-valid": [
        {
            what: "expired",
            change: (s) =>
                props(s, "policy-exemptions").exemptions.push(
                    exemption("container-has-healthcheck", "2020-01-01"),
                ),
            expect: /expired on 2020-01-01/,
        },
        {
            what: "floor",
            change: (s) =>
                props(s, "policy-exemptions").exemptions.push(
                    exemption("container-is-not-privileged"),
                ),
            expect: /waives a floor policy/,
        },
        {
            what: "unknown policy",
            change: (s) =>
                props(s, "policy-exemptions").exemptions.push(exemption("no-such-policy")),
            expect: /names no known policy/,
        },
    ],
};

function exemption(policy: string, expires = "2999-12-31") {
    return {
        policy,
        resource: "daur-ai",
        reason: "tracked in the platform backlog",
        owner: "platform-team",
        expires,
    };
}

describe("policies over a compliant baseline", () => {
    for (const policy of POLICIES) {
        it(`${policy.name} passes the baseline`, async () => {
            assert.deepEqual(await violations(policy, baselineStack()), []);
        });
    }

    it("every policy has mutations that make it fail", () => {
        const missing = POLICIES.map((p) => p.name).filter((n) => !MUTATIONS[n]?.length);
        assert.deepEqual(missing, []);
    });
});

describe("an external Vault", () => {
    it("is not held to audit devices the stack cannot enable or see", async () => {
        const policy = POLICIES.find((p) => p.name === "vault-audit-device-exists")!;
        const stack = baselineStack().filter(
            (r) =>
                r.type !== "vault:index/audit:Audit" &&
                !(r.type.endsWith("container:Container") && r.name.startsWith("vault")),
        );
        assert.ok(
            stack.some((r) => r.type.startsWith("vault:")),
            "Vault is still configured",
        );
        assert.deepEqual(await violations(policy, stack), []);
    });
});

describe("each one-property mutation fails with its own message", () => {
    for (const policy of POLICIES) {
        for (const m of MUTATIONS[policy.name] ?? []) {
            it(`${policy.name}: ${m.what}`, async () => {
                const stack = baselineStack();
                m.change(stack);
                const messages = await violations(policy, stack);
                assert.ok(
                    messages.some((msg) => m.expect.test(msg)),
                    `expected a violation matching ${m.expect}, got ${JSON.stringify(messages)}`,
                );
            });
        }
    }
});

describe("mutations of one policy are told apart", () => {
    for (const policy of POLICIES.filter((p) => (MUTATIONS[p.name] ?? []).length > 1)) {
        it(`${policy.name} names each problem differently`, async () => {
            const seen: string[] = [];
            for (const m of MUTATIONS[policy.name]) {
                const stack = baselineStack();
                m.change(stack);
                seen.push((await violations(policy, stack)).find((msg) => m.expect.test(msg))!);
            }
            assert.equal(new Set(seen).size, seen.length, JSON.stringify(seen));
        });
    }
});
