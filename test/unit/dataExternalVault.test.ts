import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import * as pulumi from "@pulumi/pulumi";

import { loadConfig } from "../../infra/config";
import { createStack } from "../../infra/stack";
import { ProgramRun, isSecretValue } from "../../scripts/lib/mockRuntime";
import { devConfig, findResource, plainInputs, runUnderMocks } from "../support/program";

const VAULT_CA = "-----BEGIN CERTIFICATE-----\n(external vault CA)\n-----END CERTIFICATE-----\n";
let run: ProgramRun;

before(async () => {
    const dev = devConfig({
        vault: { mode: "external", address: "https://vault.example.com:8200" },
        vaultToken: "unused",
        vaultCaCertificate: "unused",
    });
    const config = loadConfig({
        get: (k) => dev.get(k),
        isSecret: (k) => ["vaultToken", "vaultCaCertificate"].includes(k),
    });
    run = await runUnderMocks(() => {
        const outputs = createStack(
            config,
            {
                appSecretEnv: pulumi.secret<Record<string, string>>({}),
                externalVault: {
                    token: pulumi.secret("hvs.test-external-token"),
                    caCertificatePem: pulumi.secret(VAULT_CA),
                },
            },
            "test",
        );
        return { pgHbaConf: outputs.pgHbaConf };
    });
});

describe("an external Vault", () => {
    it("runs no Vault container and no init or unseal command", () => {
        const names = run.resources.map((r) => r.name);
        assert.ok(!names.includes("data-vault-init"));
        assert.ok(
            !run.resources.some(
                (r) => r.type.endsWith("container:Container") && /vault/.test(r.name),
            ),
        );
        assert.ok(names.includes("data-postgres"));
    });

    it("connects with the secret token and the external CA, never skipping verification", () => {
        const provider = findResource(run, "pulumi:providers:vault", "data-vault");
        const inputs = plainInputs(provider);
        assert.equal(inputs.address, "https://vault.example.com:8200");
        assert.equal(inputs.caCertFile, ".hardened-stack/test/vault-ca.pem");
        assert.equal(inputs.skipTlsVerify, "false");
        assert.ok(isSecretValue(provider.inputs.token), "the token must stay a secret");
        const writer = plainInputs(
            findResource(run, "command:local:Command", "data-vault-ca-file-write"),
        );
        assert.equal(writer.stdin, VAULT_CA);
    });

    it("leaves the external Vault's audit devices to its operators", () => {
        assert.deepEqual(
            run.resources.filter((r) => r.type === "vault:index/audit:Audit"),
            [],
        );
    });

    it("points the app at Vault's own CA file", () => {
        const app = plainInputs(findResource(run, "docker:index/container:Container", "daur-ai"));
        assert.ok(app.envs.includes("VAULT_ADDR=https://vault.example.com:8200"));
        assert.ok(app.envs.includes("VAULT_CACERT=/etc/app/vault-ca.pem"));
        const seed = plainInputs(
            findResource(run, "docker:index/container:Container", "daur-ai-files"),
        );
        assert.deepEqual(
            seed.uploads.map((u: any) => u.file),
            [
                "/etc/app/internal-ca.pem",
                "/etc/app/secrets/database-password",
                "/etc/app/secrets/vault-role-id",
                "/etc/app/secrets/vault-secret-id",
                "/etc/app/vault-ca.pem",
            ],
        );
    });
});
