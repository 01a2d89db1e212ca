import type { Request, Response } from "express";
import { DEFAULTS } from "../src/common/defaults.js";
import { query } from "./bodies.js";
import { RequestInputError, type StoredInput } from "./inputs.js";
import type { JobRunner } from "./jobs.js";
import type { CheckPool } from "./check-pool.js";
import { runCheck, type CheckKind } from "./checks.js";
import { HttpProblem } from "./problem.js";
import * as S from "./schemas.js";
import type { JobOptions, RunKind, RunRow, RunStore } from "./store.js";

/** What the route tables share: the store, the job runner, and the few steps every job route takes. */
export interface ApiContext {
  store: RunStore;
  /** the solves of this process: null where workers elsewhere run them (PostgreSQL) */
  jobs: JobRunner | null;
  /** a run as the API shows it: with its result's address once done */
  jobView: (run: RunRow) => RunRow & { result: string | null };
  /** the caller's run named in the path, or 404 */
  runOf: (owner: string, req: Request) => Promise<RunRow>;
  /** the job's options from the query, the defaults where absent */
  jobOptions: (req: Request, kind: RunKind) => JobOptions;
  /** stores the run, wakes the runner, answers 202 with its Location */
  submit: (res: Response, owner: string, kind: RunKind, name: string, input: StoredInput, options: JobOptions) => Promise<void>;
  /** answers a check of the request's body (checks.ts) as JSON text, on the check threads where there are some */
  check: (kind: CheckKind, req: Request, res: Response) => Promise<string>;
}

export function apiContext(store: RunStore, jobs: JobRunner | null, checks: CheckPool | null = null): ApiContext {
  const jobView = (run: RunRow) => ({ ...run, result: run.status === "done" ? `/v1/jobs/${run.id}/result` : null });
  return {
    store,
    jobs,
    jobView,
    async runOf(owner, req) {
      const run = await store.getRun(owner, String(req.params.id));
      if (!run) throw new HttpProblem(404, `no job ${req.params.id}`);
      return run;
    },
    jobOptions(req, kind) {
      const q = query(S.jobQuery, req);
      if (q.travelWeight !== undefined && kind !== "homecare") throw new RequestInputError([{ in: "query", path: "travelWeight", message: "is for home-care jobs only" }]);
      return { timeLimitSeconds: q.timeLimitSeconds ?? DEFAULTS[kind].timeLimitSeconds, seed: q.seed ?? DEFAULTS.seed, ...(q.travelWeight !== undefined ? { travelWeight: q.travelWeight } : {}) };
    },
    async submit(res, owner, kind, name, input, options) {
      const run = await store.createRun(owner, kind, name, JSON.stringify(input), options);
      jobs?.pump();
      res.status(202).location(`/v1/jobs/${run.id}`).json(jobView((await store.getRun(owner, run.id)) ?? run));
    },
    // app.ts records the decoded body's size (which decides where a check runs) and leaves a UTF-8 body as bytes
    check: (kind, req, res) => runCheck(kind, Buffer.isBuffer(req.body) ? { text: req.body } : { body: req.body }, Number(res.locals.bodyBytes ?? 0), undefined, checks),
  };
}
