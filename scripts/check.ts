// npm run check -- [--stack NAME] [--program PATH] [--format text|json|sarif|junit|markdown]
//                  [--out FILE] [--allow-unknown]
// Runs a Pulumi program offline, applies every CrossGuard policy and reports. Exit 1 on a
// mandatory violation, 0 otherwise, 2 on usage or configuration errors.
import "./lib/noStackTraces";
import { runCli } from "./lib/cli";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

import { printable } from "../infra/config/reader";
import { POLICIES } from "../policies/policies";
import { previewStack } from "./lib/preview";
import { FORMATS, Format, formatReport, summarize } from "./lib/policyReport";
import { runPolicies } from "./lib/policyRun";

const USAGE =
    "usage: npm run check -- [--stack NAME] [--program PATH] " +
    "[--format text|json|sarif|junit|markdown] [--out FILE] [--allow-unknown]";

async function main(): Promise<number> {
    let args;
    try {
        args = parseArgs({
            options: {
                stack: { type: "string", default: "dev" },
                program: { type: "string" },
                format: { type: "string", default: "text" },
                out: { type: "string" },
                "allow-unknown": { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            allowPositionals: false,
        });
    } catch (err) {
        console.error(`check: ${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    if (args.values.help) {
        console.log(USAGE);
        return 0;
    }
    const format = args.values.format as Format;
    if (!FORMATS.includes(format)) {
        console.error(`check: --format must be one of ${FORMATS.join(", ")}\n${USAGE}`);
        return 2;
    }
    const program = args.values.program;
    if (program !== undefined && !fs.existsSync(program)) {
        console.error(`check: --program ${program} does not exist`);
        return 2;
    }
    const out = args.values.out;
    if (out !== undefined) {
        // Checked before the run, so that a report is never computed only to be lost.
        const problem = outProblem(out);
        if (problem) {
            console.error(`check: --out ${printable(out)}: ${problem}`);
            return 2;
        }
    }
    const preview = await previewStack(process.cwd(), args.values.stack!, program);
    const result = await runPolicies(preview.run.resources, POLICIES, {
        allowUnknown: args.values["allow-unknown"],
        stackName: preview.settings.stack,
    });
    const report = formatReport(result, format, {
        stack: preview.settings.stack,
        program: path.relative(process.cwd(), preview.settings.program).split(path.sep).join("/"),
    });
    if (out !== undefined) {
        try {
            fs.writeFileSync(out, report);
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
            console.error(`check: --out ${printable(out)}: cannot write the report (${code})`);
            return 2;
        }
        const s = summarize(result);
        console.error(
            `check: ${s.mandatory} mandatory violations; report written to ${printable(out)}`,
        );
    } else {
        await new Promise<void>((resolve) => process.stdout.write(report, () => resolve()));
    }
    return summarize(result).passed ? 0 : 1;
}

/** Why the report cannot be written to `out`, or undefined. */
function outProblem(out: string): string | undefined {
    if (out === "") {
        return "is empty; expected a file path";
    }
    const target = path.resolve(out);
    const folder = path.dirname(target);
    if (!fs.existsSync(folder)) {
        return `the folder ${printable(folder)} does not exist`;
    }
    if (!fs.statSync(folder).isDirectory()) {
        return `${printable(folder)} is not a folder`;
    }
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        return "is a folder; expected a file path";
    }
    try {
        fs.accessSync(fs.existsSync(target) ? target : folder, fs.constants.W_OK);
    } catch {
        return "cannot be written (no permission)";
    }
    return undefined;
}

runCli("check", main, 2);
