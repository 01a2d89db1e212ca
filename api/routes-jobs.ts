import { z } from "zod";
import { readScheduleJson, timelinesToJson } from "../src/homecare/schedule-io.js";
import { shiftTimelines } from "../src/homecare/timeline.js";
import { TravelMatrix } from "../src/homecare/travel.js";
import { query } from "./bodies.js";
import type { ApiContext } from "./context.js";
import { readHomecareInput, type StoredInput } from "./inputs.js";
import { HttpProblem } from "./problem.js";
import { COMMON_PROBLEMS, json, problemResponse, type Route } from "./route.js";
import * as S from "./schemas.js";

/** Jobs and runs of either kind: status, cancel, result, timeline, list, delete. */
export const jobRoutes = ({ store, jobs, jobView, runOf }: ApiContext): Route[] => [
    {
      method: "get",
      path: "/v1/jobs/:id",
      doc: { summary: "A job's status and progress", requestParams: { path: S.idParams }, responses: { "200": json(S.job, "the job"), "404": problemResponse("no such job for this token") } },
      async handle(req, res, owner) {
        res.json(jobView(await runOf(owner, req)));
      },
    },
    {
      method: "delete",
      path: "/v1/jobs/:id",
      doc: {
        summary: "Cancel a queued or running job",
        requestParams: { path: S.idParams },
        responses: { "200": json(S.job, "cancelled"), "404": problemResponse("no such job for this token"), "409": problemResponse("the job has already ended") },
      },
      async handle(req, res, owner) {
        const id = String(req.params.id);
        const was = await store.cancel(owner, id);
        if (was === null) throw new HttpProblem(404, `no job ${id}`);
        if (was !== "queued" && was !== "running") throw new HttpProblem(409, `the job has already ended (${was}); DELETE /v1/runs/${id} deletes it`);
        jobs?.stop(id);
        res.json(jobView(await runOf(owner, req)));
      },
    },
    {
      method: "get",
      path: "/v1/jobs/:id/result",
      doc: {
        summary: "The schedule (or staffing) JSON, or the spec's CSV with Accept: text/csv",
        requestParams: { path: S.idParams },
        responses: {
          "200": { description: "the result", content: { "application/json": { schema: z.object({}).loose() }, "text/csv": { schema: z.string() } } },
          "404": problemResponse("no such job for this token"),
          "406": problemResponse("neither JSON nor CSV is acceptable"),
          "409": problemResponse("the job is not done"),
        },
      },
      async handle(req, res, owner) {
        const run = await runOf(owner, req);
        if (run.status !== "done") throw new HttpProblem(409, `the job is ${run.status}${run.error ? ` (${run.error})` : ""}; a result exists once it is done`);
        const format = req.accepts(["application/json", "text/csv"]);
        if (!format) throw new HttpProblem(406, "the result is available as application/json or text/csv");
        const text = (await store.result(owner, run.id, format === "text/csv" ? "csv" : "json"))!;
        if (format === "text/csv") res.attachment(`${run.kind === "homecare" ? "schedule" : "roster"}-${run.id}.csv`).type("text/csv; charset=utf-8").send(text);
        else res.type("application/json").send(text);
      },
    },
    {
      method: "get",
      path: "/v1/jobs/:id/timeline",
      doc: {
        summary: "A home-care result as each caregiver's shifts: visits, travel and break (the planner's Gantt view)",
        requestParams: { path: S.idParams },
        responses: { "200": json(S.timelines, "every caregiver's shifts"), "404": problemResponse("no such job for this token"), "409": problemResponse("the job is not done, or is not a home-care job") },
      },
      async handle(req, res, owner) {
        const run = await runOf(owner, req);
        if (run.kind !== "homecare" || run.status !== "done") throw new HttpProblem(409, `a timeline exists for a home-care job once it is done; this one is a ${run.kind} job, ${run.status}`);
        const roster = readHomecareInput(JSON.parse((await store.input(owner, run.id))!) as StoredInput);
        const schedule = readScheduleJson((await store.result(owner, run.id, "json"))!);
        res.json(timelinesToJson(roster, shiftTimelines(roster, schedule, new TravelMatrix(roster.clients, roster.travel))));
      },
    },
    {
      method: "get",
      path: "/v1/runs",
      doc: { summary: "Runs with their metrics, newest first", requestParams: { query: S.runsQuery }, responses: { "200": json(S.runList, "the runs"), ...COMMON_PROBLEMS } },
      async handle(req, res, owner) {
        const q = query(S.runsQuery, req);
        res.json({ runs: (await store.listRuns(owner, q.roster, q.limit)).map(jobView) });
      },
    },
    {
      method: "delete",
      path: "/v1/runs/:id",
      doc: {
        summary: "Delete a run and the roster it was made from (client data is personal data)",
        requestParams: { path: S.idParams },
        responses: { "204": { description: "deleted" }, "404": problemResponse("no such run for this token") },
      },
      async handle(req, res, owner) {
        const id = String(req.params.id);
        const was = await store.deleteRun(owner, id);
        if (was === null) throw new HttpProblem(404, `no run ${id}`);
        if (was === "running" || was === "queued") jobs?.stop(id);
        res.status(204).end();
      },
    },
];
