import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";

import { loadConfig } from "../../infra/config";
import { databasePlan } from "../../infra/render/databasePlan";
import {
    STRONG_PASSWORD_RULE,
    passwordGeneratorScript,
    satisfiesRule,
    scramVerifier,
    stableScramVerifier,
} from "../../infra/render/passwords";
import {
    parseHba,
    postgresModel,
    renderPgHba,
    renderPostgresqlConf,
} from "../../infra/render/postgres";
import {
    renderPasswordPolicy,
    renderPolicy,
    renderVaultConfig,
    vaultPolicies,
    vaultServerModel,
} from "../../infra/render/vault";
import { devConfig } from "../support/program";
import { matchSnapshot } from "../support/snapshot";

const config = loadConfig(devConfig());
const model = postgresModel(config.data.postgres, config.network.backendSubnet);
const policies = vaultPolicies({
    kvMount: "kv",
    transitMount: "transit",
    transitKey: "app-data",
    app: "daur-ai",
    appRoleMount: "approle",
});

/** The `path "..." { capabilities = [...] }` blocks of a rendered policy. */
function parsePolicy(hcl: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const m of hcl.matchAll(/path "([^"]+)" \{\s*capabilities = \[([^\]]*)\]/g)) {
        out[m[1]] = m[2].split(",").map((c) => c.trim().replace(/"/g, ""));
    }
    return out;
}

describe("rendered data tier files", () => {
    it("matches the postgresql.conf snapshot", () => {
        matchSnapshot("postgresql.conf", renderPostgresqlConf(model));
    });

    it("matches the pg_hba.conf snapshot", () => {
        matchSnapshot("pg_hba.conf", renderPgHba(model));
    });

    it("matches the vault.hcl snapshot", () => {
        matchSnapshot("vault.hcl", renderVaultConfig(vaultServerModel(config.data.vault)));
    });

    it("matches the policy and password policy snapshots", () => {
        for (const [role, policy] of Object.entries(policies)) {
            matchSnapshot(`vault-policy-${role}.hcl`, renderPolicy(policy));
        }
        matchSnapshot("vault-password-policy.hcl", renderPasswordPolicy());
    });
});

describe("pg_hba.conf (FC-12: first match wins)", () => {
    const lines = parseHba(renderPgHba(model));

    it("refuses connections without TLS before any allow line", () => {
        const firstAllow = lines.findIndex((l) => l.method !== "reject");
        const noTls = lines.findIndex((l) => l.type === "hostnossl" && l.method === "reject");
        assert.ok(noTls >= 0 && noTls < firstAllow);
    });

    it("has no host line and no weak method", () => {
        assert.deepEqual(
            lines.filter((l) => l.type === "host" || /trust|password|md5|ident/.test(l.method)),
            [],
        );
    });

    it("allows only hostssl scram-sha-256 from the backend subnet, then rejects all", () => {
        const allows = lines.filter((l) => l.method !== "reject");
        assert.deepEqual(
            allows.map((l) => [l.type, l.database, l.user, l.address, l.method]),
            [
                ["hostssl", "daur", "hs_app", "172.30.1.0/24", "scram-sha-256"],
                ["hostssl", "daur", "+hs_operator", "172.30.1.0/24", "scram-sha-256"],
                ["hostssl", "daur", "+hs_viewer", "172.30.1.0/24", "scram-sha-256"],
                ["hostssl", "all", "hs_admin", "172.30.1.0/24", "scram-sha-256"],
            ],
        );
        assert.deepEqual(lines.at(-1), {
            type: "hostssl",
            database: "all",
            user: "all",
            address: "all",
            method: "reject",
        });
    });
});

describe("postgresql.conf", () => {
    const conf = renderPostgresqlConf(model);

    it("turns TLS on at 1.2 or above, SCRAM, and the shipped hba file", () => {
        for (const line of [
            "ssl = on",
            "ssl_min_protocol_version = 'TLSv1.2'",
            "password_encryption = 'scram-sha-256'",
            "hba_file = '/etc/postgresql/hardened/pg_hba.conf'",
            "log_connections = on",
            "log_statement = 'ddl'",
            "log_parameter_max_length = 0",
            "unix_socket_directories = ''",
        ]) {
            assert.ok(conf.split("\n").includes(line), `missing: ${line}`);
        }
    });
});

describe("Vault policies (KV v2 and transit paths)", () => {
    it("gives the app read on its own KV v2 data path and update on its key only", () => {
        assert.deepEqual(parsePolicy(renderPolicy(policies.app)), {
            "kv/data/daur-ai/*": ["read"],
            "transit/encrypt/app-data": ["update"],
            "transit/decrypt/app-data": ["update"],
        });
    });

    it("lets the viewer see metadata but no secret value", () => {
        const viewer = parsePolicy(renderPolicy(policies.viewer));
        assert.deepEqual(viewer["kv/metadata/*"], ["read", "list"]);
        assert.ok(!Object.keys(viewer).some((p) => p.includes("/data/")));
    });

    it("grants no one sudo outside sys/, no root wildcard, no export or backup", () => {
        for (const policy of Object.values(policies)) {
            const rules = parsePolicy(renderPolicy(policy));
            for (const [path, caps] of Object.entries(rules)) {
                assert.notEqual(path, "*");
                assert.ok(!/\/(export|backup)\//.test(path), `${policy.name}: ${path}`);
                if (caps.includes("sudo")) {
                    assert.ok(path.startsWith("sys/"), `${policy.name}: sudo on ${path}`);
                }
                if (path.startsWith("kv/") && policy.name !== "hs-admin") {
                    assert.match(path, /^kv\/(data|metadata)\//);
                }
            }
            if (policy.name !== "hs-admin") {
                assert.ok(
                    !Object.keys(rules).some((p) => p.startsWith("sys/") && p !== "sys/mounts"),
                );
            }
        }
    });

    it("never grants create on transit encrypt paths (it would mint keys)", () => {
        for (const policy of Object.values(policies)) {
            for (const [path, caps] of Object.entries(parsePolicy(renderPolicy(policy)))) {
                if (/^transit\/(encrypt|decrypt)\//.test(path)) {
                    assert.deepEqual(caps, ["update"]);
                }
            }
        }
    });
});

describe("passwords", () => {
    it("generates passwords that satisfy the strong-password rule", () => {
        for (let i = 0; i < 5; i++) {
            const password = execFileSync("node", ["-e", passwordGeneratorScript()], {
                encoding: "utf8",
            });
            assert.ok(satisfiesRule(password), `weak: length ${password.length}`);
        }
    });

    it("states the rule in Vault's password policy", () => {
        const hcl = renderPasswordPolicy();
        assert.match(hcl, new RegExp(`^length = ${STRONG_PASSWORD_RULE.length}$`, "m"));
        assert.equal(hcl.match(/min-chars = 1/g)?.length, 4);
        assert.ok(STRONG_PASSWORD_RULE.length >= 12);
    });

    it("rejects passwords that miss a class or are short", () => {
        assert.ok(!satisfiesRule("abcdefghijklmnopqrstuvwxyzABCDEF"));
        assert.ok(!satisfiesRule("aB3-"));
    });

    it("writes SCRAM-SHA-256 verifiers in PostgreSQL's form (the live test logs in with them)", () => {
        const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
        assert.match(
            scramVerifier("pencil", salt, 4096),
            /^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
        );
        assert.equal(stableScramVerifier("pencil", "a"), stableScramVerifier("pencil", "a"));
        assert.notEqual(stableScramVerifier("pencil", "a"), stableScramVerifier("pencil", "b"));
        assert.throws(() => scramVerifier("pass word"), /printable ASCII/);
    });
});

describe("database plan", () => {
    it("gives the app rows only and the viewer reads only", () => {
        const plan = databasePlan(config.data.postgres);
        const app = plan.grants.filter((g) => g.role === "hs_app");
        assert.deepEqual(
            app.map((g) => [g.objectType, g.privileges.join(",")]),
            [
                ["database", "CONNECT"],
                ["schema", "USAGE"],
                ["table", "SELECT,INSERT,UPDATE,DELETE"],
                ["sequence", "USAGE,SELECT"],
            ],
        );
        const viewer = plan.grants.filter((g) => g.role === "hs_viewer");
        assert.ok(
            viewer.every((g) =>
                g.privileges.every((p) => ["CONNECT", "USAGE", "SELECT"].includes(p)),
            ),
        );
        assert.equal(plan.schemaOwner, "hs_operator");
    });
});
