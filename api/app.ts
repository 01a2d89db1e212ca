import express, { type Request, type Response } from "express";
import { DEFAULTS } from "../src/common/defaults.js";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { validateStaffingFile } from "../src/calls/rules.js";
import { compareMetrics } from "../src/homecare/compare.js";
import { InputError } from "../src/common/errors.js";
import { callsFromValue, readStaffing } from "../src/calls/io.js";
import { parseJsonText, parseWithSchema } from "../src/common/parse.js";
import { rosterFromValue } from "../src/homecare/roster-io.js";
import { readSchedule, readScheduleJson, scheduleFromValue, timelinesToJson } from "../src/homecare/schedule-io.js";
import { computeMetrics } from "../src/homecare/figures.js";
import type { Roster, Schedule } from "../src/homecare/model.js";
import { shiftTimelines } from "../src/homecare/timeline.js";
import { TravelMatrix } from "../src/homecare/travel.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { inPart, readCallsInput, readHomecareInput, RequestInputError, type StoredInput } from "./inputs.js";
import type { JobRunner } from "./jobs.js";
import { HttpProblem, problemHandler, sendProblem } from "./problem.js";
import * as S from "./schemas.js";
import type { JobOptions, RunKind, RunRow, RunStore } from "./store.js";

/**
 * The HTTP API over what the CLI does: every route is one row of `routes`, which both registers
 * the handler and describes it in the OpenAPI document, from the same zod schemas.
 */

export interface AppOptions {
  store: RunStore;
  jobs: JobRunner;
  tokens: readonly string[];
  /** largest request body, as body-parser reads it ("10mb") or in bytes */
  bodyLimit: string | number;
  log: (line: string) => void;
}

type Handler = (req: Request, res: Response, owner: string) => void | Promise<void>;
interface Route {
  method: "get" | "post" | "delete";
  path: string;
  doc: ZodOpenApiOperationObject;
  /** request content types the route reads; none for a route without a body */
  accepts?: string[];
  handle: Handler;
}


const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: S.problem } } });
const COMMON_PROBLEMS = {
  "400": problemResponse("bad input: each problem with the request part and path"),
  "401": problemResponse("no bearer token, or not a known one"),
  "413": problemResponse("the body is larger than the server accepts"),
  "415": problemResponse("a content type the route does not read"),
};

/** A request body's parts: a JSON object with exactly the schema's keys; each part is then read on its own. */
function readEnvelope(body: unknown, schema: z.ZodObject): Record<string, unknown> {
  const keys = Object.keys(schema.shape);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new RequestInputError([{ in: "body", path: "", message: `must be a JSON object with ${keys.join(", ")}` }]);
  const issues = [
    ...Object.keys(body).filter((k) => !keys.includes(k)).map((k) => ({ in: "body", path: k, message: "unknown field" })),
    ...keys.filter((k) => (body as Record<string, unknown>)[k] === undefined).map((k) => ({ in: "body", path: k, message: "is required" })),
  ];
  if (issues.length) throw new RequestInputError(issues);
  return body as Record<string, unknown>;
}

/** A schedule part: the spec's JSON as an object, or its CSV (or JSON) as text. */
function schedulePart(part: string, value: unknown, roster: Roster): Schedule {
  return inPart(part, () => {
    if (typeof value === "string") return readSchedule(value, roster);
    if (typeof value === "object" && value !== null) return scheduleFromValue(value);
    throw new InputError([{ path: "", message: "must be the schedule JSON or its CSV text" }]);
  });
}

/** A home-care body: its roster, then each named schedule part read against that roster. */
function homecareBody<K extends string>(body: unknown, schema: z.ZodObject, scheduleParts: readonly K[]): { roster: Roster; schedules: Record<K, Schedule> } {
  const parts = readEnvelope(body, schema);
  const roster = inPart("roster", () => rosterFromValue(parts.roster));
  const schedules = Object.fromEntries(scheduleParts.map((k) => [k, schedulePart(k, parts[k], roster)])) as Record<K, Schedule>;
  return { roster, schedules };
}

function query<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return inPart("query", () => parseWithSchema(schema, { ...(req.query as object) }));
}

export function createApp(options: AppOptions): express.Express {
  const { store, jobs } = options;
  const owners = new Set(options.tokens.map(hashToken));

  const jobView = (run: RunRow) => ({ ...run, result: run.status === "done" ? `/v1/jobs/${run.id}/result` : null });
  const runOf = (owner: string, req: Request): RunRow => {
    const run = store.getRun(owner, String(req.params.id));
    if (!run) throw new HttpProblem(404, `no job ${req.params.id}`);
    return run;
  };
  const jobOptions = (req: Request, kind: RunKind): JobOptions => {
    const q = query(S.jobQuery, req);
    return { timeLimitSeconds: q.timeLimitSeconds ?? DEFAULTS[kind].timeLimitSeconds, seed: q.seed ?? DEFAULTS.seed };
  };
  const submit = (res: Response, owner: string, kind: RunKind, name: string, input: StoredInput, options: JobOptions) => {
    const run = store.createRun(owner, kind, name, JSON.stringify(input), options);
    jobs.pump();
    res.status(202).location(`/v1/jobs/${run.id}`).json(jobView(store.getRun(owner, run.id) ?? run));
  };

  const routes: Route[] = [
    {
      method: "post",
      path: "/v1/homecare/validate",
      doc: {
        summary: "Check a schedule against every hard rule of the roster",
        requestBody: { content: { "application/json": { schema: S.validateBody } } },
        responses: { "200": json(S.validation, "the violations (valid when none)"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const { roster, schedules: { schedule } } = homecareBody(req.body, S.validateBody, ["schedule"]);
        const violations = validateSchedule(roster, schedule);
        res.json({ valid: violations.length === 0, assigned: schedule.assignments.length, unassigned: schedule.unassigned.length, violations });
      },
    },
    {
      method: "post",
      path: "/v1/homecare/score",
      doc: {
        summary: "Kolada continuity (U21401/U21402/U21436), travel and unassigned of a schedule",
        requestBody: { content: { "application/json": { schema: S.scoreBody } } },
        responses: { "200": json(z.object({}).loose(), "the metrics, as `kontinuum score --json`"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const { roster, schedules } = homecareBody(req.body, S.scoreBody, ["schedule"]);
        res.json(computeMetrics(roster, schedules.schedule));
      },
    },
    {
      method: "post",
      path: "/v1/homecare/compare",
      doc: {
        summary: "Before and after, per client (largest gain first) and in total",
        requestBody: { content: { "application/json": { schema: S.compareBody } } },
        responses: { "200": json(z.object({}).loose(), "the comparison, as `kontinuum compare --json`"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const { roster, schedules } = homecareBody(req.body, S.compareBody, ["before", "after"]);
        res.json(compareMetrics(computeMetrics(roster, schedules.before), computeMetrics(roster, schedules.after)));
      },
    },
    {
      method: "post",
      path: "/v1/homecare/jobs",
      doc: {
        summary: "Schedule a roster for continuity (runs in the background)",
        requestParams: { query: S.jobQuery },
        requestBody: { content: { "application/json": { schema: S.roster } } },
        responses: { "202": { ...json(S.job, "queued; poll the Location"), headers: { Location: { description: "/v1/jobs/{id}", schema: { type: "string" } } } }, ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res, owner) {
        const options = jobOptions(req, "homecare");
        const input: StoredInput = { document: req.body };
        submit(res, owner, "homecare", readHomecareInput(input).name, input, options);
      },
    },
    {
      method: "post",
      path: "/v1/calls/jobs",
      doc: {
        summary: "Choose and assign 1177 nurse shifts against the call load (runs in the background)",
        requestParams: { query: S.jobQuery },
        requestBody: { content: { "application/json": { schema: S.calls }, "multipart/form-data": { schema: S.callsMultipart } } },
        responses: { "202": { ...json(S.job, "queued; poll the Location"), headers: { Location: { description: "/v1/jobs/{id}", schema: { type: "string" } } } }, ...COMMON_PROBLEMS },
      },
      accepts: ["application/json", "multipart/form-data"],
      async handle(req, res, owner) {
        const options = jobOptions(req, "calls");
        const multipart = req.is("multipart/form-data");
        const input = multipart ? await readCallsMultipart(req) : { document: req.body };
        submit(res, owner, "calls", readCallsInput(input, multipart ? "calls" : "body").name, input, options);
      },
    },
    {
      method: "post",
      path: "/v1/calls/validate",
      doc: {
        summary: "Check a staffing file's roster against every rule (templates, rest, contract...)",
        requestBody: { content: { "application/json": { schema: S.validateStaffingBody } } },
        responses: { "200": json(S.staffingValidation, "the violations (valid when none)"), ...COMMON_PROBLEMS },
      },
      accepts: ["application/json"],
      handle(req, res) {
        const parts = readEnvelope(req.body, S.validateStaffingBody);
        const problem = inPart("calls", () => callsFromValue(parts.calls, undefined, { loadRequired: false }));
        const file = inPart("staffing", () => readStaffing(typeof parts.staffing === "string" ? parts.staffing : JSON.stringify(parts.staffing), problem));
        const violations = validateStaffingFile(problem, file);
        res.json({ valid: violations.length === 0, shifts: file.roster.length, violations });
      },
    },
    {
      method: "get",
      path: "/v1/jobs/:id",
      doc: { summary: "A job's status and progress", requestParams: { path: S.idParams }, responses: { "200": json(S.job, "the job"), "404": problemResponse("no such job for this token") } },
      handle(req, res, owner) {
        res.json(jobView(runOf(owner, req)));
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
      handle(req, res, owner) {
        const id = String(req.params.id);
        const was = store.cancel(owner, id);
        if (was === null) throw new HttpProblem(404, `no job ${id}`);
        if (was !== "queued" && was !== "running") throw new HttpProblem(409, `the job has already ended (${was}); DELETE /v1/runs/${id} deletes it`);
        jobs.stop(id);
        res.json(jobView(runOf(owner, req)));
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
      handle(req, res, owner) {
        const run = runOf(owner, req);
        if (run.status !== "done") throw new HttpProblem(409, `the job is ${run.status}${run.error ? ` (${run.error})` : ""}; a result exists once it is done`);
        const format = req.accepts(["application/json", "text/csv"]);
        if (!format) throw new HttpProblem(406, "the result is available as application/json or text/csv");
        const text = store.result(owner, run.id, format === "text/csv" ? "csv" : "json")!;
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
      handle(req, res, owner) {
        const run = runOf(owner, req);
        if (run.kind !== "homecare" || run.status !== "done") throw new HttpProblem(409, `a timeline exists for a home-care job once it is done; this one is a ${run.kind} job, ${run.status}`);
        const roster = readHomecareInput(JSON.parse(store.input(owner, run.id)!) as StoredInput);
        const schedule = readScheduleJson(store.result(owner, run.id, "json")!);
        res.json(timelinesToJson(roster, shiftTimelines(roster, schedule, new TravelMatrix(roster.clients, roster.travel))));
      },
    },
    {
      method: "get",
      path: "/v1/runs",
      doc: { summary: "Runs with their metrics, newest first", requestParams: { query: S.runsQuery }, responses: { "200": json(S.runList, "the runs"), ...COMMON_PROBLEMS } },
      handle(req, res, owner) {
        const q = query(S.runsQuery, req);
        res.json({ runs: store.listRuns(owner, q.roster, q.limit).map(jobView) });
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
      handle(req, res, owner) {
        const id = String(req.params.id);
        const was = store.deleteRun(owner, id);
        if (was === null) throw new HttpProblem(404, `no run ${id}`);
        if (was === "running" || was === "queued") jobs.stop(id);
        res.status(204).end();
      },
    },
  ];

  const openapi = openApiDocument(routes);
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  // the planner's page: static files with no data in them, so no token; the page asks for one
  app.use(express.static(fileURLToPath(new URL("../web/", import.meta.url)), { index: "index.html" }));
  app.use((req, res, next) => {
    const header = req.headers.authorization ?? "";
    const token = /^Bearer +(\S+)$/i.exec(header)?.[1];
    if (!token || !owners.has(hashToken(token)))
      return sendProblem(res, req, 401, token ? "the bearer token is not a known one" : "send Authorization: Bearer <token>", { headers: { "WWW-Authenticate": 'Bearer realm="kontinuum"' } });
    res.locals.owner = hashToken(token);
    next();
  });
  app.use(express.json({ limit: options.bodyLimit }));
  app.use(express.raw({ type: "multipart/form-data", limit: options.bodyLimit }));
  app.get("/v1/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  for (const route of routes) {
    app[route.method](route.path, async (req, res) => {
      if (route.accepts) requireBody(req, route.accepts);
      await route.handle(req, res, res.locals.owner as string);
    });
  }
  // a known path with another method: 405 with the methods it has
  for (const path of new Set(routes.map((r) => r.path))) {
    const allow = routes.filter((r) => r.path === path).map((r) => r.method.toUpperCase());
    app.all(path, (req, res) => sendProblem(res, req, 405, `${req.method} is not allowed here; use ${allow.join(" or ")}`, { headers: { Allow: allow.join(", ") } }));
  }
  app.use((req, res) => sendProblem(res, req, 404, `no route ${req.method} ${req.path}; see /v1/openapi.json`));
  app.use(problemHandler(options.log));
  return app;
}

function requireBody(req: Request, types: string[]): void {
  if (req.is(types)) return;
  if (!req.headers["content-type"]) throw new HttpProblem(415, `send a body with Content-Type ${types.join(" or ")}`);
  throw new HttpProblem(415, `Content-Type ${req.headers["content-type"]} is not read here; send ${types.join(" or ")}`);
}

const CALLS_PARTS = ["calls", "history", "forecast"] as const;

/** multipart/form-data with the parts calls (JSON), history and forecast (telephony CSV), read with the web-standard parser in Node. */
async function readCallsMultipart(req: Request): Promise<StoredInput> {
  let form: FormData;
  try {
    form = await new globalThis.Request("http://localhost/", { method: "POST", headers: { "content-type": req.headers["content-type"]! }, body: req.body as Buffer }).formData();
  } catch (e) {
    throw new HttpProblem(400, `the multipart body could not be read: ${(e as Error).message}`);
  }
  const issues = [...form.keys()].filter((k) => !(CALLS_PARTS as readonly string[]).includes(k)).map((k) => ({ in: "body", path: k, message: `unknown part (the parts are ${CALLS_PARTS.join(", ")})` }));
  if (!form.has("calls")) issues.push({ in: "body", path: "calls", message: "is required: the calls input JSON" });
  if (issues.length) throw new RequestInputError(issues);
  const text = async (name: string) => {
    const v = form.get(name);
    return v === null ? undefined : typeof v === "string" ? v : await v.text();
  };
  const [calls, history, forecast] = await Promise.all(CALLS_PARTS.map(text));
  return {
    document: inPart("calls", () => parseJsonText(calls!)),
    ...(history !== undefined ? { history } : {}),
    ...(forecast !== undefined ? { forecast } : {}),
  };
}

function openApiDocument(routes: Route[]) {
  const paths: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    paths[path] = { ...paths[path], [r.method]: { ...r.doc, security: [{ bearer: [] }] } };
  }
  paths["/v1/openapi.json"] = { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } }, security: [{ bearer: [] }] } };
  return createDocument({
    openapi: "3.1.0",
    info: { title: "Kontinuum", version: "1", description: "Continuity scheduling for hemtjänst and nurse shifts for 1177. Every request needs a bearer token; errors are RFC 9457 problem details." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  });
}
