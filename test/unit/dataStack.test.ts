import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, describe, it } from "node:test";

import { satisfiesRule } from "../../infra/render/passwords";

import { ProgramRun, isSecretValue } from "../../scripts/lib/mockRuntime";
import { findResource, plainInputs, runStack } from "../support/program";

const CONTAINER = "docker:index/container:Container";
/** How the SDK marks a value that is not known until the update runs. */
const UNKNOWN_AT_PREVIEW = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
let run: ProgramRun;

before(async () => {
    run = await runStack("dev");
});

/** The recorded resources of one type. */
function ofType(type: string) {
    return run.resources.filter((r) => r.type === type);
}

/** The value of a container label. */
function label(inputs: Record<string, any>, name: string): string | undefined {
    return (inputs.labels as { label: string; value: string }[]).find((l) => l.label === name)
        ?.value;
}

describe("explicit providers (FC-15)", () => {
    it("gives every docker, tls, command, postgresql and vault resource its provider", () => {
        const managed = run.resources.filter(
            (r) => r.custom && /^(docker|tls|command|postgresql|vault):/.test(r.type),
        );
        assert.ok(managed.length > 40, `only ${managed.length} resources`);
        const missing = managed.filter((r) => r.provider === undefined).map((r) => r.name);
        assert.deepEqual(missing, []);
    });

    it("points PostgreSQL resources at the verify-full provider", () => {
        const provider = findResource(run, "pulumi:providers:postgresql", "data-postgresql");
        const inputs = plainInputs(provider);
        assert.equal(inputs.sslmode, "verify-full");
        assert.equal(inputs.sslrootcert, ".hardened-stack/dev/internal-ca.pem");
        assert.equal(inputs.host, "172.30.1.10");
        for (const r of run.resources.filter((x) => x.type.startsWith("postgresql:"))) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses ${r.provider}`);
        }
    });

    it("points Vault resources at the provider that trusts the internal CA", () => {
        const provider = findResource(run, "pulumi:providers:vault", "data-vault");
        const inputs = plainInputs(provider);
        assert.equal(inputs.address, "https://172.30.1.20:8200");
        assert.equal(inputs.caCertFile, ".hardened-stack/dev/internal-ca.pem");
        assert.equal(inputs.skipTlsVerify, "false");
        for (const r of run.resources.filter((x) => x.type.startsWith("vault:"))) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses ${r.provider}`);
        }
    });
});

describe("readiness (FC-06)", () => {
    it("connects the providers only after the servers are healthy and unsealed", () => {
        const pgContainer = findResource(run, CONTAINER, "data-postgres");
        assert.equal(plainInputs(pgContainer).wait, true);
        const pg = findResource(run, "pulumi:providers:postgresql", "data-postgresql");
        assert.ok(pg.options.dependsOn.includes(pgContainer.urn), "postgresql waits for the db");
        const unseal = findResource(run, "command:local:Command", "data-vault-unseal");
        const vault = findResource(run, "pulumi:providers:vault", "data-vault");
        assert.ok(vault.options.dependsOn.includes(unseal.urn), "vault waits for the unseal");
        const caFile = findResource(run, "command:local:Command", "data-ca-file-write");
        assert.ok(pg.options.dependsOn.includes(caFile.urn));
        assert.ok(vault.options.dependsOn.includes(caFile.urn));
    });

    it("runs the data tier from pulled images", () => {
        for (const [image, container] of [
            ["postgres-image", "data-postgres"],
            ["vault-image", "data-vault"],
        ]) {
            const pulled = findResource(run, "docker:index/remoteImage:RemoteImage", image);
            const c = findResource(run, CONTAINER, container);
            assert.ok(c.options.dependsOn.includes(pulled.urn), `${container} uses ${image}`);
        }
    });
});

describe("data tier containers", () => {
    const roles = { "data-postgres": "database", "data-vault": "vault" };

    it("labels them by role and keeps them on the backend network, unpublished", () => {
        for (const [name, role] of Object.entries(roles)) {
            const c = plainInputs(findResource(run, CONTAINER, name));
            assert.equal(label(c, "hardened-stack.role"), role);
            assert.deepEqual(
                c.networksAdvanced.map((n: any) => n.name),
                ["net-backend"],
            );
            assert.deepEqual(c.ports, []);
            assert.equal(c.readOnly, true);
            assert.deepEqual(c.capabilities, { drops: ["ALL"], adds: [] });
            assert.equal(c.wait, true);
        }
    });

    it("uploads the PostgreSQL files at the documented paths with accepted owners", () => {
        const c = findResource(run, CONTAINER, "data-postgres");
        // The files travel in the never-started file seed; the server mounts them read-only.
        const seed = findResource(run, CONTAINER, "data-postgres-files");
        const uploads = plainInputs(seed).uploads as any[];
        const byPath = Object.fromEntries(uploads.map((u) => [u.file, u]));
        assert.match(byPath["/etc/postgresql/hardened/postgresql.conf"].content, /ssl = on/);
        assert.match(byPath["/etc/postgresql/hardened/pg_hba.conf"].content, /hostnossl/);
        const key = byPath["/etc/postgresql/hardened/tls/server.key"];
        assert.deepEqual([key.owner, key.group, key.permissions], ["999", "999", "0600"]);
        const raw = (seed.inputs.uploads as any[]).find(
            (u) => u.file === "/etc/postgresql/hardened/tls/server.key",
        );
        assert.ok(isSecretValue(raw.content), "the key must stay a secret");
        assert.deepEqual(plainInputs(c).entrypoints, ["bash", "-c"]);
        assert.match(plainInputs(c).command[0], /-c config_file="\/etc\/postgresql\/hardened/);
        assert.match(plainInputs(c).healthcheck.tests.join(" "), /pg_isready/);
    });

    it("runs Vault as a server on its rendered config, never in dev mode", () => {
        const c = plainInputs(findResource(run, CONTAINER, "data-vault"));
        assert.deepEqual(c.entrypoints, ["vault"]);
        assert.deepEqual(c.command, ["server", "-config=/vault/config/vault.hcl"]);
        assert.deepEqual(c.envs, [
            "VAULT_ADDR=https://127.0.0.1:8200",
            "VAULT_CACERT=/vault/config/tls/ca.pem",
        ]);
        const seed = plainInputs(findResource(run, CONTAINER, "data-vault-files"));
        const hcl = seed.uploads.find((u: any) => u.file === "/vault/config/vault.hcl").content;
        assert.match(hcl, /ui\s+= false/);
        assert.match(hcl, /tls_min_version\s+= "tls12"/);
        assert.match(hcl, /disable_mlock = true/);
        assert.match(c.healthcheck.tests.join(" "), /vault status/);
    });
});

describe("secrets stay secret (FC-22)", () => {
    it("generates a strong password with the recorded command, through a shell", () => {
        const generate = findResource(
            run,
            "command:local:Command",
            "data-pg-app-password-generate",
        );
        const r = spawnSync("sh", ["-c", plainInputs(generate).create], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(satisfiesRule(r.stdout), "the generated password breaks the rule");
        assert.deepEqual(plainInputs(generate).triggers, [1]);
    });

    it("keeps init, unseal and password commands out of the logs", () => {
        const commands = ofType("command:local:Command").filter((r) =>
            /(init|unseal|password)/.test(r.name),
        );
        assert.equal(commands.length, 4);
        for (const c of commands) {
            assert.equal(plainInputs(c).logging, "none", c.name);
            assert.deepEqual(c.options.additionalSecretOutputs.sort(), ["stderr", "stdout"]);
        }
        const unseal = findResource(run, "command:local:Command", "data-vault-unseal");
        assert.doesNotMatch(plainInputs(unseal).create, /\$share"? *$/m);
        assert.match(plainInputs(unseal).create, /key=-/);
    });

    it("hands the app its credentials as secret files only it can read", () => {
        const c = findResource(run, CONTAINER, "daur-ai");
        const envs = c.inputs.envs as unknown[];
        // Every variable is known at preview, so policies can read them all (FC-20).
        assert.ok(
            envs.every((e) => typeof e === "string"),
            "an environment value is not plain",
        );
        const plain = envs as string[];
        assert.ok(plain.includes("DATABASE_SSLMODE=verify-full"));
        assert.ok(plain.includes("DATABASE_SSLROOTCERT=/etc/app/internal-ca.pem"));
        assert.ok(plain.includes("DATABASE_PASSWORD_FILE=/etc/app/secrets/database-password"));
        assert.ok(!plain.some((e) => /(PASSWORD|SECRET_ID|ROLE_ID|TOKEN)=/.test(e)));
        const seed = findResource(run, CONTAINER, `${c.name}-files`);
        const uploads = seed.inputs.uploads as any[];
        const credentials = uploads.filter((u) => u.file.startsWith("/etc/app/secrets/"));
        assert.deepEqual(
            credentials.map((u) => [u.file, u.permissions, u.owner, u.group]),
            [
                ["/etc/app/secrets/database-password", "0400", "10001", "10001"],
                ["/etc/app/secrets/vault-role-id", "0400", "10001", "10001"],
                ["/etc/app/secrets/vault-secret-id", "0400", "10001", "10001"],
            ],
        );
        for (const u of credentials) {
            assert.ok(
                isSecretValue(u.content) || u.content === UNKNOWN_AT_PREVIEW,
                `${u.file} must not be plain`,
            );
        }
        assert.deepEqual(
            plainInputs(c).networksAdvanced.map((n: any) => n.name),
            ["net-frontend", "net-backend"],
        );
    });

    it("exports no token and keeps the rendered files free of secrets", () => {
        assert.ok(!("vaultRootToken" in run.outputs));
        const text = JSON.stringify(run.outputs);
        assert.doesNotMatch(text, /hvs\.|offline-placeholder-secret|PRIVATE KEY/);
    });
});

describe("Vault configuration", () => {
    it("mounts KV version 2 and transit", () => {
        const kv = plainInputs(
            findResource(run, "vault:index/mount:Mount", "data-vault-config-kv"),
        );
        assert.deepEqual([kv.path, kv.type, kv.options], ["kv", "kv", { version: "2" }]);
        const key = plainInputs(
            findResource(
                run,
                "vault:transit/secretBackendKey:SecretBackendKey",
                "data-vault-config-transit-key",
            ),
        );
        assert.deepEqual(
            [key.exportable, key.allowPlaintextBackup, key.deletionAllowed, key.autoRotatePeriod],
            [false, false, false, 30 * 86400],
        );
    });

    it("keeps the AppRole secret_id a secret output", () => {
        const secretId = findResource(
            run,
            "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId",
            "data-vault-config-approle-app-secret-id",
        );
        assert.ok(secretId.options.additionalSecretOutputs.includes("secretId"));
    });

    it("bounds the app's AppRole tokens and secret_id", () => {
        const role = plainInputs(
            findResource(
                run,
                "vault:appRole/authBackendRole:AuthBackendRole",
                "data-vault-config-approle-app",
            ),
        );
        assert.equal(role.tokenTtl, 900);
        assert.equal(role.tokenMaxTtl, 3600);
        assert.equal(role.secretIdTtl, 30 * 86400);
        assert.equal(role.secretIdNumUses, 1000);
        assert.deepEqual(role.tokenPolicies, ["app-daur-ai"]);
        assert.deepEqual(role.secretIdBoundCidrs, ["172.30.1.0/24"]);
        assert.deepEqual(role.tokenBoundCidrs, ["172.30.1.0/24"]);
    });

    it("enables two audit devices without raw logging", () => {
        const audits = ofType("vault:index/audit:Audit").map(plainInputs);
        assert.deepEqual(audits.map((a) => a.path).sort(), ["file", "stdout"]);
        for (const a of audits) {
            assert.equal(a.options.log_raw, "false");
            assert.equal(a.options.hmac_accessor, "true");
        }
        const file = audits.find((a) => a.path === "file")!;
        assert.equal(file.options.file_path, "/vault/logs/audit.log");
        assert.equal(file.options.mode, "0600");
    });

    it("writes the exact policy paths", () => {
        const app = plainInputs(
            findResource(run, "vault:index/policy:Policy", "data-vault-config-policy-app"),
        );
        assert.equal(app.name, "app-daur-ai");
        const paths = [...app.policy.matchAll(/path "([^"]+)"/g)].map((m: any) => m[1]);
        assert.deepEqual(paths, [
            "kv/data/daur-ai/*",
            "transit/encrypt/app-data",
            "transit/decrypt/app-data",
        ]);
    });

    it("stores the app's database credentials in KV write-only, versioned by rotation", () => {
        const secret = findResource(
            run,
            "vault:kv/secretV2:SecretV2",
            "data-vault-config-secret-daur-ai-database",
        );
        assert.equal(plainInputs(secret).name, "daur-ai/database");
        assert.equal(plainInputs(secret).dataJsonWoVersion, 1);
        assert.equal(plainInputs(secret).dataJson, undefined);
    });

    it("sets the password policy with the strong-password rule", () => {
        const p = plainInputs(
            findResource(
                run,
                "vault:generic/endpoint:Endpoint",
                "data-vault-config-password-policy",
            ),
        );
        assert.equal(p.path, "sys/policies/password/hs-strong");
        assert.match(JSON.parse(p.dataJson).policy, /length = 32/);
    });
});

describe("PostgreSQL roles and grants", () => {
    it("creates the app role without administrative attributes", () => {
        const app = plainInputs(
            findResource(run, "postgresql:index/role:Role", "data-db-role-hs_app"),
        );
        assert.equal(app.login, true);
        for (const attr of ["superuser", "createDatabase", "createRole", "replication"]) {
            assert.equal(app[attr], false, attr);
        }
        assert.equal(app.connectionLimit, 20);
        assert.equal(app.password, undefined);
        assert.equal(app.passwordWoVersion, "1");
    });

    it("revokes PUBLIC's access to the database and adds pgcrypto", () => {
        const grants = ofType("postgresql:index/grant:Grant").map(plainInputs);
        const pub = grants.find((g) => g.role === "public")!;
        assert.deepEqual([pub.objectType, pub.privileges], ["database", []]);
        assert.ok(grants.every((g) => g.withGrantOption === false));
        const ext = plainInputs(
            findResource(run, "postgresql:index/extension:Extension", "data-db-ext-pgcrypto"),
        );
        assert.equal(ext.name, "pgcrypto");
    });
});

describe("internal CA and trust files", () => {
    it("signs the server certificates for their names and fixed addresses", () => {
        const ca = plainInputs(
            findResource(run, "tls:index/selfSignedCert:SelfSignedCert", "data-ca-cert"),
        );
        assert.equal(ca.isCaCertificate, true);
        assert.deepEqual(ca.allowedUses, ["cert_signing", "crl_signing"]);
        const pgCsr = plainInputs(
            findResource(run, "tls:index/certRequest:CertRequest", "data-ca-postgres-csr"),
        );
        assert.deepEqual([pgCsr.dnsNames, pgCsr.ipAddresses], [["postgres"], ["172.30.1.10"]]);
        const vaultCsr = plainInputs(
            findResource(run, "tls:index/certRequest:CertRequest", "data-ca-vault-csr"),
        );
        assert.deepEqual(vaultCsr.ipAddresses, ["172.30.1.20", "127.0.0.1"]);
        const pgCert = plainInputs(
            findResource(
                run,
                "tls:index/locallySignedCert:LocallySignedCert",
                "data-ca-postgres-cert",
            ),
        );
        assert.deepEqual(pgCert.allowedUses, [
            "digital_signature",
            "key_encipherment",
            "server_auth",
        ]);
        const key = findResource(run, "tls:index/privateKey:PrivateKey", "data-ca-key");
        assert.ok(key.options.additionalSecretOutputs.includes("privateKeyPem"));
    });

    it("writes the CA for the providers inside the project and hands it to the app", () => {
        const writer = plainInputs(
            findResource(run, "command:local:Command", "data-ca-file-write"),
        );
        assert.deepEqual(writer.environment, { TRUST_FILE: ".hardened-stack/dev/internal-ca.pem" });
        assert.match(writer.stdin, /BEGIN CERTIFICATE/);
        const app = plainInputs(findResource(run, CONTAINER, "daur-ai-files"));
        assert.deepEqual(
            app.uploads.slice(0, 1).map((u: any) => [u.file, u.content]),
            [["/etc/app/internal-ca.pem", writer.stdin]],
        );
    });

    it("unseals Vault again whenever its container is replaced", () => {
        const unseal = plainInputs(findResource(run, "command:local:Command", "data-vault-unseal"));
        assert.equal(unseal.triggers.length, 1);
        const init = plainInputs(findResource(run, "command:local:Command", "data-vault-init"));
        assert.match(
            init.create,
            /vault operator init -format=json -key-shares=1 -key-threshold=1$/,
        );
        assert.equal(init.environment.DOCKER_HOST, "unix:///var/run/docker.sock");
    });
});

describe("the app database", () => {
    it("puts the schema under the operator and grants future tables by default", () => {
        const schema = plainInputs(
            findResource(run, "postgresql:index/schema:Schema", "data-db-schema"),
        );
        assert.deepEqual([schema.name, schema.owner], ["app", "hs_operator"]);
        const defaults = ofType("postgresql:index/defaultPrivileges:DefaultPrivileges")
            .map(plainInputs)
            .map((d) => `${d.owner}>${d.role}:${d.objectType}:${d.privileges.join(",")}`)
            .sort();
        assert.deepEqual(defaults, [
            "hs_operator>hs_app:sequence:USAGE,SELECT",
            "hs_operator>hs_app:table:SELECT,INSERT,UPDATE,DELETE",
            "hs_operator>hs_viewer:sequence:SELECT",
            "hs_operator>hs_viewer:table:SELECT",
        ]);
        const db = plainInputs(
            findResource(run, "postgresql:index/database:Database", "data-db-db"),
        );
        assert.deepEqual([db.name, db.owner], ["daur", "hs_admin"]);
    });

    it("keeps the group roles from logging in", () => {
        for (const name of ["hs_operator", "hs_viewer"]) {
            const role = plainInputs(
                findResource(run, "postgresql:index/role:Role", `data-db-role-${name}`),
            );
            assert.equal(role.login, false, name);
            assert.equal(role.passwordWo, undefined, name);
        }
    });

    it("bounds KV history", () => {
        const kv = plainInputs(
            findResource(
                run,
                "vault:kv/secretBackendV2:SecretBackendV2",
                "data-vault-config-kv-config",
            ),
        );
        assert.equal(kv.maxVersions, 10);
    });
});
