// Imported first by the command-line tools. The Pulumi SDK records a stack trace for every
// promise it creates, and under tsx each capture is source-mapped; for a program of 1,000
// containers that is most of the run (docs/BENCHMARKS.md). The tools print messages, never
// traces, so capture is off unless HARDENED_STACK_STACK_TRACES=1 asks for it when debugging.
if (process.env.HARDENED_STACK_STACK_TRACES !== "1") {
    Error.stackTraceLimit = 0;
}
