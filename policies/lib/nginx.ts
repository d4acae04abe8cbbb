/** A small reader for rendered nginx configuration: directives and nested blocks. */

/** One directive; blocks have children. */
export interface NginxDirective {
    name: string;
    args: string[];
    children?: NginxDirective[];
}

/** Splits nginx text into words, quoted strings, `;`, `{` and `}`; comments are dropped. */
function tokenize(text: string): string[] {
    const tokens: string[] = [];
    const re = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([;{}])|([^\s;{}"']+)/g;
    for (const m of text.matchAll(re)) {
        if (m[0].startsWith("#")) {
            continue;
        }
        tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    }
    return tokens;
}

/** Parses nginx configuration into a tree of directives. Unbalanced braces throw. */
export function parseNginx(text: string): NginxDirective[] {
    const tokens = tokenize(text);
    let i = 0;
    const block = (depth: number): NginxDirective[] => {
        const out: NginxDirective[] = [];
        let words: string[] = [];
        while (i < tokens.length) {
            const t = tokens[i++];
            if (t === ";") {
                out.push({ name: words[0], args: words.slice(1) });
                words = [];
            } else if (t === "{") {
                out.push({ name: words[0], args: words.slice(1), children: block(depth + 1) });
                words = [];
            } else if (t === "}") {
                if (depth === 0) {
                    throw new Error("unbalanced } in nginx configuration");
                }
                return out;
            } else {
                words.push(t);
            }
        }
        if (depth > 0) {
            throw new Error("unclosed { in nginx configuration");
        }
        return out;
    };
    return block(0);
}

/** A block with the path of block names that leads to it, e.g. `http > server > location /`. */
export interface NginxContext {
    path: string;
    name: string;
    directives: NginxDirective[];
}

/** Every block of the tree (the main context included), depth first. */
export function nginxContexts(tree: NginxDirective[]): NginxContext[] {
    const out: NginxContext[] = [{ path: "main", name: "main", directives: tree }];
    const walk = (list: NginxDirective[], path: string) => {
        let servers = 0;
        for (const d of list) {
            if (d.children) {
                // Servers have no name of their own; number them and show how they listen.
                const label =
                    d.name === "server"
                        ? `server #${++servers} (listen ${d.children.find((c) => c.name === "listen")?.args.join(" ") ?? "?"})`
                        : [d.name, ...d.args].join(" ");
                const here = `${path} > ${label}`;
                out.push({ path: here, name: d.name, directives: d.children });
                walk(d.children, here);
            }
        }
    };
    walk(tree, "main");
    return out;
}

/** Directives with this name directly inside a context. */
export function directivesNamed(ctx: NginxContext, name: string): NginxDirective[] {
    return ctx.directives.filter((d) => d.name === name);
}

/** Whether a server block listens with TLS. */
export function isTlsServer(ctx: NginxContext): boolean {
    return (
        ctx.name === "server" && directivesNamed(ctx, "listen").some((l) => l.args.includes("ssl"))
    );
}
