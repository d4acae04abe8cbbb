import assert from "node:assert/strict";
import { describe, it } from "node:test";

import * as fs from "node:fs";
import * as path from "node:path";

import { ConfigError, ConfigIssue, formatIssues, loadConfig } from "../../infra/config";
import { OFFLINE_SECRET_PLACEHOLDER } from "../../infra/config/reader";
import { ROOT, devConfig, fakeConfig } from "../support/program";

const PIN = "@sha256:" + "a".repeat(64);
/** A certificate without its key (the key is not in the repository). */
const CERT = fs.readFileSync(
    path.join(ROOT, "test", "fixtures", "tls", "provided-cert.pem"),
    "utf8",
);

/** Loads the dev config with overrides; returns the issues (empty when valid). */
function issuesFor(overrides: Record<string, unknown>, secretKeys: string[] = []): ConfigIssue[] {
    const base = devConfig(overrides);
    const source = secretKeys.length
        ? { ...base, isSecret: (k: string) => secretKeys.includes(k) }
        : base;
    try {
        loadConfig(source);
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.issues;
    }
}

/** One rule: a bad value, the key it must be reported under, and words the problem must use. */
interface Case {
    rule: string;
    overrides: Record<string, unknown>;
    key: string;
    problem: RegExp;
    secretKeys?: string[];
}

const proxy = (fields: Record<string, unknown>) => ({ proxy: { ...fields } });
/** A production stack for app.example.com with a provided certificate (the key is a secret). */
const providedTls = (tlsCertificate: string) => ({
    environment: "production",
    domains: ["app.example.com"],
    tls: { source: "provided" },
    tlsCertificate,
    tlsPrivateKey: OFFLINE_SECRET_PLACEHOLDER,
});
const app = (fields: Record<string, unknown>) => ({ app: { ...fields } });

const CASES: Case[] = [
    {
        rule: "environment is dev or production",
        overrides: { environment: "staging" },
        key: "environment",
        problem: /"staging"/,
    },
    {
        rule: "domains is required",
        overrides: { domains: undefined },
        key: "domains",
        problem: /not set/,
    },
    {
        rule: "domains has at least one name",
        overrides: { domains: [] },
        key: "domains",
        problem: /0 items/,
    },
    {
        rule: "a domain cannot end a directive",
        overrides: { domains: ["a.example.com;"] },
        key: "domains[0]",
        problem: /inject/,
    },
    {
        rule: "a domain cannot open a block",
        overrides: { domains: ["a{b}.example.com"] },
        key: "domains[0]",
        problem: /inject/,
    },
    {
        rule: "a domain cannot carry a quote",
        overrides: { domains: ['a"b.example.com'] },
        key: "domains[0]",
        problem: /inject/,
    },
    {
        rule: "a domain cannot carry a line break",
        overrides: { domains: ["a.example.com\nreturn 200"] },
        key: "domains[0]",
        problem: /inject/,
    },
    {
        rule: "a domain is a DNS name",
        overrides: { domains: ["not a domain"] },
        key: "domains[0]",
        problem: /not a domain/,
    },
    {
        rule: "a subnet is a CIDR",
        overrides: { network: { frontendSubnet: "172.30.0.0" } },
        key: "network.frontendSubnet",
        problem: /172\.30\.0\.0/,
    },
    {
        rule: "a subnet has no host bits",
        overrides: { network: { frontendSubnet: "172.30.0.5/24" } },
        key: "network.frontendSubnet",
        problem: /host bits/,
    },
    {
        rule: "subnets do not overlap",
        overrides: { network: { frontendSubnet: "172.30.0.0/16" } },
        key: "network.backendSubnet",
        problem: /overlaps/,
    },
    {
        rule: "the proxy address is an IPv4 address",
        overrides: { network: { proxyAddress: "edge" } },
        key: "network.proxyAddress",
        problem: /"edge"/,
    },
    {
        rule: "network settings are known",
        overrides: { network: { frontendSubnett: "x" } },
        key: "network.frontendSubnett",
        problem: /not a known setting/,
    },
    {
        rule: "tls.source is self-signed or provided",
        overrides: { tls: { source: "acme" } },
        key: "tls.source",
        problem: /"acme"/,
    },
    {
        rule: "tls.keyAlgorithm is ECDSA-P256 or RSA-2048",
        overrides: { tls: { keyAlgorithm: "RSA-1024" } },
        key: "tls.keyAlgorithm",
        problem: /RSA-1024/,
    },
    {
        rule: "certificates live at most 366 days",
        overrides: { tls: { validityDays: 400 } },
        key: "tls.validityDays",
        problem: /400/,
    },
    {
        rule: "a provided certificate needs the certificate",
        overrides: { tls: { source: "provided" } },
        key: "tlsCertificate",
        problem: /not set/,
    },
    {
        rule: "a provided key must be a secret",
        overrides: {
            tls: { source: "provided" },
            tlsCertificate: "-----BEGIN CERTIFICATE-----\nx",
            tlsPrivateKey: "-----BEGIN PRIVATE KEY-----\nx",
        },
        key: "tlsPrivateKey",
        problem: /plain text/,
    },
    {
        rule: "outside dev, images are pinned by digest",
        overrides: {
            environment: "production",
            tls: { source: "self-signed" },
            proxy: { image: "nginx:1.27" },
        },
        key: "proxy.image",
        problem: /nginx:1\.27/,
    },
    {
        rule: "no image uses latest",
        overrides: proxy({ image: "nginx:latest" }),
        key: "proxy.image",
        problem: /latest/,
    },
    {
        rule: "the bind address is an IPv4 address",
        overrides: proxy({ bindAddress: "localhost" }),
        key: "proxy.bindAddress",
        problem: /localhost/,
    },
    {
        rule: "ports are 1 to 65535",
        overrides: proxy({ httpsPort: 70000 }),
        key: "proxy.httpsPort",
        problem: /70000/,
    },
    {
        rule: "the body size is an nginx size",
        overrides: proxy({ clientMaxBodySize: "10 MB" }),
        key: "proxy.clientMaxBodySize",
        problem: /10 MB/,
    },
    {
        rule: "the proxy runs as non-root",
        overrides: proxy({ user: "0:0" }),
        key: "proxy.user",
        problem: /0:0/,
    },
    {
        rule: "memory has a floor",
        overrides: proxy({ limits: { memoryMb: 4 } }),
        key: "proxy.limits.memoryMb",
        problem: /4/,
    },
    {
        rule: "the rate is positive",
        overrides: proxy({ rateLimit: { requestsPerSecond: 0 } }),
        key: "proxy.rateLimit.requestsPerSecond",
        problem: /0/,
    },
    {
        rule: "HSTS lasts at least a year",
        overrides: proxy({ hsts: { maxAgeSeconds: 15768000 } }),
        key: "proxy.hsts.maxAgeSeconds",
        problem: /15768000/,
    },
    {
        rule: "HSTS preload needs includeSubDomains",
        overrides: proxy({ hsts: { preload: true, includeSubDomains: false } }),
        key: "proxy.hsts.preload",
        problem: /includeSubDomains/,
    },
    {
        rule: "HSTS flags are booleans",
        overrides: proxy({ hsts: { includeSubDomains: "yes" } }),
        key: "proxy.hsts.includeSubDomains",
        problem: /"yes"/,
    },
    {
        rule: "the CSP has default-src",
        overrides: proxy({ contentSecurityPolicy: "script-src 'self'" }),
        key: "proxy.contentSecurityPolicy",
        problem: /default-src/,
    },
    {
        rule: "the CSP forbids unsafe-eval",
        overrides: proxy({ contentSecurityPolicy: "default-src 'self' 'unsafe-eval'" }),
        key: "proxy.contentSecurityPolicy",
        problem: /unsafe-eval/,
    },
    {
        rule: "the CSP cannot break out of its quotes",
        overrides: proxy({ contentSecurityPolicy: 'default-src "self"' }),
        key: "proxy.contentSecurityPolicy",
        problem: /end of the value/,
    },
    {
        rule: "the CSP is one line",
        overrides: proxy({ contentSecurityPolicy: "default-src 'self';\nreturn 200" }),
        key: "proxy.contentSecurityPolicy",
        problem: /inject|printable|is "/,
    },
    {
        rule: "Permissions-Policy cannot close its quotes",
        overrides: proxy({ permissionsPolicy: 'camera=(self "https://a.example")' }),
        key: "proxy.permissionsPolicy",
        problem: /end of the value/,
    },
    {
        rule: "Referrer-Policy is a safe value",
        overrides: proxy({ referrerPolicy: "unsafe-url" }),
        key: "proxy.referrerPolicy",
        problem: /unsafe-url/,
    },
    {
        rule: "proxy settings are known",
        overrides: proxy({ hsts: { maxage: 1 } }),
        key: "proxy.hsts.maxage",
        problem: /not a known setting/,
    },
    {
        rule: "the app name is a DNS label",
        overrides: app({ name: "Daur_AI" }),
        key: "app.name",
        problem: /Daur_AI/,
    },
    {
        rule: "the app port is unprivileged",
        overrides: app({ port: 80 }),
        key: "app.port",
        problem: /80/,
    },
    {
        rule: "the health path is a URL path",
        overrides: app({ healthPath: "/health; return 200" }),
        key: "app.healthPath",
        problem: /inject/,
    },
    {
        rule: "the app runs as non-root",
        overrides: app({ user: "root" }),
        key: "app.user",
        problem: /root/,
    },
    {
        rule: "env names are identifiers",
        overrides: app({ env: { "BAD-NAME": "x" } }),
        key: "app.env.BAD-NAME",
        problem: /its name/,
    },
    {
        rule: "secret-looking env is refused in plain config",
        overrides: app({ env: { OPENAI_API_KEY: "sk-123" } }),
        key: "app.env.OPENAI_API_KEY",
        problem: /looks like a secret/,
    },
    {
        rule: "appSecretEnv must be a secret",
        overrides: { appSecretEnv: { TOKEN: "x" } },
        key: "appSecretEnv",
        problem: /plain text/,
    },
    {
        rule: "appSecretEnv values are non-empty",
        overrides: { appSecretEnv: { TOKEN: "" } },
        secretKeys: ["appSecretEnv"],
        key: "appSecretEnv.TOKEN",
        problem: /non-empty/,
    },
    {
        rule: "appSecretFiles must be a secret",
        overrides: { appSecretFiles: { API_KEY: "x" } },
        key: "appSecretFiles",
        problem: /plain text/,
    },
    {
        rule: "appSecretFiles names are variable names",
        overrides: { appSecretFiles: { "api-key": "x" } },
        secretKeys: ["appSecretFiles"],
        key: "appSecretFiles.api-key",
        problem: /not a valid name/,
    },
    {
        rule: "appSecretFiles may not take the data tier's credential files",
        overrides: { appSecretFiles: { DATABASE_PASSWORD: "x" } },
        secretKeys: ["appSecretFiles"],
        key: "appSecretFiles.DATABASE_PASSWORD",
        problem: /already gives the app as a file/,
    },
    {
        rule: "a secret is given once, as a file or as an environment value",
        overrides: { appSecretFiles: { API_KEY: "x" }, appSecretEnv: { API_KEY: "x" } },
        secretKeys: ["appSecretFiles", "appSecretEnv"],
        key: "appSecretFiles.API_KEY",
        problem: /also in appSecretEnv/,
    },
    {
        rule: "a secret file's <NAME>_FILE variable is not set elsewhere",
        overrides: { appSecretFiles: { API_KEY: "x" }, ...app({ env: { API_KEY_FILE: "/x" } }) },
        secretKeys: ["appSecretFiles"],
        key: "appSecretFiles.API_KEY",
        problem: /would set API_KEY_FILE/,
    },
    {
        rule: "a host to connect to is a DNS name or a dotted quad, not 0x7f.1",
        overrides: { vault: { mode: "external", address: "https://0x7f.1:8200" } },
        key: "vault.address",
        problem: /"0x7f\.1", an address not in dotted-quad form/,
    },
    {
        rule: "a URL's port has no leading zeros and is at most 65535",
        overrides: { dockerHost: "ssh://deploy@host.example.com:099999" },
        key: "dockerHost",
        problem: /the port "099999"/,
    },
    {
        rule: "an SSH host given as a number is refused",
        overrides: { dockerHost: "ssh://deploy@2130706433" },
        key: "dockerHost",
        problem: /"2130706433", an address not in dotted-quad form/,
    },
    {
        rule: "plain app.env may not hold a URL with a password",
        overrides: app({ env: { DATABASE_URL: "postgres://app:hunter2@db:5432/x" } }),
        key: "app.env.DATABASE_URL",
        problem: /holds a URL with a password/,
    },
    {
        rule: "an SSH private key in plain text is refused even with the firewall off",
        overrides: { firewall: { manage: false }, firewallSshPrivateKey: "-----BEGIN KEY" },
        key: "firewallSshPrivateKey",
        problem: /plain text/,
    },
    {
        rule: "the Docker host is a socket, ssh or tcp URL",
        overrides: { dockerHost: "docker.example.com" },
        key: "dockerHost",
        problem: /docker\.example\.com/,
    },
    {
        rule: "an object key holds an object",
        overrides: { proxy: "nginx" },
        key: "proxy",
        problem: /"nginx"/,
    },
];

describe("stack configuration", () => {
    it("accepts the dev stack as it is", () => {
        const config = loadConfig(devConfig());
        assert.deepEqual(config.domains, ["daur.dev.example.com"]);
        assert.equal(config.proxy.hsts.maxAgeSeconds, 63072000);
        assert.equal(config.environment, "dev");
    });

    it("gives production defaults when only domains, images and TLS are set", () => {
        const config = loadConfig(
            fakeConfig(
                {
                    domains: ["app.example.com"],
                    proxy: { image: `nginx:1.27${PIN}` },
                    app: { image: `ghcr.io/daur-ai/daur-ai:1.0.0${PIN}` },
                    postgres: { image: `postgres:15.8-bookworm${PIN}` },
                    vault: { image: `hashicorp/vault:1.17.6${PIN}` },
                    tlsCertificate: CERT,
                    tlsPrivateKey: OFFLINE_SECRET_PLACEHOLDER,
                },
                ["tlsPrivateKey"],
            ),
        );
        assert.equal(config.tls.source, "provided");
        assert.equal(config.environment, "production");
        assert.equal(config.proxy.bindAddress, "0.0.0.0");
        assert.equal(config.proxy.hsts.preload, false);
        assert.equal(config.network.proxyAddress, "172.30.0.10");
    });

    for (const c of CASES) {
        it(`refuses a bad value: ${c.rule}`, () => {
            const issues = issuesFor(c.overrides, c.secretKeys);
            const issue = issues.find((i) => i.key === `hardened-stack:${c.key}`);
            assert.ok(
                issue,
                `no issue for ${c.key}; got ${JSON.stringify(issues.map((i) => i.key))}`,
            );
            assert.match(issue.problem, c.problem);
            assert.ok(issue.expected.length > 5, "the expected form is spelled out");
        });
    }

    it("knows keys that only some configurations read", () => {
        const issues = issuesFor({ tlsPrivateKey: "-----BEGIN PRIVATE KEY-----\nx" });
        assert.deepEqual(
            issues.map((i) => [i.key, i.problem]),
            [["hardened-stack:tlsPrivateKey", "is set but tls.source is self-signed"]],
        );
    });

    it("refuses a secret in a setting that ends up in plain text, without echoing it", () => {
        const values = {
            ...Object.fromEntries(["environment", "domains"].map((k) => [k, devConfig().get(k)])),
            app: { env: { DATABASE_URL: "postgres://u:hunter2@db/x" } },
            dockerHost: "hunter2-host",
        };
        const issues = (() => {
            try {
                loadConfig(fakeConfig(values, ["app", "dockerHost"]));
                return [];
            } catch (err) {
                return (err as ConfigError).issues;
            }
        })();
        assert.deepEqual(
            issues.map((i) => i.key),
            ["hardened-stack:app", "hardened-stack:dockerHost"],
        );
        assert.match(issues[0].problem, /set as a secret, but this setting ends up in plain text/);
        assert.doesNotMatch(formatIssues(issues), /hunter2/);
    });

    it("escapes control characters in keys and values it reports", () => {
        const issues = issuesFor({
            proxy: { "hsts\n  - hardened-stack:all: fine\u001b[8m": 1, httpsPort: "\u001b[2J" },
        });
        const text = formatIssues(issues);
        assert.ok(!text.includes("\u001b"), "no escape character reaches the terminal");
        assert.equal(text.split("\n").length, issues.length + 1, "one line per issue");
    });

    it("keeps a __proto__ variable a plain entry", () => {
        const config = loadConfig(devConfig({ app: { env: JSON.parse('{"__proto__": "x"}') } }));
        assert.equal(Object.getPrototypeOf(config.app.env), Object.prototype);
        assert.equal(Object.hasOwn(config.app.env, "__proto__"), true);
    });

    it("does not mistake inherited names for duplicates", () => {
        const issues = issuesFor({ appSecretEnv: { constructor: "x", toString: "y" } }, [
            "appSecretEnv",
        ]);
        assert.deepEqual(issues, []);
    });

    it("accepts a digest-pinned image from a registry with a port", () => {
        const issues = issuesFor(
            {
                ...providedTls(CERT),
                proxy: { image: `localhost:5000/nginx:1.27${PIN}` },
                app: { image: `localhost:5000/daur-ai${PIN}` },
                postgres: { image: `localhost:5000/postgres:15${PIN}`, user: "999:999" },
                vault: { image: `localhost:5000/vault:1.17.6${PIN}` },
            },
            ["tlsPrivateKey"],
        );
        assert.deepEqual(issues, []);
    });

    it("reports every bad key at once", () => {
        const issues = issuesFor({
            domains: ["ok.example.com", "bad;name"],
            app: { port: 80, user: "0:0" },
        });
        assert.deepEqual(
            issues.map((i) => i.key),
            ["hardened-stack:domains[1]", "hardened-stack:app.port", "hardened-stack:app.user"],
        );
    });

    it("refuses a provided certificate that does not cover every domain", () => {
        const provided = {
            environment: "production",
            tls: { source: "provided" },
            tlsCertificate: CERT,
            tlsPrivateKey: OFFLINE_SECRET_PLACEHOLDER,
        };
        const issues = issuesFor(
            { ...provided, domains: ["app.example.com", "daur.example.org"] },
            ["tlsPrivateKey"],
        ).filter((i) => i.key === "hardened-stack:tlsCertificate");
        assert.equal(issues.length, 1);
        assert.match(issues[0].problem, /not valid for daur\.example\.org \(its subject: CN=app/);
        assert.doesNotMatch(issues[0].problem, /app\.example\.com,/);
    });

    for (const [file, problem] of [
        [
            "refused-expired.pem",
            /is valid from Jan {2}1 00:00:00 2020 GMT to Feb {2}1 00:00:00 2020 GMT, not now/,
        ],
        ["refused-cn-only.pem", /is not valid for app\.example\.com/],
        ["refused-partial-wildcard.pem", /is not valid for app\.example\.com/],
        ["refused-client-only.pem", /lacks serverAuth/],
    ] as const) {
        it(`refuses a certificate browsers refuse: ${file}`, () => {
            const pem = fs.readFileSync(path.join(ROOT, "test", "fixtures", "tls", file), "utf8");
            const issues = issuesFor(providedTls(pem), ["tlsPrivateKey"]).filter(
                (i) => i.key === "hardened-stack:tlsCertificate",
            );
            assert.equal(issues.length, 1, JSON.stringify(issues));
            assert.match(issues[0].problem, problem);
        });
    }

    it("leaves a certificate set with --secret to the CLI, offline", () => {
        const issues = issuesFor(
            {
                domains: ["app.example.com"],
                tls: { source: "provided" },
                tlsCertificate: OFFLINE_SECRET_PLACEHOLDER,
                tlsPrivateKey: OFFLINE_SECRET_PLACEHOLDER,
            },
            ["tlsCertificate", "tlsPrivateKey"],
        );
        assert.deepEqual(
            issues.filter((i) => i.key.startsWith("hardened-stack:tls")),
            [],
        );
    });

    it("never shows a bad value under a secret-looking name, nor a URL's password", () => {
        const issues = issuesFor({
            app: { env: { DATABASE_PASSWORD: "hunter2-plain\n", API_TOKEN: 123456789 } },
            dockerHost: "ssh://deploy:S3cretPassw0rd@host.example.com",
            vault: {
                mode: "external",
                address: "https://root:hvs.S3cretT0ken@vault.example.com:8200",
            },
        });
        const text = formatIssues(issues);
        for (const key of [
            "app.env.DATABASE_PASSWORD",
            "app.env.API_TOKEN",
            "dockerHost",
            "vault.address",
        ]) {
            assert.ok(text.includes(`hardened-stack:${key}:`), `${key} is reported:\n${text}`);
        }
        assert.doesNotMatch(text, /hunter2|123456789|S3cret/);
        assert.match(text, /ssh:\/\/deploy:\*\*\*@host\.example\.com/);
        // A name that looks secret anywhere in the path, a hyphen, a password with / or @ in it.
        const more = formatIssues(
            issuesFor({
                app: { env: { "PASSWORD.x": "hunter2\n", "API-KEY": "hunter2\n" } },
                dockerHost: " ssh://deploy:hunter2@host",
                vault: { mode: "external", address: "https://admin:hun/ter2@vault.example.com" },
                proxy: { image: "ssh://u:hunter2@x@host/x" },
            }),
        );
        assert.doesNotMatch(more, /hunter2|ter2/);
    });

    it("gives every service its own uid", () => {
        assert.deepEqual(issuesFor({}), []);
        const issues = issuesFor({
            vault: { mode: "managed", user: "10001:1000" },
            postgres: { user: "101:101" },
        });
        assert.deepEqual(
            issues.map((i) => [i.key, i.problem]),
            [
                ["hardened-stack:postgres.user", "runs as uid 101, as proxy.user does"],
                ["hardened-stack:vault.user", "runs as uid 10001, as app.user does"],
            ],
        );
    });

    it("refuses a Vault token or CA in plain text in managed mode too", () => {
        const issues = issuesFor({ vaultToken: "hvs.plain-token" });
        assert.deepEqual(
            issues.map((i) => [i.key, i.problem]),
            [["hardened-stack:vaultToken", "is set in plain text"]],
        );
    });

    it("refuses policy exemptions set as a secret, without showing them", () => {
        const issues = issuesFor({ policyExemptions: OFFLINE_SECRET_PLACEHOLDER }, [
            "policyExemptions",
        ]);
        assert.deepEqual(
            issues.map((i) => i.key),
            ["hardened-stack:policyExemptions"],
        );
        assert.doesNotMatch(formatIssues(issues), new RegExp(OFFLINE_SECRET_PLACEHOLDER));
    });

    it("never repeats a secret value in a message", () => {
        const issues = issuesFor({ appSecretEnv: { TOKEN: "hunter2-very-secret" } });
        assert.doesNotMatch(formatIssues(issues), /hunter2/);
    });

    it("formats issues as one line per key with the expected form", () => {
        const text = formatIssues([
            { key: "hardened-stack:app.port", problem: "is 80", expected: "a port" },
        ]);
        assert.equal(
            text,
            "1 configuration setting is invalid:\n  - hardened-stack:app.port: is 80; expected a port",
        );
    });
});
