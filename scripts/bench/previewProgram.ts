// node --import tsx scripts/bench/previewProgram.ts PROGRAM
// The offline preview of any program file with the dev stack's settings, as `npm run preview`
// does for the stack's own program: how the benchmarks preview their generated programs.
// As in the preview CLI: no stack-trace capture, which the SDK would do for every promise.
import "../lib/noStackTraces";
import { ROOT } from "./lib/devStack";
import { formatPreview, previewStack } from "../lib/preview";

async function main(): Promise<void> {
    const program = process.argv[2];
    if (!program) {
        throw new Error("usage: previewProgram.ts PROGRAM");
    }
    const result = await previewStack(ROOT, "dev", program);
    process.stdout.write(formatPreview(result, "text"));
}

main().catch((err) => {
    console.error(`previewProgram: ${(err as Error).message}`);
    process.exit(1);
});
