// Helpers for live tests that build their own network namespaces: run commands inside them,
// listen on TCP addresses and probe which of them answer. Every name a test makes must carry
// the test's own prefix, and the test deletes what it made (NetnsSet.removeAll).
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";

import { run } from "./live";

/** What a TCP probe saw: an answer, a refusal (RST or ICMP), or nothing before the timeout. */
export type ProbeResult = "open" | "refused" | "blocked" | "silent";

/** A Python listener: accepts on each `host:port` (IPv6 as `[addr]:port`), answers "ok". */
const LISTENER = `
import selectors, socket, sys
sel = selectors.DefaultSelector()
for spec in sys.argv[1:]:
    host, port = spec.rsplit(":", 1)
    host = host.strip("[]")
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if ":" in host:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, int(port)))
    s.listen(64)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        c, _ = key.fileobj.accept()
        c.sendall(b"ok\\n")
        c.close()
`;

/** A Python prober: connects to every target at once from one source address. */
const PROBE = `
import json, socket, sys, threading
source, targets, result = sys.argv[1], sys.argv[2:], {}
def probe(target):
    host, port = target.rsplit(":", 1)
    host = host.strip("[]")
    try:
        s = socket.create_connection((host, int(port)), timeout=2, source_address=(source, 0))
        s.settimeout(2)
        result[target] = "open" if s.recv(8).startswith(b"ok") else "silent"
        s.close()
    except ConnectionRefusedError:
        result[target] = "refused"
    except OSError:
        result[target] = "blocked"
threads = [threading.Thread(target=probe, args=(t,)) for t in targets]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps(result))
`;

/** Network namespaces a test made, with the listeners it started in them. */
export class NetnsSet {
    private readonly made: string[] = [];
    private readonly listeners: ChildProcess[] = [];

    /** `python` is the interpreter the listeners and probes run with. */
    constructor(private readonly python: string) {}

    /** Makes a namespace; it is deleted by {@link removeAll}. */
    add(name: string): void {
        const r = run("ip", ["netns", "add", name]);
        assert.equal(r.status, 0, `ip netns add ${name}: ${r.stderr}`);
        this.made.push(name);
    }

    /** Runs a command in a namespace and returns its stdout; a non-zero exit fails the test. */
    exec(name: string, args: string[], input?: string): string {
        const r = run("ip", ["netns", "exec", name, ...args], input);
        assert.equal(r.status, 0, `${args.join(" ")} in ${name}: ${r.stderr}${r.stdout}`);
        return r.stdout;
    }

    /** Runs each line (words split on spaces) in a namespace. */
    script(name: string, lines: string[]): void {
        lines.forEach((line) => this.exec(name, line.split(" ")));
    }

    /** Starts a listener on the addresses in a namespace; resolves once it listens. */
    listen(name: string, specs: string[]): Promise<void> {
        return new Promise((resolve, reject) => {
            const child = spawn(
                "ip",
                ["netns", "exec", name, this.python, "-c", LISTENER, ...specs],
                {
                    stdio: ["ignore", "pipe", "pipe"],
                },
            );
            this.listeners.push(child);
            let err = "";
            child.stderr!.on("data", (d) => (err += d));
            child.stdout!.once("data", () => resolve());
            child.once("exit", (code) => reject(new Error(`listener exited ${code}: ${err}`)));
        });
    }

    /** Connects from `source` in a namespace to each `host:port` and reports what it saw. */
    probe(name: string, source: string, targets: string[]): Record<string, ProbeResult> {
        return JSON.parse(this.exec(name, [this.python, "-c", PROBE, source, ...targets]));
    }

    /** Stops the listeners and deletes the namespaces (and so their veth ends). */
    removeAll(): void {
        for (const child of this.listeners) {
            child.kill("SIGKILL");
        }
        for (const name of this.made) {
            run("ip", ["netns", "del", name]);
        }
    }
}
