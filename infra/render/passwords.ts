import * as crypto from "node:crypto";

/** One character class of the strong-password rule, with the least count a password needs. */
export interface Charset {
    charset: string;
    minChars: number;
}

/** The strong-password rule: the shared source of Vault's password policy and our generator. */
export interface PasswordRule {
    length: number;
    charsets: Charset[];
}

/**
 * At least one lower-case letter, upper-case letter, digit and symbol, and 32 characters in
 * all (well above the 12 the rule demands). The symbols need no quoting in a shell, a libpq
 * connection string or a URL's userinfo after percent-encoding, so no tool mangles them.
 */
export const STRONG_PASSWORD_RULE: PasswordRule = {
    length: 32,
    charsets: [
        { charset: "abcdefghijklmnopqrstuvwxyz", minChars: 1 },
        { charset: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", minChars: 1 },
        { charset: "0123456789", minChars: 1 },
        { charset: "-_.~!*+=^", minChars: 1 },
    ],
};

/** Whether a password satisfies the rule. */
export function satisfiesRule(password: string, rule: PasswordRule = STRONG_PASSWORD_RULE) {
    const alphabet = rule.charsets.map((c) => c.charset).join("");
    return (
        password.length >= Math.max(rule.length, 12) &&
        [...password].every((ch) => alphabet.includes(ch)) &&
        rule.charsets.every(
            (c) => [...password].filter((ch) => c.charset.includes(ch)).length >= c.minChars,
        )
    );
}

/**
 * A Node.js one-liner that prints one password satisfying the rule, drawn with a CSPRNG.
 * It runs in a @pulumi/command resource, so the password is made once, kept (as a secret) in
 * the state, and made again only when the resource's triggers change.
 */
export function passwordGeneratorScript(rule: PasswordRule = STRONG_PASSWORD_RULE): string {
    const sets = JSON.stringify(rule.charsets.map((c) => [c.charset, c.minChars]));
    return [
        'const c=require("node:crypto");',
        `const s=${sets};`,
        'const a=s.map(x=>x[0]).join("");',
        'for(;;){let p="";',
        `for(let i=0;i<${rule.length};i++)p+=a[c.randomInt(a.length)];`,
        "if(s.every(([cs,n])=>[...p].filter(h=>cs.includes(h)).length>=n)){process.stdout.write(p);break;}}",
    ].join("");
}

/** The number of PBKDF2 rounds PostgreSQL itself uses for SCRAM-SHA-256 verifiers. */
export const SCRAM_ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677). Setting a role's
 * password to its verifier keeps the plain password out of SQL text and the server's DDL log.
 * Only printable ASCII is accepted, for which SASLprep is the identity.
 */
export function scramVerifier(
    password: string,
    salt: Buffer = crypto.randomBytes(16),
    iterations: number = SCRAM_ITERATIONS,
): string {
    if (!/^[\x21-\x7e]+$/.test(password)) {
        throw new Error("scramVerifier: only printable ASCII passwords are supported");
    }
    const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, "sha256");
    const hmac = (key: Buffer, text: string) =>
        crypto.createHmac("sha256", key).update(text).digest();
    const storedKey = crypto.createHash("sha256").update(hmac(salted, "Client Key")).digest();
    const serverKey = hmac(salted, "Server Key");
    return (
        `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}` +
        `$${storedKey.toString("base64")}:${serverKey.toString("base64")}`
    );
}

/**
 * A SCRAM verifier whose salt is derived from the password and a context (the role name), so
 * the same password gives the same verifier on every run. A rendered file that changed on each
 * run would replace its container each time. A salt derived from the password lets an
 * attacker who sees the verifier test guesses without PBKDF2's cost, which matters nothing for
 * the 32-character generated passwords this is used with (about 190 bits), and nothing else.
 */
export function stableScramVerifier(password: string, context: string): string {
    const salt = crypto.createHmac("sha256", password).update(`scram-salt:${context}`).digest();
    return scramVerifier(password, salt.subarray(0, 16));
}
