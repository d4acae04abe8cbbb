import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/** Arguments of {@link TlsCertificate}. */
export interface TlsCertificateArgs {
    /** The DNS names the certificate covers; the first is the subject's common name. */
    dnsNames: string[];
    /** `self-signed` makes a key and certificate; `provided` uses the two PEM inputs. */
    source: "self-signed" | "provided";
    /** Key type for a self-signed certificate. */
    keyAlgorithm?: "ECDSA-P256" | "RSA-2048";
    /** Lifetime of a self-signed certificate, in hours. */
    validityHours?: number;
    /** The certificate chain, leaf first, for `provided`. */
    certificatePem?: pulumi.Input<string>;
    /** The private key for `provided`; must be a secret. */
    privateKeyPem?: pulumi.Input<string>;
    /** Extra IP addresses to list in a self-signed certificate (e.g. a service address). */
    ipAddresses?: string[];
}

/**
 * A server certificate and its private key. The key leaves this component only as a secret
 * output, whichever source it came from.
 */
export class TlsCertificate extends pulumi.ComponentResource {
    /** The certificate chain in PEM form. */
    public readonly certificatePem: pulumi.Output<string>;
    /** The private key in PEM form, always secret. */
    public readonly privateKeyPem: pulumi.Output<string>;

    constructor(name: string, args: TlsCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:tls:TlsCertificate", name, {}, opts);
        if (args.dnsNames.length === 0) {
            throw new Error(`TlsCertificate ${name}: needs at least one DNS name`);
        }
        if (args.source === "provided") {
            if (args.certificatePem === undefined || args.privateKeyPem === undefined) {
                throw new Error(`TlsCertificate ${name}: provided needs a certificate and a key`);
            }
            this.certificatePem = pulumi.output(args.certificatePem);
            this.privateKeyPem = pulumi.secret(args.privateKeyPem);
        } else {
            const rsa = args.keyAlgorithm === "RSA-2048";
            const key = new tls.PrivateKey(
                `${name}-key`,
                rsa
                    ? { algorithm: "RSA", rsaBits: 2048 }
                    : { algorithm: "ECDSA", ecdsaCurve: "P256" },
                { parent: this, additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh"] },
            );
            const cert = new tls.SelfSignedCert(
                `${name}-cert`,
                {
                    privateKeyPem: key.privateKeyPem,
                    subject: { commonName: args.dnsNames[0], organization: "hardened-stack" },
                    dnsNames: args.dnsNames,
                    ipAddresses: args.ipAddresses,
                    validityPeriodHours: args.validityHours ?? 90 * 24,
                    earlyRenewalHours: 7 * 24,
                    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                },
                { parent: this },
            );
            this.certificatePem = cert.certPem;
            this.privateKeyPem = pulumi.secret(key.privateKeyPem);
        }
        this.registerOutputs({ certificatePem: this.certificatePem });
    }
}
