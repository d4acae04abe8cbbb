/** Readers for rendered postgresql.conf and pg_hba.conf. */

/** `name = value` settings of postgresql.conf; later lines win, as in the server. */
export function parsePostgresConf(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const raw of text.split("\n")) {
        const line = raw.replace(/#.*$/, "").trim();
        const m = /^([A-Za-z_][\w.]*)\s*=?\s*(.*)$/.exec(line);
        if (m && m[2] !== "") {
            out.set(m[1].toLowerCase(), m[2].trim().replace(/^'(.*)'$/, "$1"));
        }
    }
    return out;
}

/** One pg_hba.conf rule. */
export interface HbaRule {
    line: number;
    type: string;
    database: string;
    user: string;
    address?: string;
    method: string;
}

/** The rules of pg_hba.conf in file order (first match wins in the server). */
export function parseHba(text: string): HbaRule[] {
    const rules: HbaRule[] = [];
    text.split("\n").forEach((raw, index) => {
        const fields = raw.replace(/#.*$/, "").trim().split(/\s+/).filter(Boolean);
        if (fields.length < 4) {
            return;
        }
        const [type, database, user] = fields;
        const local = type === "local";
        const address = local ? undefined : fields[3];
        // An address may be written as "ip mask"; the method follows it.
        const methodAt = local ? 3 : /^\d+\.\d+\.\d+\.\d+$/.test(fields[4] ?? "") ? 5 : 4;
        rules.push({
            line: index + 1,
            type,
            database,
            user,
            address,
            method: fields[methodAt] ?? "",
        });
    });
    return rules;
}

/** TLS protocol versions in order, for comparing `ssl_min_protocol_version` values. */
export const TLS_ORDER = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
