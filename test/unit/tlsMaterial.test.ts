import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import * as tls from "@pulumi/tls";

import { runUnderMocks } from "../support/program";
import { run, tempDir } from "../support/live";
import {
    placeholderName,
    realizeTlsMaterial,
    substitutePlaceholders,
} from "../support/tlsMaterial";

/** A CA, a server key, its request and the certificate the CA signs, as a data tier makes. */
function pki(): Record<string, unknown> {
    const caKey = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = new tls.SelfSignedCert("ca-cert", {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: "test CA" },
        isCaCertificate: true,
        validityPeriodHours: 48,
        allowedUses: ["cert_signing", "crl_signing"],
    });
    const key = new tls.PrivateKey("db-key", { algorithm: "RSA", rsaBits: 2048 });
    const csr = new tls.CertRequest("db-csr", {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: "db" },
        dnsNames: ["db", "db.backend"],
        ipAddresses: ["172.30.1.20"],
    });
    const cert = new tls.LocallySignedCert("db-cert", {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: 24,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    return { caPem: ca.certPem, certPem: cert.certPem };
}

describe("TLS material for a mocked run", () => {
    const work = tempDir("tls-material");
    after(() => work.remove());

    it("makes a chain that openssl verifies, with the recorded names", async () => {
        const program = await runUnderMocks(pki);
        const material = realizeTlsMaterial(program, work.dir);
        assert.deepEqual([...material.pem.keys()].sort(), [
            "ca-cert",
            "ca-key",
            "db-cert",
            "db-csr",
            "db-key",
        ]);
        const leaf = material.files.get("db-cert")!;
        const verify = run("openssl", ["verify", "-CAfile", material.files.get("ca-cert")!, leaf]);
        assert.equal(verify.status, 0, verify.stderr);
        const text = run("openssl", ["x509", "-in", leaf, "-noout", "-text"]).stdout;
        assert.match(text, /DNS:db, DNS:db\.backend, IP Address:172\.30\.1\.20/);
        assert.match(text, /CA:FALSE/);
        assert.match(text, /TLS Web Server Authentication/);
        const caText = run("openssl", [
            "x509",
            "-in",
            material.files.get("ca-cert")!,
            "-noout",
            "-text",
        ]);
        assert.match(caText.stdout, /CA:TRUE/);
    });

    it("swaps every placeholder in rendered text and refuses unknown ones", async () => {
        const material = {
            pem: new Map([["k", "-----BEGIN PRIVATE KEY-----\nREAL\n-----END PRIVATE KEY-----\n"]]),
            files: new Map<string, string>(),
        };
        const rendered = "a\n-----BEGIN PRIVATE KEY-----\n(mock k)\n-----END PRIVATE KEY-----\nb";
        assert.equal(placeholderName(rendered), "k");
        assert.equal(
            substitutePlaceholders(rendered, material),
            "a\n-----BEGIN PRIVATE KEY-----\nREAL\n-----END PRIVATE KEY-----\nb",
        );
        assert.throws(
            () => substitutePlaceholders(rendered.replace("(mock k)", "(mock other)"), material),
            /no TLS material .* other/,
        );
    });
});
