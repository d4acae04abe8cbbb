// npm run preview -- [--stack NAME] [--json]
// Shows what `pulumi preview` would create for a stack, without the Pulumi CLI or a backend.
import "./lib/noStackTraces";
import { runCli } from "./lib/cli";
import { parseArgs } from "node:util";

import { formatPreview, previewStack } from "./lib/preview";

async function main(): Promise<number> {
    let args;
    try {
        args = parseArgs({
            options: {
                stack: { type: "string", default: "dev" },
                json: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            allowPositionals: false,
        });
    } catch (err) {
        console.error(`preview: ${(err as Error).message}`);
        console.error("usage: npm run preview -- [--stack NAME] [--json]");
        return 2;
    }
    if (args.values.help) {
        console.log("usage: npm run preview -- [--stack NAME] [--json]");
        return 0;
    }
    const result = await previewStack(process.cwd(), args.values.stack!);
    process.stdout.write(formatPreview(result, args.values.json ? "json" : "text"));
    return 0;
}

runCli("preview", main, 1);
