/** Where a command writes: stdout and stderr in the binary, buffers in tests. */
export type CliIo = { out: (s: string) => void; err: (s: string) => void };

/** Wrong command-line use: printed with the usage text, exit 2. */
export class UsageError extends Error {}

/** `--time-limit` and `--seed` as every solver command takes them. */
export function solverFlags(values: { "time-limit"?: string | undefined; seed?: string | undefined }): { timeLimit: number; seed: number } {
  const timeLimit = Number(values["time-limit"]);
  const seed = Number(values.seed);
  if (!(timeLimit > 0)) throw new UsageError("--time-limit must be a positive number of seconds");
  if (!Number.isInteger(seed)) throw new UsageError("--seed must be a whole number");
  return { timeLimit, seed };
}
