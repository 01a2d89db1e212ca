import { Worker } from "node:worker_threads";
import { compareMetrics } from "../src/homecare/compare.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { homecareBody } from "./bodies.js";
import { RequestInputError, type LocatedIssue } from "./inputs.js";
import { HttpProblem } from "./problem.js";
import * as S from "./schemas.js";

/**
 * The home-care checks (validate, score, compare). A small body is checked on the request's
 * thread; a large one in a worker thread with a time budget, so one big roster never stalls the
 * requests behind it, and one that cannot be checked in its budget is answered 422 with the limit
 * named, not left running.
 */

export type CheckKind = "validate" | "score" | "compare";

/** Bodies up to this size are checked inline: the 12-client example with its CSV is about 90 kB, a worker costs a few milliseconds to start. */
export const INLINE_CHECK_BYTES = 512 * 1024;
/** The most one check may take in its worker. */
export const CHECK_BUDGET_SECONDS = 30;

/** One check, as plain data in and out: the same code inline and in the worker. */
export function homecareCheck(kind: CheckKind, body: unknown): object {
  if (kind === "validate") {
    const { roster, schedules: { schedule } } = homecareBody(body, S.validateBody, ["schedule"]);
    const violations = validateSchedule(roster, schedule);
    return { valid: violations.length === 0, assigned: schedule.assignments.length, unassigned: schedule.unassigned.length, violations };
  }
  if (kind === "score") {
    const { roster, schedules } = homecareBody(body, S.scoreBody, ["schedule"]);
    return computeMetrics(roster, schedules.schedule);
  }
  const { roster, schedules } = homecareBody(body, S.compareBody, ["before", "after"]);
  return compareMetrics(computeMetrics(roster, schedules.before), computeMetrics(roster, schedules.after));
}

type CheckReply = { ok: true; json: string } | { ok: false; issues: LocatedIssue[]; tooLarge: boolean } | { ok: false; error: string };

/** Runs the check inline or, for a body of more than INLINE_CHECK_BYTES, in a worker within CHECK_BUDGET_SECONDS. */
export async function runHomecareCheck(kind: CheckKind, body: unknown, bytes: number, budgetSeconds = CHECK_BUDGET_SECONDS): Promise<string> {
  if (bytes <= INLINE_CHECK_BYTES) return JSON.stringify(homecareCheck(kind, body));
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
