import * as pulumi from "@pulumi/pulumi";

/** One problem with one configuration key, phrased for the person who set it. */
export interface ConfigIssue {
    /** The full key, with its namespace and any path inside an object: `hardened-stack:app.port`. */
    key: string;
    /** What is wrong with the value, without repeating the value when it may be secret. */
    problem: string;
    /** The form the key accepts. */
    expected: string;
}

/**
 * Thrown once, after every key was read, when any key was invalid. Extends RunError so that
 * the Pulumi CLI prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    /** Every problem found, in the order the keys were read. */
    public readonly issues: ConfigIssue[];

    constructor(issues: ConfigIssue[]) {
        super(formatIssues(issues));
        this.name = "ConfigError";
        this.issues = issues;
    }
}

/** Renders issues as the lines a user sees: one per key, with the expected form. */
export function formatIssues(issues: ConfigIssue[]): string {
    const lines = issues.map((i) => `  - ${i.key}: ${i.problem}; expected ${i.expected}`);
    const noun = issues.length === 1 ? "setting is" : "settings are";
    return [`${issues.length} configuration ${noun} invalid:`, ...lines].join("\n");
}

/** Where the reader gets raw values: plain values and the names of keys set with --secret. */
export interface ConfigSource {
    /** The raw value of a top-level key (objects and lists as parsed YAML), or undefined. */
    get(key: string): unknown;
    /** Whether the key was set with `pulumi config set --secret`. */
    isSecret(key: string): boolean;
    /** Every top-level key set in this namespace, when the source can list them. */
    keys?(): string[];
}

/** A ConfigSource over the running Pulumi program's configuration. */
export function pulumiConfigSource(namespace: string): ConfigSource {
    const config = new pulumi.Config(namespace);
    return {
        get(key) {
            const raw = config.get(key);
            if (raw === undefined) {
                return undefined;
            }
            // Structured values arrive as JSON text; scalars arrive as plain text.
            try {
                return JSON.parse(raw);
            } catch {
                return raw;
            }
        },
        keys() {
            const prefix = `${namespace}:`;
            return Object.keys(pulumi.runtime.allConfig())
                .filter((k) => k.startsWith(prefix))
                .map((k) => k.slice(prefix.length));
        },
        isSecret(key) {
            // The SDK keeps the list of keys set with --secret; it is not in the typed API.
            const runtime = pulumi.runtime as unknown as { isConfigSecret(k: string): boolean };
            return runtime.isConfigSecret(`${namespace}:${key}`);
        },
    };
}

/**
 * What a value written into a rendered config file may not contain: anything outside printable
 * ASCII, and the characters that end a directive, open a block, close a quoted string or (`$`)
 * make nginx expand a variable.
 */
const UNSAFE_IN_RENDERED = /[^\x20-\x7e]|[;{}$"'`\\]/;

/**
 * The value the offline preview hands the program for every `secure:` config value, since it
 * cannot decrypt them. Checks of a secret's content skip it; the real CLI passes the secret.
 */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-placeholder-secret";

/** What the reader says when a key that ends up in plain text was set with --secret. */
const SECRET_IN_PLAIN_SETTING: [string, string] = [
    "is set as a secret, but this setting ends up in plain text (rendered files, labels or outputs)",
    "a plain value set without --secret; secret values belong in appSecretEnv or tlsPrivateKey",
];

/**
 * Reads configuration keys and records every problem instead of stopping at the first. Call
 * `finish()` after all reads: it throws one ConfigError naming every bad key.
 */
export class ConfigReader {
    private readonly issues: ConfigIssue[] = [];
    /** Top-level keys some tier has read; any other key set in the namespace is a mistake. */
    private readonly known = new Set<string>();

    constructor(
        private readonly source: ConfigSource,
        /** The namespace shown in key names, normally the project name. */
        public readonly namespace: string,
    ) {}

    /** The full display name of a key or a path inside one. */
    keyName(path: string): string {
        return `${this.namespace}:${path}`;
    }

    /** Records a problem found by code outside the reader (cross-field rules). */
    report(path: string, problem: string, expected: string): void {
        this.issues.push({ key: this.keyName(printable(path)), problem, expected });
    }

    /** Whether a top-level key was set as a secret. */
    isSecret(key: string): boolean {
        return this.source.isSecret(key);
    }

    /** Marks top-level keys as known that are read only in some configurations. */
    declare(...keys: string[]): void {
        keys.forEach((k) => this.known.add(k));
    }

    /** The raw value of a top-level key, or undefined. */
    raw(key: string): unknown {
        this.known.add(key);
        return this.source.get(key);
    }

    /**
     * Reads a top-level object key and returns a view of its fields. An absent key reads as
     * an empty object, so every field takes its default. Unknown fields are reported, which
     * catches typos such as `hsts.maxage`.
     */
    object(key: string, knownFields: readonly string[]): ObjectView {
        this.known.add(key);
        const value = this.source.get(key);
        if (value !== undefined && this.source.isSecret(key)) {
            // Never validate (and so never echo) a secret that would land in plain text.
            this.report(key, ...SECRET_IN_PLAIN_SETTING);
            return new ObjectView(this, key, {});
        }
        if (value === undefined || value === null) {
            return new ObjectView(this, key, {});
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            this.report(key, `is ${describe(value)}`, "an object of settings");
            return new ObjectView(this, key, {});
        }
        const record = value as Record<string, unknown>;
        for (const field of Object.keys(record)) {
            if (!knownFields.includes(field)) {
                this.report(
                    `${key}.${field}`,
                    "is not a known setting",
                    `one of ${knownFields.join(", ")}`,
                );
            }
        }
        return new ObjectView(this, key, record);
    }

    /** A view over several top-level keys at once, read like the fields of one object. */
    top(keys: readonly string[]): ObjectView {
        const record: Record<string, unknown> = {};
        for (const key of keys) {
            this.known.add(key);
            record[key] = this.source.get(key);
            if (record[key] !== undefined && this.source.isSecret(key)) {
                this.report(key, ...SECRET_IN_PLAIN_SETTING);
                record[key] = undefined;
            }
        }
        return new ObjectView(this, "", record);
    }

    /** Throws a ConfigError naming every problem recorded so far, if there is any. */
    finish(): void {
        const unknown = (this.source.keys?.() ?? []).filter((k) => !this.known.has(k)).sort();
        for (const key of unknown) {
            this.report(
                key,
                "is not a known setting",
                `one of ${[...this.known].sort().join(", ")}`,
            );
        }
        if (this.issues.length > 0) {
            throw new ConfigError([...this.issues]);
        }
    }
}

/** Typed, validated reads of the fields of one object-valued key. */
export class ObjectView {
    constructor(
        private readonly reader: ConfigReader,
        /** The top-level key, or a dotted path to a nested object. */
        public readonly path: string,
        private readonly record: Record<string, unknown>,
    ) {}

    /** The display path of a field of this object. */
    sub(field: string): string {
        return this.path ? `${this.path}.${field}` : field;
    }

    /** Whether the field was given at all. */
    has(field: string): boolean {
        return this.record[field] !== undefined;
    }

    /** A nested object field, read the same way as a top-level one. */
    object(field: string, knownFields: readonly string[]): ObjectView {
        const value = this.record[field];
        const path = this.sub(field);
        if (value === undefined || value === null) {
            return new ObjectView(this.reader, path, {});
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            this.reader.report(path, `is ${describe(value)}`, "an object of settings");
            return new ObjectView(this.reader, path, {});
        }
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
            if (!knownFields.includes(key)) {
                this.reader.report(
                    `${path}.${key}`,
                    "is not a known setting",
                    `one of ${knownFields.join(", ")}`,
                );
            }
        }
        return new ObjectView(this.reader, path, record);
    }

    /** A string field, checked against a pattern that describes its whole form. */
    string(field: string, fallback: string, rule?: StringRule): string {
        const value = this.record[field];
        if (value === undefined) {
            return fallback;
        }
        return checkString(this.reader, this.sub(field), value, rule) ?? fallback;
    }

    /** An integer field within [min, max]. */
    integer(field: string, fallback: number, min: number, max: number): number {
        const value = this.record[field];
        if (value === undefined) {
            return fallback;
        }
        return checkInteger(this.reader, this.sub(field), value, min, max) ?? fallback;
    }

    /** A number field (fractions allowed) within [min, max]. */
    number(field: string, fallback: number, min: number, max: number): number {
        const value = this.record[field];
        const path = this.sub(field);
        if (value === undefined) {
            return fallback;
        }
        const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
            this.reader.report(
                path,
                `is ${describeAt(path, value)}`,
                `a number from ${min} to ${max}`,
            );
            return fallback;
        }
        return n;
    }

    /** A boolean field; accepts true/false and the strings "true"/"false". */
    boolean(field: string, fallback: boolean): boolean {
        const value = this.record[field];
        if (value === undefined) {
            return fallback;
        }
        if (value === true || value === "true") {
            return true;
        }
        if (value === false || value === "false") {
            return false;
        }
        this.reader.report(
            this.sub(field),
            `is ${describeAt(this.sub(field), value)}`,
            "true or false",
        );
        return fallback;
    }

    /** One of a fixed set of strings. */
    oneOf<T extends string>(field: string, fallback: T, choices: readonly T[]): T {
        const value = this.record[field];
        if (value === undefined) {
            return fallback;
        }
        if (typeof value === "string" && (choices as readonly string[]).includes(value)) {
            return value as T;
        }
        this.reader.report(
            this.sub(field),
            `is ${describeAt(this.sub(field), value)}`,
            `one of ${choices.map((c) => `"${c}"`).join(", ")}`,
        );
        return fallback;
    }

    /** A list of strings, each checked against the rule. */
    stringList(field: string, fallback: string[], rule?: StringRule & { minItems?: number }) {
        const value = this.record[field];
        const path = this.sub(field);
        if (value === undefined) {
            return fallback;
        }
        if (!Array.isArray(value)) {
            this.reader.report(path, `is ${describe(value)}`, "a list of strings");
            return fallback;
        }
        if (rule?.minItems !== undefined && value.length < rule.minItems) {
            this.reader.report(path, `has ${value.length} items`, `at least ${rule.minItems}`);
        }
        const out: string[] = [];
        value.forEach((item, i) => {
            const s = checkString(this.reader, `${path}[${i}]`, item, rule);
            if (s !== undefined) {
                out.push(s);
            }
        });
        return out;
    }

    /** A map of string keys to string values, each side checked against its rule. */
    stringMap(field: string, keyRule: StringRule, valueRule?: StringRule): Record<string, string> {
        const value = this.record[field];
        const path = this.sub(field);
        if (value === undefined || value === null) {
            return {};
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            this.reader.report(path, `is ${describe(value)}`, "a map of names to strings");
            return {};
        }
        const out = new Map<string, string>();
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const name = checkString(this.reader, `${path}.${k}`, k, keyRule, "its name");
            const text = checkString(this.reader, `${path}.${k}`, v, valueRule);
            if (name !== undefined && text !== undefined) {
                out.set(name, text);
            }
        }
        // fromEntries defines own properties, so a name like __proto__ stays a plain entry.
        return Object.fromEntries(out);
    }

    /** Reports a problem with a field of this object. */
    report(field: string, problem: string, expected: string): void {
        this.reader.report(this.sub(field), problem, expected);
    }
}

/** How a string must look. `pattern` must match the whole value. */
export interface StringRule {
    /** A regular expression for the whole value. */
    pattern?: RegExp;
    /** The expected form, in words, shown when the value does not match. */
    expected?: string;
    /** Whether the value will be written into a rendered config file (refuses ; { } quotes). */
    rendered?: boolean;
    /** An extra check; returns a problem description or undefined. */
    check?: (value: string) => string | undefined;
    /** Whether a YAML number is taken as its text (sizes); otherwise numbers are refused. */
    acceptNumbers?: boolean;
}

function checkString(
    reader: ConfigReader,
    path: string,
    value: unknown,
    rule: StringRule | undefined,
    what = "",
): string | undefined {
    const subject = what ? `${what} ` : "";
    const expected = rule?.expected ?? "a string";
    // A map's entry names are shown; a value under a secret-looking name is not.
    const shown = (v: unknown) => (what ? describe(v) : describeAt(path, v));
    if (typeof value === "number" && !rule?.acceptNumbers) {
        // YAML reads 3.10 as 3.1 and 0o17 as 15: a number here has already lost its text.
        reader.report(path, `${subject}is the number ${shown(value)}`, `${expected}, quoted`);
        return undefined;
    }
    if (typeof value !== "string" && typeof value !== "number") {
        reader.report(path, `${subject}is ${shown(value)}`, expected);
        return undefined;
    }
    const text = String(value);
    if (rule?.rendered && UNSAFE_IN_RENDERED.test(text)) {
        reader.report(
            path,
            `${subject}contains a character that could inject a directive ` +
                "(; { } $ quotes, backslash, a line break or a non-ASCII character)",
            expected,
        );
        return undefined;
    }
    if (rule?.pattern && !rule.pattern.test(text)) {
        reader.report(path, `${subject}is ${shown(text)}`, expected);
        return undefined;
    }
    const problem = rule?.check?.(text);
    if (problem) {
        reader.report(path, `${subject}${problem}`, expected);
        return undefined;
    }
    return text;
}

function checkInteger(
    reader: ConfigReader,
    path: string,
    value: unknown,
    min: number,
    max: number,
): number | undefined {
    const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
        reader.report(
            path,
            `is ${describeAt(path, value)}`,
            `a whole number from ${min} to ${max}`,
        );
        return undefined;
    }
    return n;
}

/**
 * Names that usually hold a secret (environment variables, settings): a bad value under such a
 * name is reported without being shown, since it may be the secret itself.
 */
export const SECRET_LOOKING =
    /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIAL)/i;

/**
 * {@link describe}, except that a value is not shown when any part of its path looks secret
 * (`app.env.PASSWORD.x` as much as `app.env.DB_PASSWORD`).
 */
export function describeAt(path: string, value: unknown): string {
    if (SECRET_LOOKING.test(path) && (typeof value === "string" || typeof value === "number")) {
        return `a ${typeof value} that is not shown (its name looks like a secret)`;
    }
    return describe(value);
}

/** A URL's user part with a password: `scheme://user:password@`, the password up to the last @. */
const URL_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:]*):\S*@/g;

/** The text with every URL password masked. */
export function maskUrlPasswords(text: string): string {
    return text.replace(URL_PASSWORD, "$1:***@");
}

/** Whether the text holds a URL with a password. */
export function hasUrlPassword(text: string): boolean {
    return new RegExp(URL_PASSWORD.source).test(text);
}

/**
 * A short, safe description of a value for an error message. The password of a URL's user
 * part (`ssh://user:password@host`) is masked.
 */
export function describe(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    if (typeof value === "object") {
        return "an object";
    }
    if (typeof value === "string") {
        const masked = maskUrlPasswords(value);
        const shown = masked.length > 60 ? `${masked.slice(0, 57)}...` : masked;
        return `"${printable(shown)}"`;
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
        return `the number ${value} (out of range)`;
    }
    return String(value);
}

/** Escapes everything outside printable ASCII, so a message cannot forge lines or colours. */
export function printable(text: string): string {
    return text.replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
}
