import { DEFAULTS } from "../src/common/defaults.js";
import { LIMITS } from "../src/common/limits.js";
import { isValidDate } from "../src/common/time.js";

/** Where a command writes: stdout and stderr in the binary, buffers in tests. */
export type CliIo = { out: (s: string) => void; err: (s: string) => void };

/** Wrong command-line use: printed with the usage text, exit 2. */
export class UsageError extends Error {}

/** The options every solver command takes (`-o`, `--csv`, `--time-limit`, `--seed`), as parseArgs reads them. */
export const solverOptions = (defaultSeconds: number) =>
  ({
    out: { type: "string", short: "o" },
    csv: { type: "string" },
    "time-limit": { type: "string", default: String(defaultSeconds) },
    seed: { type: "string", default: String(DEFAULTS.seed) },
  }) as const;

/** `--time-limit` and `--seed` as every solver command takes them. */
export function solverFlags(values: { "time-limit"?: string | undefined; seed?: string | undefined }): { timeLimit: number; seed: number } {
  const timeLimit = Number(values["time-limit"]);
  const seed = Number(values.seed);
  if (!(timeLimit > 0)) throw new UsageError("--time-limit must be a positive number of seconds");
  if (!Number.isInteger(seed)) throw new UsageError("--seed must be a whole number");
  return { timeLimit, seed };
}

/** A whole number flag within [min, max], or a usage error naming the flag and the range. */
export function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max.toLocaleString("en")}, got "${value}"`);
  return n;
}

/** A date flag (YYYY-MM-DD, a real date in the range every input keeps to). */
export function dateFlag(value: string | undefined, flag: string): string {
  if (value === undefined || !isValidDate(value) || value < LIMITS.firstDate || value > LIMITS.lastDate)
    throw new UsageError(`${flag} must be a date YYYY-MM-DD from ${LIMITS.firstDate} to ${LIMITS.lastDate}, got "${value}"`);
  return value;
}
