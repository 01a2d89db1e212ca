import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRoster } from "../src/homecare/roster-io.js";
import { scheduleFromValue } from "../src/homecare/schedule-io.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { normalizeRoster } from "../src/homecare/normalize.js";
import { applyChanges, type ChangesInput } from "../src/homecare/changes.js";
import { readScheduleCsv } from "../src/homecare/schedule-io.js";
import { rosterSchema } from "../src/homecare/schema.js";
import { jsonBody, startTestServer, type TestServer } from "./server.js";
import { generateCallsFixture } from "../src/calls/generate.js";
import { readCallRowsCsv, staffingFile } from "../src/calls/io.js";
import { normalizeCalls } from "../src/calls/normalize.js";
import { runStaffing } from "../solver/calls/run.js";

const EXAMPLE = readFileSync("fixtures/example.roster.json", "utf8");
const BEFORE = readFileSync("fixtures/example.before.csv", "utf8");
const roster = JSON.parse(EXAMPLE);
const changes: ChangesInput = {
  roster: roster.name,
  now: "2026-10-21T06:30",
  changes: [{ type: "caregiverAbsent", caregiver: "d02", from: "2026-10-21T06:30", to: "2026-10-23" }],
};
type Problem = { status: number; errors?: { in: string; path: string; message: string }[] };

describe("kontinuum serve: replan, explain, recommend and restaff", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(["--max-body", "2mb"]);
  });
  afterAll(() => server.stop());

  it("POST /v1/homecare/replan returns a schedule valid for the changed roster and the change report", async () => {
    const res = await server.request("/v1/homecare/replan", jsonBody({ roster, schedule: BEFORE, changes }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { schedule: unknown; report: { changed: { why: string }[]; summary: { changedAssignments: number; unassigned: number } } };
    expect(body.report.changed.length).toBeGreaterThan(0);
    expect(body.report.changed.every((c) => c.why.startsWith("d02 absent") || c.why.startsWith("moved to make room"))).toBe(true);
    // checked here with the project's validator, against the roster with the changes applied
    const original = readRoster(EXAMPLE);
    const published = readScheduleCsv(BEFORE, original);
    const changed = normalizeRoster(applyChanges(rosterSchema.parse(roster), original, published, changes).input);
    expect(validateSchedule(changed, scheduleFromValue(body.schedule))).toEqual([]);
  });

  it("the replan answer carries the changed roster: a pin on the absent caregiver is gone from it, so questions about the accepted schedule are asked of it", async () => {
    // the bundled district pins k007/lunch on 2026-10-21 to d28; d28 is away that day
    const district = JSON.parse(readFileSync("fixtures/district.roster.json", "utf8"));
    const published = readFileSync("fixtures/district.before.csv", "utf8");
    const away: ChangesInput = { roster: district.name, now: "2026-10-21T06:30", changes: [{ type: "caregiverAbsent", caregiver: "d28", from: "2026-10-21T06:30", to: "2026-10-23" }] };
    const res = await server.request("/v1/homecare/replan", jsonBody({ roster: district, schedule: published, changes: away }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { schedule: unknown; roster: { pinned: { client: string; date: string }[] } };
    expect(body.roster.pinned.some((p) => p.client === "k007" && p.date === "2026-10-21")).toBe(false);
    expect(body.roster.pinned.length).toBe(district.pinned.length - 1);
    // the original roster still pins the visit to d28, which the re-planned schedule cannot keep
    const stale = await server.request("/v1/homecare/explain", jsonBody({ roster: district, schedule: body.schedule, client: "k007" }));
    expect(stale.status).toBe(400);
    expect(JSON.stringify(await stale.json())).toContain("pinsKept");
    const asked = await server.request("/v1/homecare/explain", jsonBody({ roster: body.roster, schedule: body.schedule, client: "k007" }));
    expect(asked.status).toBe(200);
  });

  it("a change naming an unknown caregiver is a 400 naming the part and the path; a wrong top too", async () => {
    const bad = { ...changes, changes: [{ ...changes.changes[0], caregiver: "nobody" }] };
    const res = await server.request("/v1/homecare/replan", jsonBody({ roster, schedule: BEFORE, changes: bad }));
    expect(res.status).toBe(400);
    const p = (await res.json()) as Problem;
    expect(p.errors).toContainEqual(expect.objectContaining({ in: "changes", path: "changes[0].caregiver" }));
    const top = await server.request("/v1/homecare/recommend", jsonBody({ roster, schedule: BEFORE, visit: "k001/morgon/2026-10-21", top: 0 }));
    expect(top.status).toBe(400);
    expect(((await top.json()) as Problem).errors).toContainEqual(expect.objectContaining({ in: "body", path: "top" }));
    const visit = await server.request("/v1/homecare/recommend", jsonBody({ roster, schedule: BEFORE, visit: "k001/nothing/2026-10-21" }));
    expect(((await visit.json()) as Problem).errors).toContainEqual(expect.objectContaining({ in: "body", path: "visit" }));
  });

  it("POST /v1/homecare/explain and /recommend answer as the CLI's --json", async () => {
    const e = await server.request("/v1/homecare/explain", jsonBody({ roster, schedule: BEFORE, client: "k001" }));
    expect(e.status).toBe(200);
    const explanation = (await e.json()) as { client: string; caregivers: { caregiver: string; visits: number }[] };
    expect(explanation.client).toBe("k001");
    expect(explanation.caregivers.length).toBeGreaterThan(0);
    const r = await server.request("/v1/homecare/recommend", jsonBody({ roster, schedule: BEFORE, visit: "k001/morgon/2026-10-21", top: 3 }));
    expect(r.status).toBe(200);
    const rec = (await r.json()) as { occurrence: string; options: unknown[] };
    expect(rec.occurrence).toBe("k001/morgon/2026-10-21");
    expect(rec.options.length).toBeGreaterThan(0);
    expect(rec.options.length).toBeLessThanOrEqual(3);
  });

  it("POST /v1/calls/restaff fills an absence: the staffing it returns keeps every rule with the leave it names", async () => {
    const fixture = generateCallsFixture({ seed: 3, nurses: 12, days: 7, historyWeeks: 3 });
    const problem = normalizeCalls(fixture.input, { history: readCallRowsCsv(fixture.historyCsv, "history.csv") });
    const run = await runStaffing(problem, { seed: 4, moves: 20_000, timeLimitSeconds: 60 });
    const staffing = staffingFile(problem, run, 4);
    const nurse = staffing.roster.find((r) => r.date === problem.days[2]!.date)!.nurse;
    const res = await server.request("/v1/calls/restaff", jsonBody({ calls: fixture.input, staffing, absent: nurse, from: problem.days[2]!.date, to: problem.days[4]!.date, history: fixture.historyCsv }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { staffing: { absences: { nurse: string }[] }; restaff: { removed: unknown[]; serviceLevel: { withGap: number; after: number } } };
    expect(body.staffing.absences.map((a) => a.nurse)).toEqual([nurse]);
    expect(body.restaff.removed.length).toBeGreaterThan(0);
    expect(body.restaff.serviceLevel.after).toBeGreaterThanOrEqual(body.restaff.serviceLevel.withGap);
    const check = await server.request("/v1/calls/validate", jsonBody({ calls: { ...fixture.input }, staffing: body.staffing }));
    // validate reads the calls input without history: the roster rules do not need the load
    expect(((await check.json()) as { valid: boolean }).valid).toBe(true);
  });

  it("POST /v1/calls/restaff: a bad absence names its field", async () => {
    const calls = JSON.parse(readFileSync("fixtures/region.calls.json", "utf8"));
    const res = await server.request("/v1/calls/restaff", jsonBody({ calls, staffing: { roster: [] }, absent: "nobody", from: "2026-10-21", to: "2026-10-23", history: readFileSync("fixtures/region.history.csv", "utf8") }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors).toContainEqual(expect.objectContaining({ in: "body", path: "absent" }));
  });
});
