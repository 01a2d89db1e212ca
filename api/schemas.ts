import { z } from "zod";
import { DEFAULTS } from "../src/common/defaults.js";
import { callsInputSchema, staffingFileSchema } from "../src/calls/schema.js";
import { rosterSchema, scheduleSchema } from "../src/homecare/schema.js";
import { changesSchema } from "../src/homecare/changes.js";

/**
 * The HTTP API's bodies and answers as zod schemas: request parts are read with the very schemas
 * the CLI uses (roster, schedule, calls input), and the OpenAPI document is generated from these.
 */

export const roster = rosterSchema.meta({ id: "Roster", description: "A home-care roster (shared/spec/homecare.md)" });
export const calls = callsInputSchema.meta({ id: "CallsInput", description: "A 1177 calls input (shared/spec/calls.md)" });
const scheduleValue = z
  .union([scheduleSchema.meta({ id: "Schedule" }), z.string().meta({ description: "the spec's CSV text (client,visit,date,start,end,caregiver), or schedule JSON as text" })])
  .meta({ description: "a schedule: the spec's JSON, or its CSV as a string" });

export const validateBody = z.strictObject({ roster, schedule: scheduleValue });
export const scoreBody = validateBody;
export const compareBody = z.strictObject({ roster, before: scheduleValue, after: scheduleValue });
export const replanBody = z.strictObject({
  roster,
  schedule: scheduleValue.meta({ description: "the published schedule" }),
  changes: changesSchema.meta({ id: "Changes", description: "the change list of shared/spec/replan.md" }),
  timeLimitSeconds: z.number().gt(0).max(60).optional().meta({ description: "the wall for the re-plan (default 10 s)" }),
});
export const explainBody = z.strictObject({ roster, schedule: scheduleValue, client: z.string().meta({ description: "the client's id" }) });
export const recommendBody = z.strictObject({
  roster,
  schedule: scheduleValue,
  visit: z.string().meta({ description: "the occurrence CLIENT/VISIT/DATE" }),
  top: z.number().int().min(1).max(100).optional().meta({ description: "at most this many options (default 5)" }),
});
export const restaffBody = z.strictObject({
  calls,
  staffing: z.union([staffingFileSchema, z.string().meta({ description: "the staffing JSON as text" })]),
  absent: z.string().meta({ description: "the absent nurse's id" }),
  from: z.string().meta({ description: "local time YYYY-MM-DDTHH:MM or a date (00:00)" }),
  to: z.string().meta({ description: "local time or date, exclusive" }),
  history: z.string().optional().meta({ description: "history as the telephony CSV, when the calls input has none" }),
  forecast: z.string().optional().meta({ description: "a forecast as the telephony CSV" }),
});
export const validateStaffingBody = z.strictObject({
  calls,
  staffing: z.union([staffingFileSchema, z.string().meta({ description: "the staffing JSON as text" })]),
});

/** A number in a query string: the text must be a number; then the schema's bounds apply. */
const queryNumber = <T extends z.ZodNumber>(schema: T) =>
  z.string().regex(/^-?\d+(\.\d+)?$/, "must be a number").transform(Number).pipe(schema);

export const jobQuery = z.strictObject({
  timeLimitSeconds: queryNumber(z.number().gt(0, "must be more than 0 seconds").max(3600, "must be at most 3600 seconds")).optional()
    .meta({ description: `the solver stops here with the best valid result (default ${DEFAULTS.homecare.timeLimitSeconds} for home care, ${DEFAULTS.calls.timeLimitSeconds} for 1177)` }),
  travelWeight: queryNumber(z.number().min(0.1, "must be 0.1..100").max(100, "must be 0.1..100")).optional()
    .meta({ description: "home care: what a travel minute weighs against continuity, as a multiple of the default 1 (schedule --travel-weight)" }),
  seed: queryNumber(z.number().int("must be a whole number")).optional().meta({ description: `the same seed and input give the same result (default ${DEFAULTS.seed})` }),
});

export const runsQuery = z.strictObject({
  roster: z.string().min(1).optional().meta({ description: "only the runs of the roster (or calls input) with this name" }),
  limit: queryNumber(z.number().int("must be a whole number").min(1, "must be 1..1000").max(1000, "must be 1..1000")).optional().meta({ description: "at most this many runs (default 100)" }),
});

export const idParams = z.strictObject({ id: z.string().meta({ description: "the job's (run's) id" }) });

export const callsMultipart = z.strictObject({
  calls: z.string().meta({ description: "the calls input JSON (file part)", format: "binary" }),
  history: z.string().optional().meta({ description: "history as the telephony CSV start,offered,handle_time_seconds", format: "binary" }),
  forecast: z.string().optional().meta({ description: "a forecast as the telephony CSV", format: "binary" }),
});

const progress = z.object({
  phase: z.string(),
  fraction: z.number().meta({ description: "0..1 of the time limit or move budget" }),
  best: z.number().meta({ description: "best objective so far: home care its weighted cost (lower is better), 1177 the service level" }),
  elapsedSeconds: z.number(),
  unassigned: z.number().int().optional().meta({ description: "home care: occurrences not placed in the best schedule so far" }),
  distinctStaffSum: z.number().int().optional().meta({ description: "home care: distinct caregivers per client, summed over clients, in the best schedule so far" }),
});

export const job = z
  .object({
    id: z.string(),
    kind: z.enum(["homecare", "calls"]),
    roster: z.string().meta({ description: "the roster's (calls input's) name" }),
    status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
    options: z.object({ timeLimitSeconds: z.number(), seed: z.number() }),
    progress: progress.nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable().meta({ description: "U21401/U21402/U21436, lower bound, unassigned, travel (home care); service level, payment share (1177)" }),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    result: z.string().nullable().meta({ description: "where the result is, once done" }),
  })
  .meta({ id: "Job" });

export const runList = z.object({ runs: z.array(job) });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), path: z.string(), message: z.string() })).optional()
      .meta({ description: "each input problem: the request part, the path in it (as the CLI prints it), and what is wrong" }),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

export const violation = z.object({ rule: z.string(), occurrence: z.string().optional(), caregiver: z.string().optional(), message: z.string() });
export const validation = z.object({ valid: z.boolean(), assigned: z.number().int(), unassigned: z.number().int(), violations: z.array(violation) });
export const staffingValidation = z.object({
  valid: z.boolean(),
  shifts: z.number().int(),
  violations: z.array(z.object({ rule: z.string(), path: z.string(), nurse: z.string(), message: z.string() })),
});

const segment = z.object({ kind: z.enum(["visit", "travel", "break"]), start: z.string(), end: z.string(), occurrence: z.string().optional(), client: z.string().optional() });
export const timelines = z.object({
  roster: z.string(),
  caregivers: z.array(z.object({ id: z.string(), name: z.string().optional(), shifts: z.array(z.object({ date: z.string(), start: z.string(), end: z.string(), segments: z.array(segment) })) })),
});
