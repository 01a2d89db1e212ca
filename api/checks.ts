import { Worker } from "node:worker_threads";
import { compareMetrics } from "../src/homecare/compare.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { requireValidSchedule, validateSchedule } from "../src/homecare/rules.js";
import { homecareBody, readEnvelope, schedulePart } from "./bodies.js";
import { inPart, readCallsInput, RequestInputError } from "./inputs.js";
import { InputError, InputTooLargeError } from "../src/common/errors.js";
import { parseWithSchema } from "../src/common/parse.js";
import { changesSchema } from "../src/homecare/changes.js";
import { rosterWithInputFromValue } from "../src/homecare/roster-io.js";
import { scheduleToJson } from "../src/homecare/schedule-io.js";
import { readStaffing, resolveAbsence, staffingFile } from "../src/calls/io.js";
import { explainClient, recommend } from "../solver/homecare/advice.js";
import { runReplan } from "../solver/homecare/replan-run.js";
import { restaffReport, runRestaff } from "../solver/calls/run.js";
import { HttpProblem } from "./problem.js";
import type { CheckInput, CheckKind, CheckPool, CheckReply } from "./check-pool.js";
import * as S from "./schemas.js";

/**
 * The answers a request waits for: the home-care checks (validate, score, compare), re-planning,
 * explain and recommend, and the 1177 restaff. A small body is checked on one of the server's
 * check threads (check-pool.ts); a large one in a worker thread of its own with a time budget, so
 * one big roster never stalls the requests behind it, and one that cannot be checked in its budget
 * is answered 422 with the limit named, not left running.
 */

export type { CheckInput, CheckKind, CheckReply };

/** Bodies up to this size are checked without a budget, on the server's check threads: the 12-client example with its CSV is about 60 kB, a worker of its own costs a few milliseconds to start. */
export const SHARED_THREAD_CHECK_BYTES = 512 * 1024;
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

const utf8 = new TextDecoder("utf-8");

/** The check's answer as plain data: on this thread, in a check thread, or in a worker of its own. */
export function checkReply(kind: CheckKind, input: CheckInput): CheckReply {
  let body: unknown;
  if ("text" in input) {
    // as body-parser reads JSON: a BOM dropped (TextDecoder's default), an empty body an empty object
    const text = utf8.decode(input.text);
    try {
      body = text.trim() === "" ? {} : JSON.parse(text);
    } catch (e) {
      return { ok: false, notJson: (e as Error).message };
    }
  } else body = input.body;
  try {
    return { ok: true, json: JSON.stringify(answerCheck(kind, body)) };
  } catch (e) {
    if (e instanceof RequestInputError) return { ok: false, issues: e.issues, tooLarge: e.tooLarge };
    // an input error no part claimed is the body's, as problem.ts answers it
    if (e instanceof InputError) return { ok: false, issues: e.issues.map((i) => ({ in: "body", ...i })), tooLarge: e instanceof InputTooLargeError };
    return { ok: false, error: (e as Error).stack ?? String(e) };
  }
}

/** A reply as the answer's JSON text, or the error it stands for. */
function answerOf(reply: CheckReply): string {
  if (reply.ok) return reply.json;
  if ("issues" in reply) throw new RequestInputError(reply.issues, reply.tooLarge);
  // worded as the server words body-parser's own (problem.ts)
  if ("notJson" in reply) throw new HttpProblem(400, `the body is not valid JSON: ${reply.notJson}`);
  throw new Error(reply.error);
}

/**
 * Runs the check: a body of more than SHARED_THREAD_CHECK_BYTES in a worker of its own within its budget;
 * a smaller one on a thread of the server's pool when there is one, else on this thread.
 */
export async function runCheck(kind: CheckKind, input: CheckInput, bytes: number, budgetSeconds = CHECK_BUDGET_SECONDS, pool?: CheckPool | null): Promise<string> {
  if (bytes <= SHARED_THREAD_CHECK_BYTES) return answerOf(pool ? await pool.run(kind, input) : checkReply(kind, input));
  const worker = new Worker(new URL("./check-worker.js", import.meta.url), { workerData: { kind, input } });
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
    return answerOf(reply);
  } finally {
    void worker.terminate();
  }
}
