import type { Roster, Schedule } from "../../src/homecare/model.js";
import { applyChanges, type ChangesInput } from "../../src/homecare/changes.js";
import { normalizeRoster } from "../../src/homecare/normalize.js";
import { buildChangeReport, type ChangeReport } from "../../src/homecare/replan-report.js";
import { requireValidSchedule, validateSchedule } from "../../src/homecare/rules.js";
import type { RosterInput } from "../../src/homecare/schema.js";
import { BrokenRulesError } from "../common/broken-rules.js";
import { replanSchedule, type ReplanOptions } from "./replan.js";

export interface ReplanRun {
  /** the roster after the changes, which the schedule is valid for */
  roster: Roster;
  /** the same, as written (spec JSON): what a caller keeps when the re-plan is accepted */
  rosterInput: RosterInput;
  schedule: Schedule;
  report: ChangeReport;
  elapsedMs: number;
}

/**
 * The re-planning path of replan.md, the one entry point of the CLI and the API: the published
 * schedule must be valid for the roster it was made for; the changes are applied; the re-planned
 * schedule is written only if the validator passes it for the changed roster.
 */
export function runReplan(input: RosterInput, original: Roster, published: Schedule, changes: ChangesInput, options: ReplanOptions = {}): ReplanRun {
  requireValidSchedule(original, published);
  const changed = applyChanges(input, original, published, changes, "changes");
  const roster = normalizeRoster(changed.input, "the roster after the changes");
  const result = replanSchedule(roster, published, changed.now, options);
  const violations = validateSchedule(roster, result.schedule);
  if (violations.length) throw new BrokenRulesError(violations, "the re-planned schedule breaks a hard rule (a bug)");
  const report = buildChangeReport(original, published, roster, result.schedule, changed, result.madeRoomFor);
  return { roster, rosterInput: changed.input, schedule: result.schedule, report, elapsedMs: result.elapsedMs };
}
