import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import * as command from "@pulumi/command";
import * as postgresql from "@pulumi/postgresql";

import { AppDatabase } from "../../infra/components/database";
import { DataTier } from "../../infra/components/dataTier";
import { InternalCa } from "../../infra/components/internalCa";
import { GeneratedPassword, LocalTrustFile } from "../../infra/components/localCommands";
import { VaultServer } from "../../infra/components/vault";
import { loadConfig } from "../../infra/config";
import { databasePlan } from "../../infra/render/databasePlan";
import { ProgramRun } from "../../scripts/lib/mockRuntime";
import { devConfig, runUnderMocks } from "../support/program";

const config = loadConfig(devConfig());
const errors: Record<string, string> = {};
let run: ProgramRun;

/** Records the message a constructor throws. */
function attempt(label: string, build: () => unknown): void {
    try {
        build();
        errors[label] = "";
    } catch (err) {
        errors[label] = (err as Error).message;
    }
}

before(async () => {
    run = await runUnderMocks(() => {
        const provider = new command.Provider("cmd", {});
        const pg = new postgresql.Provider("pg", {});
        attempt("external vault without credentials", () => {
            new DataTier("bad-tier", {
                config: { ...config.data, vault: { ...config.data.vault, mode: "external" } },
                images: { postgres: "img" },
                appName: "app",
                appUser: "10001:10001",
                backendNetwork: "net",
                backendSubnet: config.network.backendSubnet,
                dockerHost: config.dockerHost,
                stack: "test",
            });
        });
        attempt("vault server for an external vault", () => {
            new VaultServer("bad-vault", {
                config: { ...config.data.vault, mode: "external" },
                image: "img",
                backendNetwork: "net",
                certificatePem: "c",
                privateKeyPem: "k",
                caCertificatePem: "ca",
                dockerHost: config.dockerHost,
                commandProvider: provider,
            });
        });
        attempt("database plan without an app login", () => {
            const plan = databasePlan(config.data.postgres);
            new AppDatabase("bad-db", {
                plan: { ...plan, roles: plan.roles.filter((r) => !r.login) },
                owner: "hs_admin",
                appPassword: "x",
                passwordVersion: 1,
                provider: pg,
            });
        });
        attempt("trust file outside the project", () => {
            new LocalTrustFile("bad-file", { path: "/etc/ca.pem", certificatePem: "c", provider });
        });
        attempt("trust file climbing out", () => {
            new LocalTrustFile("bad-file-2", {
                path: "a/../../ca.pem",
                certificatePem: "c",
                provider,
            });
        });
        attempt("password rotation zero", () => {
            new GeneratedPassword("bad-password", { rotation: 0, provider });
        });
        attempt("server without a name", () => {
            new InternalCa("bad-ca", {
                commonName: "ca",
                servers: { db: { dnsNames: [], ipAddresses: [] } },
            });
        });
    });
});

describe("data tier components refuse bad arguments before any child exists", () => {
    it("explains each refusal", () => {
        assert.deepEqual(errors, {
            "external vault without credentials":
                "DataTier bad-tier: an external Vault needs a token and a CA",
            "vault server for an external vault":
                "VaultServer bad-vault: only a managed Vault runs as a container",
            "database plan without an app login":
                "AppDatabase bad-db: the plan has no login role for the app",
            "trust file outside the project":
                "LocalTrustFile bad-file: path must stay inside the project",
            "trust file climbing out":
                "LocalTrustFile bad-file-2: path must stay inside the project",
            "password rotation zero":
                "GeneratedPassword bad-password: rotation must be a positive integer",
            "server without a name": "InternalCa bad-ca: server db needs at least one DNS name",
        });
    });

    it("registers no child of a refused component", () => {
        const children = run.resources.filter((r) =>
            (r.parent ?? "").split("::").pop()!.startsWith("bad-"),
        );
        assert.deepEqual(
            children.map((r) => r.name),
            [],
        );
        assert.ok(
            run.resources.some((r) => r.name === "bad-tier"),
            "the component itself is recorded",
        );
    });
});
