import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** The names one server certificate covers. */
export interface ServerIdentity {
    /** DNS names; the first is the subject's common name. */
    dnsNames: string[];
    /** IP addresses clients connect to directly (the providers use fixed addresses). */
    ipAddresses: string[];
}

/** Arguments of {@link InternalCa}. */
export interface InternalCaArgs {
    /** The CA's common name. */
    commonName: string;
    /** The servers to issue certificates for, by short name. */
    servers: Record<string, ServerIdentity>;
    /** Lifetime of the CA certificate, in hours. */
    caValidityHours?: number;
    /** Lifetime of each server certificate, in hours; renewed early by a month. */
    serverValidityHours?: number;
}

/** A server's certificate and its private key (secret). */
export interface IssuedCertificate {
    certificatePem: pulumi.Output<string>;
    privateKeyPem: pulumi.Output<string>;
}

const ECDSA_P256 = { algorithm: "ECDSA", ecdsaCurve: "P256" };
const KEY_SECRETS = { additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh"] };

/**
 * A private certificate authority for the backend network: it signs the PostgreSQL and Vault
 * server certificates, and clients (the app, the providers) trust only it, so they can verify
 * the server's name (`verify-full`) without a public CA. Every private key stays secret.
 */
export class InternalCa extends pulumi.ComponentResource {
    /** The CA certificate clients trust; public. */
    public readonly certificatePem: pulumi.Output<string>;
    /** The issued server certificates, by the short names of `servers`. */
    public readonly servers: Record<string, IssuedCertificate>;

    constructor(name: string, args: InternalCaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:tls:InternalCa", name, {}, opts);
        for (const [server, id] of Object.entries(args.servers)) {
            if (id.dnsNames.length === 0) {
                throw new Error(`InternalCa ${name}: server ${server} needs at least one DNS name`);
            }
        }

        const caKey = new tls.PrivateKey(`${name}-key`, ECDSA_P256, {
            parent: this,
            ...KEY_SECRETS,
        });
        const caCert = new tls.SelfSignedCert(
            `${name}-cert`,
            {
                privateKeyPem: caKey.privateKeyPem,
                subject: { commonName: args.commonName, organization: "hardened-stack" },
                isCaCertificate: true,
                validityPeriodHours: args.caValidityHours ?? 3 * 365 * 24,
                earlyRenewalHours: 90 * 24,
                allowedUses: ["cert_signing", "crl_signing"],
            },
            { parent: this },
        );
        this.certificatePem = caCert.certPem;

        this.servers = {};
        for (const [server, id] of Object.entries(args.servers)) {
            const key = new tls.PrivateKey(`${name}-${server}-key`, ECDSA_P256, {
                parent: this,
                ...KEY_SECRETS,
            });
            const csr = new tls.CertRequest(
                `${name}-${server}-csr`,
                {
                    privateKeyPem: key.privateKeyPem,
                    subject: { commonName: id.dnsNames[0], organization: "hardened-stack" },
                    dnsNames: id.dnsNames,
                    ipAddresses: id.ipAddresses,
                },
                { parent: this },
            );
            const cert = new tls.LocallySignedCert(
                `${name}-${server}-cert`,
                {
                    certRequestPem: csr.certRequestPem,
                    caPrivateKeyPem: caKey.privateKeyPem,
                    caCertPem: caCert.certPem,
                    validityPeriodHours: args.serverValidityHours ?? 365 * 24,
                    earlyRenewalHours: 30 * 24,
                    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                },
                { parent: this },
            );
            this.servers[server] = {
                certificatePem: cert.certPem,
                privateKeyPem: pulumi.secret(key.privateKeyPem),
            };
        }
        this.registerOutputs({ certificatePem: this.certificatePem });
    }
}
