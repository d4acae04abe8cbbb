import * as path from "node:path";

import { ROOT } from "./program";

/** The fixture contexts: a Python app (the default language) and a Node app. */
export const FIXTURES = {
    python: path.join(ROOT, "test", "fixtures", "app-python"),
    node: path.join(ROOT, "test", "fixtures", "app-node"),
};

/** A fixed, fake but well-formed digest, so rendered text does not depend on the machine. */
export const FAKE_DIGEST = `sha256:${"4f".repeat(32)}`;

/**
 * Stack config overrides that switch the dev stack's app from `app.image` to a build. `app`
 * is given again without `image`, since the two are mutually exclusive.
 */
export function buildOverrides(
    appBuild: Record<string, unknown> = {},
    language: "python" | "node" = "python",
): Record<string, unknown> {
    return {
        app: { name: "daur-ai", port: 8000, healthPath: "/healthz" },
        appBuild: {
            context: FIXTURES[language],
            language,
            baseImage: `registry.example.com/base:bookworm@${FAKE_DIGEST}`,
            source: "https://github.com/daur-ai/daur-ai",
            revision: "0123456789abcdef0123456789abcdef01234567",
            ...appBuild,
        },
    };
}
