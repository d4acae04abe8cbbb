import { Workspace, giveToServiceUser, runChecked } from "./processes";

/** The key types the stack offers for its certificate. */
export type KeyType = "ecdsa" | "rsa";

/** A certificate and its key on disk. */
export interface CertificateFiles {
    cert: string;
    key: string;
}

/**
 * Makes a self-signed certificate for 127.0.0.1 and localhost, with ECDSA P-256 or RSA 2048, in
 * the workspace. The key belongs to the service uid with mode 0600, as in the containers.
 */
export async function selfSignedCertificate(
    ws: Workspace,
    type: KeyType,
): Promise<CertificateFiles> {
    const dir = ws.folder("tls", type);
    const files = { cert: `${dir}/cert.pem`, key: `${dir}/key.pem` };
    const keyArgs =
        type === "ecdsa"
            ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            : ["-newkey", "rsa:2048"];
    await runChecked("openssl", [
        "req",
        "-x509",
        ...keyArgs,
        "-nodes",
        "-keyout",
        files.key,
        "-out",
        files.cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]);
    giveToServiceUser(files.key, 0o600);
    return files;
}
