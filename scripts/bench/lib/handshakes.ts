import { performance } from "node:perf_hooks";
import * as tls from "node:tls";

/** What a run of full handshakes saw. */
export interface HandshakeRun {
    /** Completed connections: full handshake, GET /, 200 read to the end. */
    completed: number;
    perSecond: number;
    /** Connections the server resumed; must stay 0, or the run measured resumption. */
    resumed: number;
    /** Connections that failed or answered other than 200. */
    failed: number;
    /** Why the first failed connection failed. */
    firstFailure?: string;
}

/** Where to connect and what to trust. */
export interface HandshakeTarget {
    port: number;
    /** The SNI name; the connection always goes to 127.0.0.1, nothing is looked up. */
    servername: string;
    /** The PEM certificate to verify the server with. */
    ca: string;
}

/** One connection: TLS 1.3 handshake without a session to resume, GET /, read until close. */
function connectOnce(target: HandshakeTarget): Promise<{ failure?: string; resumed: boolean }> {
    return new Promise((resolve) => {
        let head = "";
        let resumed = false;
        const socket = tls.connect(
            {
                host: "127.0.0.1",
                port: target.port,
                servername: target.servername,
                ca: target.ca,
                minVersion: "TLSv1.3",
            },
            () => {
                resumed = socket.isSessionReused();
                // No half-close: nginx takes a client's close_notify for an abort (499) while
                // it waits on the upstream. The server closes after the response.
                socket.write(
                    `GET / HTTP/1.1\r\nHost: ${target.servername}\r\nConnection: close\r\n\r\n`,
                );
            },
        );
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (head = head.length < 64 ? head + chunk : head));
        socket.on("end", () => socket.end());
        socket.on("error", (err) => resolve({ failure: err.message, resumed }));
        socket.on("close", () =>
            resolve({
                failure: head.startsWith("HTTP/1.1 200") ? undefined : `answered "${head.trim()}"`,
                resumed,
            }),
        );
    });
}

/**
 * Opens new TLS connections for `seconds`, `concurrency` at a time, each with a full handshake:
 * a Node client offers no session unless given one. wrk and openssl s_time cannot serve here:
 * wrk resumes the previous session on every reconnect (SSL_clear keeps it), and s_time sends
 * no SNI, which the hardened config's catch-all server refuses.
 */
export async function fullHandshakes(
    target: HandshakeTarget,
    seconds: number,
    concurrency: number,
): Promise<HandshakeRun> {
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const run: Omit<HandshakeRun, "perSecond"> = { completed: 0, resumed: 0, failed: 0 };
    const worker = async () => {
        while (performance.now() < deadline) {
            const r = await connectOnce(target);
            run.completed += r.failure ? 0 : 1;
            run.failed += r.failure ? 1 : 0;
            run.firstFailure ??= r.failure;
            run.resumed += r.resumed ? 1 : 0;
        }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - start) / 1000;
    return { ...run, perSecond: run.completed / elapsed };
}
