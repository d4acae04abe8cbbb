// Loaded with `node --import` into each process the offline benchmark times: on exit, writes
// the process's peak resident memory and CPU time as JSON to the file HS_BENCH_USAGE names.
import * as fs from "node:fs";

const target = process.env.HS_BENCH_USAGE;
if (target) {
    process.on("exit", () => {
        const usage = process.resourceUsage();
        fs.writeFileSync(
            target,
            JSON.stringify({
                maxRssKb: usage.maxRSS,
                cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
            }),
        );
    });
}
