// npm run preview -- [--stack NAME] [--json]
// Shows what `pulumi preview` would create for a stack, without the Pulumi CLI or a backend.
import "./lib/noStackTraces";
import { parseArgs } from "node:util";

import { formatPreview, previewStack, PreviewUsageError } from "./lib/preview";

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
    try {
        const result = await previewStack(process.cwd(), args.values.stack!);
        process.stdout.write(formatPreview(result, args.values.json ? "json" : "text"));
        return 0;
    } catch (err) {
        if (err instanceof PreviewUsageError) {
            console.error(err.message);
            return 2;
        }
        throw err;
    }
}

main().then(
    // Exit once stdout has drained: a piped reader would otherwise get the first 64 KiB only.
    (code) => process.stdout.write("", () => process.exit(code)),
    (err) => {
        console.error(`preview: unexpected failure: ${(err as Error).message}`);
        process.exit(1);
    },
);
