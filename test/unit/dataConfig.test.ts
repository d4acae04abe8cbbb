import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ConfigError, loadConfig } from "../../infra/config";
import { imageRepository } from "../../infra/config/data";
import { devConfig, fakeConfig } from "../support/program";

/** Loads the dev config with overrides and returns the issues' keys and problems. */
function issuesFor(overrides: Record<string, unknown>, secretKeys: string[] = []) {
    const base = devConfig(overrides);
    const source = fakeConfig(
        Object.fromEntries(
            [
                "environment",
                "domains",
                "network",
                "postgres",
                "vault",
                "vaultToken",
                "vaultCaCertificate",
            ]
                .map((k) => [k, base.get(k)])
                .filter(([, v]) => v !== undefined),
        ),
        secretKeys,
    );
    try {
        loadConfig(source);
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.issues.map((i) => `${i.key}: ${i.problem}`);
    }
}

describe("data tier configuration", () => {
    it("reads the dev stack with the base image's postgres uid", () => {
        const { data } = loadConfig(devConfig());
        assert.equal(data.vault.mode, "managed");
        assert.equal(data.vault.address, "https://172.30.1.20:8200");
        assert.equal(data.postgres.user, "999:999");
        assert.equal(data.postgres.ipv4Address, "172.30.1.10");
        assert.deepEqual(data.postgres.roles, {
            admin: "hs_admin",
            operator: "hs_operator",
            viewer: "hs_viewer",
            app: "hs_app",
        });
    });

    it("takes the official image's uid from the table, and asks for unknown ones", () => {
        const official = loadConfig(devConfig({ postgres: { image: "postgres:15.8-bookworm" } }));
        assert.equal(official.data.postgres.user, "999:999");
        assert.deepEqual(issuesFor({ postgres: { image: "ghcr.io/acme/pg:15" } }), [
            "hardened-stack:postgres.user: is not set and the postgres uid of image ghcr.io/acme/pg is not known",
        ]);
        assert.equal(
            imageRepository("docker.io/library/postgres:15@sha256:" + "a".repeat(64)),
            "postgres",
        );
    });

    it("refuses names that would break out of a rendered file", () => {
        const issues = issuesFor({
            postgres: { database: "daur'; --", roles: { app: "pg_app" } },
            vault: { kvMount: "kv/../sys" },
        });
        assert.deepEqual(
            issues.map((i) => i.split(":").slice(0, 2).join(":")),
            [
                "hardened-stack:postgres.roles.app",
                "hardened-stack:postgres.database",
                "hardened-stack:vault.kvMount",
            ],
        );
    });

    it("requires an https address and secret credentials for an external Vault", () => {
        assert.deepEqual(issuesFor({ vault: { mode: "external" }, vaultToken: "hvs.plain" }), [
            "hardened-stack:vault.address: is not set for mode external",
            "hardened-stack:vaultToken: is set in plain text",
            "hardened-stack:vaultCaCertificate: is not set for vault.mode external",
        ]);
        const external = issuesFor(
            {
                vault: { mode: "external", address: "https://vault.example.com:8200" },
                vaultToken: "x",
                vaultCaCertificate: "y",
            },
            ["vaultToken", "vaultCaCertificate"],
        );
        assert.deepEqual(external, []);
        const plainHttp = issuesFor({ vault: { mode: "external", address: "http://vault:8200" } });
        assert.ok(plainHttp.some((i) => i.startsWith("hardened-stack:vault.address:")));
    });

    it("requires pinned images outside dev, but no Vault image for an external Vault", () => {
        const keys = (vault: Record<string, unknown>) =>
            issuesFor({ environment: "production", vault }).filter((i) =>
                /^hardened-stack:(postgres|vault)\.image/.test(i),
            );
        assert.deepEqual(
            keys({ mode: "managed" }).map((i) => i.split(":").slice(0, 2).join(":")),
            ["hardened-stack:postgres.image", "hardened-stack:vault.image"],
        );
        assert.deepEqual(
            keys({ mode: "external", address: "https://vault.example.com" }).map((i) =>
                i.split(":").slice(0, 2).join(":"),
            ),
            ["hardened-stack:postgres.image"],
        );
    });

    it("keeps AppRole lifetimes bounded and consistent", () => {
        assert.deepEqual(
            issuesFor({
                vault: {
                    appRole: { tokenTtlMinutes: 60, tokenMaxTtlMinutes: 30, secretIdNumUses: 0 },
                },
            }).map((i) => i.split(":").slice(0, 2).join(":")),
            [
                "hardened-stack:vault.appRole.secretIdNumUses",
                "hardened-stack:vault.appRole.tokenMaxTtlMinutes",
            ],
        );
    });

    it("keeps the servers' addresses inside the backend subnet and apart", () => {
        const issues = issuesFor({
            postgres: { ipv4Address: "172.30.1.1" },
            vault: { ipv4Address: "10.0.0.5" },
        });
        assert.deepEqual(issues, [
            "hardened-stack:postgres.ipv4Address: is 172.30.1.1, the network, gateway or broadcast address",
            "hardened-stack:vault.ipv4Address: is 10.0.0.5, outside network.backendSubnet",
        ]);
    });
});
