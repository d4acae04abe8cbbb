// Lint rules for the whole repository: the recommended sets, type-aware where it pays.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "out/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/consistent-type-imports": "off",
            "no-console": ["error", { allow: ["error"] }],
            eqeqeq: ["error", "always"],
        },
    },
    {
        // Command-line tools print their results on stdout by design.
        files: ["scripts/**/*.ts", "test/**/*.ts"],
        rules: { "no-console": "off" },
    },
    {
        // Tests assert on recorded resource inputs, and policies read the engine's resource
        // properties (typed Record<string, any> by @pulumi/policy): both are untyped JSON.
        files: ["test/**/*.ts", "policies/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
