/** A reader for the parts of vault.hcl the policies need: top-level settings and listeners. */

/** One `listener "<type>" { ... }` block. */
export interface VaultListener {
    type: string;
    settings: Map<string, string>;
}

/** What the policies read from vault.hcl. */
export interface VaultConfig {
    settings: Map<string, string>;
    listeners: VaultListener[];
    /** Names of top-level blocks, e.g. `storage`, `seal`, `telemetry`. */
    blocks: string[];
}

function unquote(v: string): string {
    return v.trim().replace(/^"(.*)"$/, "$1");
}

/** Parses vault.hcl: `key = value` lines and one level of labelled blocks. */
export function parseVaultHcl(text: string): VaultConfig {
    const lines = text.split("\n").map((l) => l.replace(/(#|\/\/).*$/, "").trim());
    const config: VaultConfig = { settings: new Map(), listeners: [], blocks: [] };
    let depth = 0;
    let current: VaultListener | undefined;
    for (const line of lines) {
        const open = /^([A-Za-z_]+)\s*((?:"[^"]*"\s*)*)\{\s*$/.exec(line);
        if (open) {
            if (depth === 0) {
                config.blocks.push(open[1]);
                if (open[1] === "listener") {
                    current = { type: unquote(open[2].split(/\s+/)[0] ?? ""), settings: new Map() };
                    config.listeners.push(current);
                }
            }
            depth++;
            continue;
        }
        if (line === "}") {
            depth--;
            if (depth === 0) {
                current = undefined;
            }
            continue;
        }
        const kv = /^([A-Za-z_]+)\s*=\s*(.+)$/.exec(line);
        if (kv && depth === 0) {
            config.settings.set(kv[1], unquote(kv[2]));
        } else if (kv && depth === 1 && current) {
            current.settings.set(kv[1], unquote(kv[2]));
        }
    }
    return config;
}

/** Whether an HCL value is truthy the way Vault reads it (`true`, `1`, `"true"`). */
export function hclTrue(value: string | undefined): boolean {
    return value !== undefined && /^(true|1|yes)$/i.test(value);
}
