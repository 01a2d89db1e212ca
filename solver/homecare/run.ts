import type { Roster, Schedule } from "../../src/homecare/model.js";
import { computeMetrics, type Metrics } from "../../src/homecare/figures.js";
import { BrokenRulesError } from "../common/broken-rules.js";
import { validateSchedule } from "../../src/homecare/rules.js";
import { solveHomecare, type SolveOptions } from "./search.js";
import { continuityLowerBound, type ContinuityBound } from "./lowerbound.js";

export interface HomecareRun {
  schedule: Schedule;
  metrics: Metrics & { lowerBound: ContinuityBound };
  iterations: number;
  elapsedMs: number;
}

/**
 * Solve, then accept the schedule only if the project's validator passes it, then measure it.
 * The one entry point the CLI and the API call.
 */
export function runHomecare(roster: Roster, options: SolveOptions = {}): HomecareRun {
  const result = solveHomecare(roster, options);
  const violations = validateSchedule(roster, result.schedule);
  if (violations.length)
    throw new BrokenRulesError(violations, "the optimizer produced a schedule that breaks a hard rule (a bug)");
  const metrics = { ...computeMetrics(roster, result.schedule), lowerBound: continuityLowerBound(roster) };
  return { schedule: result.schedule, metrics, iterations: result.iterations, elapsedMs: result.elapsedMs };
}
