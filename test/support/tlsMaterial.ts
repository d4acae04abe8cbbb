// Test code, not a deployment path. Under the mock runtime every @pulumi/tls resource yields a
// placeholder PEM ("(mock NAME)"), which no server accepts. The engine test needs keys and
// certificates of the same shape that work, so this makes them with openssl from each tls
// resource's recorded inputs (key algorithm, subject, names, CA flag, signer) and offers a
// function that swaps the placeholders in rendered text for them.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { ProgramRun, RecordedResource, unwrapSecrets } from "../../scripts/lib/mockRuntime";

const PLACEHOLDER = /-----BEGIN ([A-Z ]+)-----\n\(mock ([^)\n]+)\)\n-----END \1-----\n?/g;

const CURVES: Record<string, string> = {
    P224: "secp224r1",
    P256: "prime256v1",
    P384: "secp384r1",
    P521: "secp521r1",
};

const KEY_USAGES: Record<string, string> = {
    digital_signature: "digitalSignature",
    key_encipherment: "keyEncipherment",
    cert_signing: "keyCertSign",
    crl_signing: "cRLSign",
};

const EXTENDED_USAGES: Record<string, string> = {
    server_auth: "serverAuth",
    client_auth: "clientAuth",
};

/** Real PEM text for each tls resource of a mocked run, by resource name. */
export interface TlsMaterial {
    /** The PEM text of each key, certificate and request, by the tls resource's name. */
    pem: Map<string, string>;
    /** The file each PEM was written to, by the tls resource's name. */
    files: Map<string, string>;
}

/** The name inside a placeholder PEM, or undefined when the text is no placeholder. */
export function placeholderName(text: unknown): string | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const match = new RegExp(PLACEHOLDER.source).exec(text);
    return match ? match[2] : undefined;
}

/** Replaces every placeholder PEM block in the text by the real PEM of the named resource. */
export function substitutePlaceholders(text: string, material: TlsMaterial): string {
    return text.replace(PLACEHOLDER, (_block, _kind, name: string) => {
        const pem = material.pem.get(name);
        if (pem === undefined) {
            throw new Error(`no TLS material was made for the mocked resource ${name}`);
        }
        return pem;
    });
}

/** Makes a real key, certificate or request for every tls resource of the run, in `dir`. */
export function realizeTlsMaterial(run: ProgramRun, dir: string): TlsMaterial {
    const material: TlsMaterial = { pem: new Map(), files: new Map() };
    // Recorded inputs of each certificate request, for the certificate that signs it.
    const requests = new Map<string, Record<string, any>>();
    const pending = run.resources.filter((r) => r.type.startsWith("tls:index/"));
    // Signers come before what they sign; a few passes settle any chain of CAs.
    for (let pass = 0; pass < 5 && pending.length > 0; pass++) {
        for (const resource of [...pending]) {
            if (makeOne(resource, dir, material, requests)) {
                pending.splice(pending.indexOf(resource), 1);
            }
        }
    }
    if (pending.length > 0) {
        throw new Error(`cannot make TLS material for ${pending.map((r) => r.name).join(", ")}`);
    }
    return material;
}

function makeOne(
    resource: RecordedResource,
    dir: string,
    material: TlsMaterial,
    requests: Map<string, Record<string, any>>,
): boolean {
    const inputs = unwrapSecrets(resource.inputs) as Record<string, any>;
    const out = path.join(dir, `${resource.name}.pem`);
    const fileOf = (pem: unknown): string | undefined => {
        const name = placeholderName(pem);
        return name === undefined ? undefined : material.files.get(name);
    };
    switch (resource.type) {
        case "tls:index/privateKey:PrivateKey":
            openssl(["genpkey", ...keyAlgorithm(inputs)], { out });
            break;
        case "tls:index/selfSignedCert:SelfSignedCert": {
            const key = fileOf(inputs.privateKeyPem);
            if (!key) return false;
            const config = writeExtensions(dir, resource.name, inputs, inputs);
            const subj = subjectLine(inputs.subject);
            openssl(["req", "-x509", "-new"], { key, subj, days: days(inputs), config, out });
            break;
        }
        case "tls:index/certRequest:CertRequest": {
            const key = fileOf(inputs.privateKeyPem);
            if (!key) return false;
            openssl(["req", "-new"], { key, subj: subjectLine(inputs.subject), out });
            break;
        }
        case "tls:index/locallySignedCert:LocallySignedCert": {
            const csrName = placeholderName(inputs.certRequestPem);
            const [csr, caCert, caKey] = [
                fileOf(inputs.certRequestPem),
                fileOf(inputs.caCertPem),
                fileOf(inputs.caPrivateKeyPem),
            ];
            if (!csr || !caCert || !caKey || csrName === undefined) return false;
            // The names live in the request's inputs; openssl does not copy them from a CSR.
            const extfile = writeExtensions(
                dir,
                resource.name,
                inputs,
                requests.get(csrName) ?? {},
            );
            openssl(["x509", "-req"], {
                in: csr,
                CA: caCert,
                CAkey: caKey,
                set_serial: String(Date.now()),
                days: days(inputs),
                extfile,
                out,
            });
            break;
        }
        default:
            throw new Error(`the engine test cannot make TLS material of type ${resource.type}`);
    }
    if (resource.type === "tls:index/certRequest:CertRequest") {
        requests.set(resource.name, inputs);
    }
    material.files.set(resource.name, out);
    material.pem.set(resource.name, fs.readFileSync(out, "utf8"));
    return true;
}

function keyAlgorithm(inputs: Record<string, any>): string[] {
    switch (inputs.algorithm) {
        case "RSA":
            return ["-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${inputs.rsaBits ?? 2048}`];
        case "ECDSA":
            return [
                "-algorithm",
                "EC",
                "-pkeyopt",
                `ec_paramgen_curve:${CURVES[inputs.ecdsaCurve ?? "P224"]}`,
            ];
        case "ED25519":
            return ["-algorithm", "ED25519"];
        default:
            throw new Error(`unknown key algorithm ${String(inputs.algorithm)}`);
    }
}

function subjectLine(subject: Record<string, string> | undefined): string {
    const parts: [string, string | undefined][] = [
        ["CN", subject?.commonName],
        ["O", subject?.organization],
        ["OU", subject?.organizationalUnit],
    ];
    const line = parts
        .filter(([, v]) => v)
        .map(([k, v]) => `/${k}=${v}`)
        .join("");
    return line || "/";
}

function days(inputs: Record<string, any>): string {
    return String(Math.max(1, Math.ceil(Number(inputs.validityPeriodHours ?? 24) / 24)));
}

/** Writes an openssl config with section `ext`: CA flag, usages and subject names. */
function writeExtensions(
    dir: string,
    name: string,
    certInputs: Record<string, any>,
    nameInputs: Record<string, any>,
): string {
    const uses: string[] = certInputs.allowedUses ?? [];
    const keyUsage = uses.map((u) => KEY_USAGES[u]).filter(Boolean);
    const extended = uses.map((u) => EXTENDED_USAGES[u]).filter(Boolean);
    const names = [
        ...(nameInputs.dnsNames ?? []).map((n: string) => `DNS:${n}`),
        ...(nameInputs.ipAddresses ?? []).map((n: string) => `IP:${n}`),
    ];
    const lines = [
        "[req]",
        "distinguished_name = dn",
        "[dn]",
        "[ext]",
        `basicConstraints = critical, CA:${certInputs.isCaCertificate ? "TRUE" : "FALSE"}`,
        ...(keyUsage.length > 0 ? [`keyUsage = critical, ${keyUsage.join(", ")}`] : []),
        ...(extended.length > 0 ? [`extendedKeyUsage = ${extended.join(", ")}`] : []),
        ...(names.length > 0 ? [`subjectAltName = ${names.join(", ")}`] : []),
        "subjectKeyIdentifier = hash",
    ];
    const file = path.join(dir, `${name}.ext.cnf`);
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
}

/** Runs openssl with the arguments, then each option as `-name value`. */
function openssl(args: string[], options: Record<string, string>): void {
    const flags = Object.entries(options).flatMap(([name, value]) => [`-${name}`, value]);
    // Every certificate takes its extensions from the section `ext` of its config file.
    const section = "config" in options || "extfile" in options ? ["-extensions", "ext"] : [];
    execFileSync("openssl", [...args, ...flags, ...section], {
        stdio: ["ignore", "ignore", "pipe"],
    });
}
