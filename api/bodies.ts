import { createHash } from "node:crypto";
import type { Request } from "express";
import type { z } from "zod";
import { InputError } from "../src/common/errors.js";
import { parseJsonText, parseWithSchema } from "../src/common/parse.js";
import type { Roster, Schedule } from "../src/homecare/model.js";
import { rosterFromValue } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleFromValue } from "../src/homecare/schedule-io.js";
import { inPart, RequestInputError, type StoredInput } from "./inputs.js";
import { HttpProblem } from "./problem.js";

/** Request bodies, queries and content types as the routes read them: each problem names its part and path. */

/** A request body's parts: a JSON object with exactly the schema's keys; each part is then read on its own. */
export function readEnvelope(body: unknown, schema: z.ZodObject): Record<string, unknown> {
  const keys = Object.keys(schema.shape);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new RequestInputError([{ in: "body", path: "", message: `must be a JSON object with ${keys.join(", ")}` }]);
  const issues = [
    ...Object.keys(body).filter((k) => !keys.includes(k)).map((k) => ({ in: "body", path: k, message: "unknown field" })),
    ...keys.filter((k) => (body as Record<string, unknown>)[k] === undefined && !schema.shape[k]!.safeParse(undefined).success).map((k) => ({ in: "body", path: k, message: "is required" })),
  ];
  if (issues.length) throw new RequestInputError(issues);
  return body as Record<string, unknown>;
}

/** A schedule part: the spec's JSON as an object, or its CSV (or JSON) as text. */
export function schedulePart(part: string, value: unknown, roster: Roster): Schedule {
  return inPart(part, () => {
    if (typeof value === "string") return readSchedule(value, roster);
    if (typeof value === "object" && value !== null) return scheduleFromValue(value);
    throw new InputError([{ path: "", message: "must be the schedule JSON or its CSV text" }]);
  });
}

/**
 * Normalized rosters by a hash of their JSON: a planner checks schedule after schedule against
 * the same roster, and parsing and normalizing it was most of a small check's time. The roster is
 * never changed after normalization, so one object serves every request; only valid rosters are
 * kept (an invalid one throws before), at most ROSTERS_KEPT, the oldest going first. In memory
 * only, for the thread that checks (each of the server's check threads has its own): nothing is
 * written.
 */
const rosters = new Map<string, Roster>();
const ROSTERS_KEPT = 32;

function cachedRoster(value: unknown): Roster {
  const key = createHash("sha256").update(JSON.stringify(value) ?? "").digest("base64");
  const known = rosters.get(key);
  if (known) {
    // most recently used last
    rosters.delete(key);
    rosters.set(key, known);
    return known;
  }
  const roster = rosterFromValue(value);
  if (rosters.size >= ROSTERS_KEPT) rosters.delete(rosters.keys().next().value!);
  rosters.set(key, roster);
  return roster;
}

/** A home-care body: its roster, then each named schedule part read against that roster. */
export function homecareBody<K extends string>(body: unknown, schema: z.ZodObject, scheduleParts: readonly K[]): { parts: Record<string, unknown>; roster: Roster; schedules: Record<K, Schedule> } {
  const parts = readEnvelope(body, schema);
  const roster = inPart("roster", () => cachedRoster(parts.roster));
  const schedules = Object.fromEntries(scheduleParts.map((k) => [k, schedulePart(k, parts[k], roster)])) as Record<K, Schedule>;
  return { parts, roster, schedules };
}

export function query<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const params = { ...(req.query as Record<string, unknown>) };
  const repeated = Object.keys(params).filter((k) => Array.isArray(params[k]));
  if (repeated.length) throw new RequestInputError(repeated.map((k) => ({ in: "query", path: k, message: "is given more than once" })));
  return inPart("query", () => parseWithSchema(schema, params));
}

/** A body of one of the route's content types, or 415 naming them. */
export function requireBody(req: Request, types: string[]): void {
  if (req.is(types)) return;
  if (!req.headers["content-type"]) throw new HttpProblem(415, `send a body with Content-Type ${types.join(" or ")}`);
  throw new HttpProblem(415, `Content-Type ${req.headers["content-type"]} is not read here; send ${types.join(" or ")}`);
}

const CALLS_PARTS = ["calls", "history", "forecast"] as const;

/** multipart/form-data with the parts calls (JSON), history and forecast (telephony CSV), read with the web-standard parser in Node. */
export async function readCallsMultipart(req: Request): Promise<StoredInput> {
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
