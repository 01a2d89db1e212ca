import type { CallsProblem, Demand, NurseShift } from "../../src/calls/model.js";
import type { Violation } from "../../src/common/violation.js";
import { BrokenRulesError } from "../common/broken-rules.js";
import { toRosterShifts, validateStaffing } from "../../src/calls/rules.js";
import { callDemand } from "../../src/calls/forecast.js";
import { IntervalQueues } from "../../src/calls/queues.js";
import { placeBreaks } from "./breaks.js";
import { solveStaffing, type StaffingOptions, type StaffingSolution } from "./staffing.js";
import { staffingReport, type StaffingReport } from "../../src/calls/figures.js";

/** The 1177 pipeline after parsing: demand → queues → shifts → validation → figures (and today's roster, scored the same way). */

export interface StaffingRun {
  demand: Demand;
  solution: StaffingSolution;
  report: StaffingReport;
  /** today's roster from the input, breaks placed where they cost least, scored and checked the same way */
  today: { shifts: NurseShift[]; report: StaffingReport; violations: Violation[] } | null;
  seconds: number;
}

export async function runStaffing(problem: CallsProblem, options: StaffingOptions = {}): Promise<StaffingRun> {
  const started = Date.now();
  const demand = callDemand(problem);
  const queues = new IntervalQueues(problem, demand);
  const solution = await solveStaffing(problem, queues, options);
  const violations = validateStaffing(problem, toRosterShifts(problem, solution.shifts));
  if (violations.length) throw new BrokenRulesError(violations, "no roster keeps every rule with these nurses and contracts");
  const report = staffingReport(problem, queues, solution.shifts);
  let today: StaffingRun["today"] = null;
  if (problem.today) {
    const shifts = placeBreaks(problem, queues, problem.today);
    today = { shifts, report: staffingReport(problem, queues, shifts), violations: validateStaffing(problem, toRosterShifts(problem, shifts)) };
  }
  return { demand, solution, report, today, seconds: (Date.now() - started) / 1000 };
}
