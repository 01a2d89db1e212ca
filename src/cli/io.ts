/** Where a command writes: stdout and stderr in the binary, buffers in tests. */
export type CliIo = { out: (s: string) => void; err: (s: string) => void };

/** Wrong command-line use: printed with the usage text, exit 2. */
export class UsageError extends Error {}
