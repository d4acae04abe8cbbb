import { PreviewUsageError } from "./preview";

/**
 * Runs a command-line tool's main function and exits with its code once stdout has drained (a
 * piped reader would otherwise get the first 64 KiB only). A usage or config error prints its
 * message and exits 2; anything else prints one line, never a stack trace, and exits with
 * `failureCode`.
 */
export function runCli(name: string, main: () => Promise<number>, failureCode: number): void {
    main()
        .catch((err: unknown) => {
            if (err instanceof PreviewUsageError) {
                console.error(err.message);
                return 2;
            }
            console.error(`${name}: unexpected failure: ${(err as Error).message}`);
            return failureCode;
        })
        .then((code) => process.stdout.write("", () => process.exit(code)));
}
