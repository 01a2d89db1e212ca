import type { Roster, Schedule } from "../../src/homecare/model.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { computeMetrics, type Metrics } from "../../src/homecare/figures.js";
import { validateSchedule } from "../../src/homecare/rules.js";
import { BrokenRulesError } from "../common/broken-rules.js";
import { continuityBoundInWorker, type ContinuityBound } from "./lowerbound.js";
import { solveHomecare, type SolveOptions } from "./search.js";

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
export async function runHomecare(roster: Roster, options: SolveOptions & { bound?: boolean } = {}): Promise<HomecareRun> {
  const started = Date.now();
  const limitSeconds = options.timeLimitSeconds ?? DEFAULTS.homecare.timeLimitSeconds;
  // without the bound (a municipality's districts two at a time): the second core solves the next district instead
  const bound = options.bound === false ? { settle: async (): Promise<ContinuityBound> => ({ u21401: null, proven: false, detail: "not computed (kontinuum schedule of many rosters; add --bound)", seconds: 0 }) } : continuityBoundInWorker(roster, limitSeconds);
  try {
    // the bound's model was built on this thread: that time counts against the limit too
    const result = solveHomecare(roster, { ...options, startedAt: started });
    const violations = validateSchedule(roster, result.schedule);
    if (violations.length) throw new BrokenRulesError(violations, "the optimizer produced a schedule that breaks a hard rule (a bug)");
    const lowerBound = await bound.settle(started + (limitSeconds + BOUND_GRACE_SECONDS) * 1000 - Date.now());
    const metrics = { ...computeMetrics(roster, result.schedule), lowerBound };
    return { schedule: result.schedule, metrics, iterations: result.iterations, elapsedMs: result.elapsedMs };
  } finally {
    void bound.settle(0);
  }
}
