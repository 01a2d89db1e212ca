import { Worker } from "node:worker_threads";
import { compareMetrics } from "../src/homecare/compare.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { requireValidSchedule, validateSchedule } from "../src/homecare/rules.js";
import { homecareBody, readEnvelope, schedulePart } from "./bodies.js";
import { inPart, readCallsInput, RequestInputError, type LocatedIssue } from "./inputs.js";
import { InputError } from "../src/common/errors.js";
import { parseWithSchema } from "../src/common/parse.js";
import { changesSchema } from "../src/homecare/changes.js";
import { rosterWithInputFromValue } from "../src/homecare/roster-io.js";
import { scheduleToJson } from "../src/homecare/schedule-io.js";
import { readStaffing, resolveAbsence, staffingFile } from "../src/calls/io.js";
import { explainClient, recommend } from "../solver/homecare/advice.js";
import { runReplan } from "../solver/homecare/replan-run.js";
import { restaffReport, runRestaff } from "../solver/calls/run.js";
import { HttpProblem } from "./problem.js";
import * as S from "./schemas.js";

/**
 * The answers a request waits for: the home-care checks (validate, score, compare), re-planning,
 * explain and recommend, and the 1177 restaff. A small body is checked on the request's
 * thread; a large one in a worker thread with a time budget, so one big roster never stalls the
 * requests behind it, and one that cannot be checked in its budget is answered 422 with the limit
 * named, not left running.
 */

export type CheckKind = "validate" | "score" | "compare" | "replan" | "explain" | "recommend" | "restaff";

/** Bodies up to this size are checked inline: the 12-client example with its CSV is about 90 kB, a worker costs a few milliseconds to start. */
export const INLINE_CHECK_BYTES = 512 * 1024;
/** The most one check may take in its worker. */
export const CHECK_BUDGET_SECONDS = 30;

/** One check, as plain data in and out: the same code inline and in the worker. */
export function answerCheck(kind: CheckKind, body: unknown): object {
  if (kind === "validate") {
    const { roster, schedules: { schedule } } = homecareBody(body, S.validateBody, ["schedule"]);
    const violations = validateSchedule(roster, schedule);
    return { valid: violations.length === 0, assigned: schedule.assignments.length, unassigned: schedule.unassigned.length, violations };
  }
  if (kind === "score") {
    const { roster, schedules } = homecareBody(body, S.scoreBody, ["schedule"]);
    return computeMetrics(roster, schedules.schedule);
  }
  if (kind === "compare") {
    const { roster, schedules } = homecareBody(body, S.compareBody, ["before", "after"]);
    return compareMetrics(computeMetrics(roster, schedules.before), computeMetrics(roster, schedules.after));
  }
  if (kind === "replan") return replan(body);
  if (kind === "restaff") return restaffCheck(body);
  const { parts, roster, schedules } = homecareBody(body, kind === "explain" ? S.explainBody : S.recommendBody, ["schedule"]);
  inPart("body", () => requireValidSchedule(roster, schedules.schedule));
  if (kind === "explain") return inPart("body", () => explainClient(roster, schedules.schedule, text(parts, "client")));
  const top = parts.top === undefined ? 5 : parts.top;
  if (typeof top !== "number" || !Number.isInteger(top) || top < 1 || top > 100) throw new RequestInputError([{ in: "body", path: "top", message: "must be a whole number 1..100" }]);
  return inPart("body", () => recommend(roster, schedules.schedule, text(parts, "visit"), top));
}

/** A string field of the body, or a 400 naming it. */
function text(parts: Record<string, unknown>, field: string): string {
  const v = parts[field];
  if (typeof v !== "string" || !v) throw new RequestInputError([{ in: "body", path: field, message: "must be a non-empty string" }]);
  return v;
}

/** replan.md over HTTP: the new schedule (spec JSON) and the change report. */
function replan(body: unknown): object {
  const parts = readEnvelope(body, S.replanBody);
  const { input, roster } = inPart("roster", () => rosterWithInputFromValue(parts.roster));
  const published = schedulePart("schedule", parts.schedule, roster);
  const changes = inPart("changes", () => parseWithSchema(changesSchema, parts.changes));
  const limit = parts.timeLimitSeconds ?? 10;
  if (typeof limit !== "number" || !(limit > 0 && limit <= 60)) throw new RequestInputError([{ in: "body", path: "timeLimitSeconds", message: "must be a number of seconds, more than 0 and at most 60" }]);
  try {
    const run = runReplan(input, roster, published, changes, { timeLimitSeconds: limit });
    return { schedule: scheduleToJson(run.roster, run.schedule, computeMetrics(run.roster, run.schedule)), report: run.report, roster: run.rosterInput };
  } catch (e) {
    // the published schedule's problems belong to that part, every other one to the change list
    if (e instanceof InputError) throw new RequestInputError(e.issues.map((i) => (i.path === "schedule" ? { in: "schedule", path: "", message: i.message } : { in: "changes", ...i })));
    throw e;
  }
}

/** A nurse's absence filled (kontinuum restaff): the new staffing file, with the leave, and the change list. */
function restaffCheck(body: unknown): object {
  const parts = readEnvelope(body, S.restaffBody);
  const csv = (field: "history" | "forecast") => (parts[field] === undefined ? {} : { [field]: text(parts, field) });
  const problem = readCallsInput({ document: parts.calls, ...csv("history"), ...csv("forecast") }, "calls");
  const file = inPart("staffing", () => readStaffing(typeof parts.staffing === "string" ? parts.staffing : JSON.stringify(parts.staffing), problem));
  const absence = inPart("body", () => resolveAbsence(problem, text(parts, "absent"), text(parts, "from"), text(parts, "to")));
  const run = inPart("staffing", () => runRestaff(problem, file, absence.nurse, absence.from, absence.to));
  const outcome = { demand: run.demand, solution: { shifts: run.shifts, upperBound: null, upperBoundHard: null, moves: run.changes.length, models: [] }, report: run.report, today: null, seconds: run.seconds };
  const { absences, ...report } = restaffReport(run);
  return { staffing: { ...staffingFile(run.problem, outcome, 0), absences }, restaff: report };
}

type CheckReply = { ok: true; json: string } | { ok: false; issues: LocatedIssue[]; tooLarge: boolean } | { ok: false; error: string };

/** Runs the check inline or, for a body of more than INLINE_CHECK_BYTES, in a worker within CHECK_BUDGET_SECONDS. */
export async function runCheck(kind: CheckKind, body: unknown, bytes: number, budgetSeconds = CHECK_BUDGET_SECONDS): Promise<string> {
  if (bytes <= INLINE_CHECK_BYTES) return JSON.stringify(answerCheck(kind, body));
  const worker = new Worker(new URL("./check-worker.js", import.meta.url), { workerData: { kind, body } });
  try {
    const reply = await new Promise<CheckReply | "timeout">((resolve, reject) => {
      const timer = setTimeout(() => resolve("timeout"), budgetSeconds * 1000);
      worker.once("message", (m: CheckReply) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    if (reply === "timeout") throw new HttpProblem(422, `checking this roster takes more than ${budgetSeconds} s, the most one request may take; check it with the CLI (kontinuum ${kind}) or split the roster`);
    if (reply.ok) return reply.json;
    if ("issues" in reply) throw new RequestInputError(reply.issues, reply.tooLarge);
    throw new Error(reply.error);
  } finally {
    void worker.terminate();
  }
}
