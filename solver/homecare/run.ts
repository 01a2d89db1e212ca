import type { Roster, Schedule } from "../../src/homecare/model.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { computeMetrics, type Metrics } from "../../src/homecare/figures.js";
import { validateSchedule } from "../../src/homecare/rules.js";
import { BrokenRulesError } from "../common/broken-rules.js";
import { continuityBoundInWorker, type ContinuityBound } from "./lowerbound.js";
import { solveHomecare, type SolveOptions, type SolveProgress, type SolveResult } from "./search.js";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";

export interface HomecareRun {
  schedule: Schedule;
  metrics: Metrics & { lowerBound: ContinuityBound };
  iterations: number;
  elapsedMs: number;
}

/**
 * Seconds past the time limit the runner waits for the bound: the limit is a wall for the
 * schedule, and the bound never holds it up by more than this (it is then "not proven" or absent).
 */
const BOUND_GRACE_SECONDS = 1;

/**
 * Solve, then accept the schedule only if the project's validator passes it, then measure it.
 * The lower bound is solved beside the search (HiGHS in a worker thread, on the other core) within
 * the same time limit. The one entry point the CLI and the API call.
 */
export async function runHomecare(roster: Roster, options: SolveOptions & { bound?: boolean; searchWorkers?: number } = {}): Promise<HomecareRun> {
  const started = Date.now();
  const limitSeconds = options.timeLimitSeconds ?? DEFAULTS.homecare.timeLimitSeconds;
  // without the bound (a municipality's districts two at a time): the second core solves the next district instead
  const bound = options.bound === false ? { settle: async (): Promise<ContinuityBound> => ({ u21401: null, proven: false, detail: "not computed (kontinuum schedule of many rosters; add --bound)", seconds: 0 }) } : continuityBoundInWorker(roster, limitSeconds);
  try {
    // the bound's model was built on this thread: that time counts against the limit too
    const workers = options.searchWorkers ?? 1;
    const result = workers > 1 ? await portfolio(roster, { ...options, startedAt: started }, workers) : solveHomecare(roster, { ...options, startedAt: started });
    const violations = validateSchedule(roster, result.schedule);
    if (violations.length) throw new BrokenRulesError(violations, "the optimizer produced a schedule that breaks a hard rule (a bug)");
    const lowerBound = await bound.settle(started + (limitSeconds + BOUND_GRACE_SECONDS) * 1000 - Date.now());
    const metrics = { ...computeMetrics(roster, result.schedule), lowerBound };
    return { schedule: result.schedule, metrics, iterations: result.iterations, elapsedMs: result.elapsedMs };
  } finally {
    void bound.settle(0);
  }
}

/**
 * The search's worker file. The CLI and the API run the built JavaScript, where it sits beside
 * this file; the tests run the TypeScript sources (after `npm run build`), so there it is taken
 * from dist/.
 */
function searchWorkerUrl(): URL {
  const beside = new URL("./search-worker.js", import.meta.url);
  return existsSync(beside) ? beside : new URL("../../dist/solver/homecare/search-worker.js", import.meta.url);
}

/**
 * Both cores: `workers` searches at once in worker threads, the k-th with seed + k (so the first is
 * the one-worker run), each against the same wall; the schedule with the lowest objective wins,
 * ties to the lower k. Deterministic for a seed and a worker count whenever no search is cut by
 * the wall (the annealing cools by move count). The progress shown is the best of the searches.
 */
async function portfolio(roster: Roster, options: SolveOptions, workers: number): Promise<SolveResult> {
  const { onProgress, ...plain } = options;
  const seed = plain.seed ?? DEFAULTS.seed;
  const latest: (SolveProgress | undefined)[] = new Array(workers);
  const runs = Array.from({ length: workers }, (_, k) => {
    const worker = new Worker(searchWorkerUrl(), { workerData: { roster, options: { ...plain, seed: seed + k } } });
    return new Promise<SolveResult>((resolve, reject) => {
      worker.on("message", (m: { progress?: SolveProgress; result?: SolveResult }) => {
        if (m.progress) {
          latest[k] = m.progress;
          const shown = latest.filter((p): p is SolveProgress => p !== undefined).reduce((a, b) => (b.best < a.best ? b : a));
          onProgress?.(shown);
        }
        if (m.result) resolve(m.result);
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`search worker ${k} stopped (exit code ${code}) before it answered`)));
    }).finally(() => void worker.terminate());
  });
  const results = await Promise.all(runs);
  return results.reduce((best, r) => (r.objective < best.objective ? r : best));
}
