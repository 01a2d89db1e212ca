import type { CallsProblem, Demand, NurseShift } from "../../src/calls/model.js";
import type { Violation } from "../../src/common/violation.js";
import { BrokenRulesError } from "../common/broken-rules.js";
import { toRosterShifts, validateStaffing, withAbsences, type Absence, type RosterShift } from "../../src/calls/rules.js";
import { InputError } from "../../src/common/errors.js";
import { formatViolation } from "../../src/common/violation.js";
import { absToIso } from "../../src/common/time.js";
import { restaff, type RestaffResult } from "./restaff.js";
import { callDemand } from "../../src/calls/forecast.js";
import { IntervalQueues } from "../../src/calls/queues.js";
import { placeBreaks } from "./breaks.js";
import { solveStaffing, type StaffingOptions, type StaffingSolution } from "./staffing.js";
import { staffingReport, type StaffingReport } from "../../src/calls/figures.js";
import { DEFAULTS } from "../../src/common/defaults.js";

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
  const report = staffingReport(problem, queues, solution.shifts, { moves: solution.moves, planned: options.moves ?? DEFAULTS.calls.moves });
  let today: StaffingRun["today"] = null;
  if (problem.today) {
    const shifts = placeBreaks(problem, queues, problem.today);
    today = { shifts, report: staffingReport(problem, queues, shifts), violations: validateStaffing(problem, toRosterShifts(problem, shifts)) };
  }
  return { demand, solution, report, today, seconds: (Date.now() - started) / 1000 };
}

export interface RestaffRun extends RestaffResult {
  /** every paid leave the new roster is valid with: the file's earlier ones and this one */
  absences: Absence[];
  demand: Demand;
  report: StaffingReport;
  seconds: number;
}

/**
 * Filling one nurse's absence in a published staffing (the CLI's and the API's entry point): the
 * published roster must keep every rule; the new one is returned only if the validator passes it.
 */
export function runRestaff(original: CallsProblem, file: { roster: readonly RosterShift[]; absences: readonly Absence[] }, absent: number, from: number, to: number): RestaffRun {
  const started = Date.now();
  const problem = withAbsences(original, file.absences);
  const published = file.roster;
  const broken = validateStaffing(problem, published);
  if (broken.length) throw new InputError(broken.slice(0, 10).map((v) => ({ path: "staffing", message: `the published roster breaks a rule: ${formatViolation(v)}` })));
  const shifts = published.map((s): NurseShift => ({ nurse: s.nurse!, template: s.template!, dayIndex: s.dayIndex, start: s.start, end: s.end, breakStart: s.breakStart, breakEnd: s.breakEnd }));
  const demand = callDemand(problem);
  const queues = new IntervalQueues(problem, demand);
  const result = restaff(problem, queues, shifts, absent, from, to);
  const violations = validateStaffing(result.problem, toRosterShifts(result.problem, result.shifts));
  if (violations.length) throw new BrokenRulesError(violations, "the re-staffed roster breaks a rule (a bug)");
  return { ...result, absences: [...file.absences, result.absence], demand, report: staffingReport(result.problem, queues, result.shifts), seconds: (Date.now() - started) / 1000 };
}

/** The change list of a re-staffing as plain data: what the manager phones about (times ISO-8601). */
export function restaffReport(run: RestaffRun) {
  const p = run.problem;
  const side = (s: NurseShift) => ({ template: p.templates[s.template]!.id, start: absToIso(s.start, p.zone), end: absToIso(s.end, p.zone) });
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    absences: run.absences.map((a) => ({ nurse: p.nurses[a.nurse]!.id, from: absToIso(a.from, p.zone), to: absToIso(a.to, p.zone), paidMinutes: a.paidMinutes })),
    removed: run.removed.map((s) => ({ nurse: p.nurses[s.nurse]!.id, date: p.days[s.dayIndex]!.date, ...side(s) })),
    changes: run.changes.map((c) => ({
      kind: c.kind,
      nurse: p.nurses[c.nurse]!.id,
      date: p.days[c.shift.dayIndex]!.date,
      before: c.kind === "move" ? side(c.from) : null,
      after: side(c.shift),
    })),
    serviceLevel: { published: round(run.serviceLevel.published), withGap: round(run.serviceLevel.withGap), after: round(run.serviceLevel.after) },
    absenceDays: { published: round(run.absenceDays.published), withGap: round(run.absenceDays.withGap), after: round(run.absenceDays.after) },
  };
}
