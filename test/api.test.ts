import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCallsFixture } from "../src/calls/generate.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readScheduleCsv, readScheduleJson } from "../src/homecare/schedule-io.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { jsonBody, pollJob, startTestServer, tempDb, TOKEN_A, TOKEN_B, type TestServer } from "./server.js";

const EXAMPLE = readFileSync("fixtures/example.roster.json", "utf8");
const EXAMPLE_BEFORE = readFileSync("fixtures/example.before.csv", "utf8");
const DISTRICT = readFileSync("fixtures/district.roster.json", "utf8");
const exampleRoster = readRoster(EXAMPLE);

type Problem = { type: string; title: string; status: number; detail: string; errors?: { in: string; path: string; message: string }[] };

describe("kontinuum serve: jobs, results and runs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(["--max-body", "2mb"]);
  });
  afterAll(() => server.stop());

  it("schedules a roster as a job: 202 with Location, progress, then JSON and CSV that pass the validator", async () => {
    const res = await server.request("/v1/homecare/jobs?timeLimitSeconds=2&seed=3", jsonBody(EXAMPLE));
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string; status: string; options: object };
    expect(res.headers.get("location")).toBe(`/v1/jobs/${created.id}`);
    expect(["queued", "running"]).toContain(created.status);
    expect(created.options).toEqual({ timeLimitSeconds: 2, seed: 3 });
    const weighted = await server.request("/v1/homecare/jobs?timeLimitSeconds=1&travelWeight=2", jsonBody(EXAMPLE));
    expect(((await weighted.json()) as { options: object }).options).toEqual({ timeLimitSeconds: 1, seed: 1, travelWeight: 2 });
    expect((await server.request("/v1/homecare/jobs?travelWeight=0", jsonBody(EXAMPLE))).status).toBe(400);

    const running = await pollJob(server, created.id, (j) => j.progress !== null || j.status === "done");
    expect(running.progress).toMatchObject({ phase: expect.any(String), best: expect.any(Number), elapsedSeconds: expect.any(Number) });
    const done = await pollJob(server, created.id);
    expect(done.status).toBe("done");
    expect(done.result).toBe(`/v1/jobs/${created.id}/result`);
    expect(done.metrics).toMatchObject({ u21401: expect.any(Number), lowerBoundU21401: expect.any(Number), unassigned: 0 });

    const jsonRes = await server.request(done.result!);
    expect(jsonRes.headers.get("content-type")).toMatch(/^application\/json/);
    const scheduleText = await jsonRes.text();
    expect(validateSchedule(exampleRoster, readScheduleJson(scheduleText))).toEqual([]);

    const csvRes = await server.request(done.result!, { headers: { accept: "text/csv" } });
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-type")).toMatch(/^text\/csv/);
    const csv = await csvRes.text();
    expect(csv.split("\n")[0]).toBe("client,visit,date,start,end,caregiver");
    expect(validateSchedule(exampleRoster, readScheduleCsv(csv, exampleRoster))).toEqual([]);

    // the API's own validator and score agree, with the schedule as CSV text and as JSON
    const validation = await (await server.request("/v1/homecare/validate", jsonBody({ roster: JSON.parse(EXAMPLE), schedule: csv }))).json();
    expect(validation).toMatchObject({ valid: true, violations: [] });
    const score = (await (await server.request("/v1/homecare/score", jsonBody({ roster: JSON.parse(EXAMPLE), schedule: JSON.parse(scheduleText) }))).json()) as { u21401: number };
    expect(score.u21401).toBe(done.metrics!.u21401);
  });

  it("compare shows the gain over the hand-made schedule per client", async () => {
    const job = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=1", jsonBody(EXAMPLE))).json()) as { id: string };
    await pollJob(server, job.id);
    const after = await (await server.request(`/v1/jobs/${job.id}/result`)).json();
    const res = await server.request("/v1/homecare/compare", jsonBody({ roster: JSON.parse(EXAMPLE), before: EXAMPLE_BEFORE, after }));
    expect(res.status).toBe(200);
    const c = (await res.json()) as { clients: { client: string; gain: number }[]; before: { u21401: number }; after: { u21401: number } };
    expect(c.clients).toHaveLength(exampleRoster.clients.length);
    expect(c.after.u21401).toBeLessThan(c.before.u21401);
  });

  it("lists runs newest first with their metrics, by roster name, and deletes a run with its roster", async () => {
    const name = JSON.parse(EXAMPLE).name as string;
    const ids: string[] = [];
    for (const seed of [1, 2]) {
      const job = (await (await server.request(`/v1/homecare/jobs?timeLimitSeconds=1&seed=${seed}`, jsonBody(EXAMPLE))).json()) as { id: string };
      ids.push(job.id);
      await pollJob(server, job.id);
    }
    const list = (await (await server.request(`/v1/runs?roster=${encodeURIComponent(name)}`)).json()) as { runs: { id: string; roster: string; metrics: object }[] };
    expect(list.runs.slice(0, 2).map((r) => r.id)).toEqual([ids[1], ids[0]]);
    expect(list.runs.every((r) => r.roster === name && r.metrics)).toBe(true);
    expect(((await (await server.request("/v1/runs?roster=no-such-roster")).json()) as { runs: unknown[] }).runs).toEqual([]);

    expect((await server.request(`/v1/runs/${ids[0]}`, { method: "DELETE" })).status).toBe(204);
    expect((await server.request(`/v1/jobs/${ids[0]}`)).status).toBe(404);
    expect((await server.request(`/v1/runs/${ids[0]}`, { method: "DELETE" })).status).toBe(404);
    const db = new Database(server.dbPath, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM inputs WHERE id = ?").get(ids[0])).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM inputs WHERE id = ?").get(ids[1])).toEqual({ n: 1 });
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("user_version", { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it("leaves no copy of a deleted roster in the database file or its log", async () => {
    const marker = "Brf Solrosen personal-data-marker-7731";
    const roster = { ...JSON.parse(EXAMPLE), name: marker };
    const job = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=1", jsonBody(roster))).json()) as { id: string };
    await pollJob(server, job.id);
    const bytes = () => ["", "-wal"].map((suffix) => (existsSync(server.dbPath + suffix) ? readFileSync(server.dbPath + suffix).toString("latin1") : "")).join("");
    expect(bytes()).toContain("personal-data-marker-7731");
    expect((await server.request(`/v1/runs/${job.id}`, { method: "DELETE" })).status).toBe(204);
    expect(bytes()).not.toContain("personal-data-marker-7731");
  });

  it("cancels a running job and a queued one (one worker: the second waits)", async () => {
    const first = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=120", jsonBody(DISTRICT))).json()) as { id: string };
    const second = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=120", jsonBody(DISTRICT))).json()) as { id: string; status: string };
    await pollJob(server, first.id, (j) => j.status === "running");
    expect(((await (await server.request(`/v1/jobs/${second.id}`)).json()) as { status: string }).status).toBe("queued");

    const cancelQueued = await server.request(`/v1/jobs/${second.id}`, { method: "DELETE" });
    expect(cancelQueued.status).toBe(200);
    expect(((await cancelQueued.json()) as { status: string }).status).toBe("cancelled");
    const cancelRunning = await server.request(`/v1/jobs/${first.id}`, { method: "DELETE" });
    expect(((await cancelRunning.json()) as { status: string }).status).toBe("cancelled");

    const result = await server.request(`/v1/jobs/${first.id}/result`);
    expect(result.status).toBe(409);
    expect(((await server.request(`/v1/jobs/${first.id}`, { method: "DELETE" })).status)).toBe(409);
    // the worker is free again: a new job runs to the end
    const next = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=1", jsonBody(EXAMPLE))).json()) as { id: string };
    expect((await pollJob(server, next.id)).status).toBe("done");
    expect(((await (await server.request(`/v1/jobs/${first.id}`)).json()) as { status: string }).status).toBe("cancelled");
  });

  it("staffs a 1177 region sent as multipart (calls JSON and history CSV), and validates the result", async () => {
    const fixture = generateCallsFixture({ seed: 3, nurses: 12, days: 3, historyWeeks: 3 });
    const form = new FormData();
    form.set("calls", new Blob([JSON.stringify(fixture.input)], { type: "application/json" }), "small.calls.json");
    form.set("history", new Blob([fixture.historyCsv], { type: "text/csv" }), "small.history.csv");
    const res = await server.request("/v1/calls/jobs?timeLimitSeconds=20", { method: "POST", body: form });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; kind: string };
    expect(job.kind).toBe("calls");
    const done = await pollJob(server, job.id);
    expect(done.status).toBe("done");
    expect(done.metrics).toMatchObject({ serviceLevel: expect.any(Number), paymentShare: expect.any(Number) });
    const staffing = await (await server.request(`/v1/jobs/${job.id}/result`)).json();
    const csv = await (await server.request(`/v1/jobs/${job.id}/result`, { headers: { accept: "text/csv" } })).text();
    expect(csv.split("\n")[0]).toBe("nurse,date,template,start,end,break_start,break_end,paid_minutes");

    const check = await server.request("/v1/calls/validate", jsonBody({ calls: fixture.input, staffing }));
    expect(await check.json()).toMatchObject({ valid: true, violations: [] });
    type Checked = { valid: boolean; violations: { rule: string; where?: string; who?: string; amount?: number }[] };
    const validate = async (calls: unknown, staffingFile: unknown) => (await (await server.request("/v1/calls/validate", jsonBody({ calls, staffing: staffingFile }))).json()) as Checked;
    const first = (staffing as { roster: { nurse: string; date: string }[] }).roster[0]!;
    // the first line's nurse made unavailable on its date: that line breaks notUnavailable
    const away = structuredClone(fixture.input) as { nurses: { id: string; unavailable?: string[] }[] };
    const nurse = away.nurses.find((n) => n.id === first.nurse)!;
    nurse.unavailable = [...(nurse.unavailable ?? []), first.date];
    const unavailable = await validate(away, staffing);
    expect(unavailable.valid).toBe(false);
    expect(unavailable.violations).toContainEqual(expect.objectContaining({ rule: "notUnavailable", where: "roster[0]", who: first.nurse }));
    // the first line doubled: the copy starts before the original ends, so daily rest is broken by more than the rule's whole rest
    const doubled = structuredClone(staffing) as { roster: object[] };
    doubled.roster.push(doubled.roster[0]!);
    const twice = await validate(fixture.input, doubled);
    expect(twice.valid).toBe(false);
    const rest = twice.violations.find((v) => v.rule === "dailyRest" && v.who === first.nurse);
    expect(rest).toBeDefined();
    expect(rest!.amount).toBeGreaterThan(11 * 60);
  });

  it("serves an OpenAPI 3.1 document generated from the zod schemas, listing every route", async () => {
    const doc = (await (await server.request("/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, object>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/v1/homecare/validate", "/v1/homecare/score", "/v1/homecare/compare", "/v1/homecare/jobs", "/v1/calls/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/result", "/v1/runs", "/v1/runs/{id}"])
      expect(doc.paths).toHaveProperty([path]);
    // the roster schema is the one the parser validates with: its fields, strictly
    expect(Object.keys(doc.components.schemas.Roster!.properties!)).toEqual(expect.arrayContaining(["name", "period", "caregivers", "clients", "pinned"]));
    expect(doc.components.schemas.Roster).toMatchObject({ additionalProperties: false });
  });
});

describe("kontinuum serve: tokens", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("refuses to start without a token", () => {
    const r = spawnSync(process.execPath, ["bin/kontinuum.js", "serve", "--port", "0", "--db", tempDb()], { env: { ...process.env, KONTINUUM_TOKENS: "" }, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs at least one access token/);
  });

  it("answers 401 without a token or with a wrong one, and 404 for another token's run", async () => {
    const none = await server.request("/v1/runs", { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await server.request("/v1/runs", { token: "not-a-known-token" })).status).toBe(401);
    expect((await server.request("/v1/openapi.json", { token: null })).status).toBe(401);

    const job = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=1", { ...jsonBody(EXAMPLE), token: TOKEN_A })).json()) as { id: string };
    expect((await server.request(`/v1/jobs/${job.id}`, { token: TOKEN_B })).status).toBe(404);
    expect((await server.request(`/v1/jobs/${job.id}/result`, { token: TOKEN_B })).status).toBe(404);
    expect((await server.request(`/v1/jobs/${job.id}`, { method: "DELETE", token: TOKEN_B })).status).toBe(404);
    expect((await server.request(`/v1/runs/${job.id}`, { method: "DELETE", token: TOKEN_B })).status).toBe(404);
    expect(((await (await server.request("/v1/runs", { token: TOKEN_B })).json()) as { runs: unknown[] }).runs).toEqual([]);
    expect((await pollJob(server, job.id, undefined, 60, TOKEN_A)).status).toBe("done");
  });
});

describe("kontinuum serve: a restart while a job runs", () => {
  it("a crash: the interrupted job is queued again once and done after the restart; interrupted twice, it fails with the reason", async () => {
    const dbPath = tempDb();
    const first = await startTestServer([], { dbPath });
    const twice = (await (await first.request("/v1/homecare/jobs?timeLimitSeconds=120", jsonBody(DISTRICT))).json()) as { id: string };
    const queued = (await (await first.request("/v1/homecare/jobs?timeLimitSeconds=1", jsonBody(EXAMPLE))).json()) as { id: string };
    await pollJob(first, twice.id, (j) => j.status === "running" && j.progress !== null);
    await first.stop("SIGKILL"); // a crash: nothing gets to mark anything

    const second = await startTestServer([], { dbPath });
    await pollJob(second, twice.id, (j) => j.status === "running" && j.progress !== null);
    expect(second.log()).toMatch(/1 job\(s\) were running when the server last stopped: 1 queued again, 0 failed/);
    await second.stop("SIGKILL"); // and again, on its second attempt

    const third = await startTestServer([], { dbPath });
    try {
      const failed = await pollJob(third, twice.id, () => true);
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(/server stopped while this job was running, 2 times/);
      expect((await pollJob(third, queued.id)).status).toBe("done");
    } finally {
      await third.stop();
    }
  });

  it("a crash once: the job is run again from its stored input and ends done", async () => {
    const dbPath = tempDb();
    const first = await startTestServer([], { dbPath });
    const job = (await (await first.request("/v1/homecare/jobs?timeLimitSeconds=4", jsonBody(DISTRICT))).json()) as { id: string };
    await pollJob(first, job.id, (j) => j.status === "running");
    await first.stop("SIGKILL");
    const second = await startTestServer([], { dbPath });
    try {
      expect((await pollJob(second, job.id)).status).toBe("done");
    } finally {
      await second.stop();
    }
  });

  it("a clean stop (SIGTERM) hands its running job back to the queue at once, never leaving it running; the next start runs it", async () => {
    const dbPath = tempDb();
    const server = await startTestServer([], { dbPath });
    const job = (await (await server.request("/v1/homecare/jobs?timeLimitSeconds=4", jsonBody(DISTRICT))).json()) as { id: string };
    await pollJob(server, job.id, (j) => j.status === "running");
    await server.stop("SIGTERM");
    expect(server.process.exitCode).toBe(0);
    expect(server.log()).toMatch(/1 running job\(s\) handed back to the queue/);
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.prepare("SELECT status, error, started_at AS startedAt, attempts FROM runs WHERE id = ?").get(job.id)).toEqual({ status: "queued", error: null, startedAt: null, attempts: 0 });
    } finally {
      db.close();
    }
    const again = await startTestServer([], { dbPath });
    try {
      expect((await pollJob(again, job.id)).status).toBe("done");
    } finally {
      await again.stop();
    }
  });
});

describe("kontinuum serve: bad requests get a clear 4xx as problem details", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(["--max-body", "300kb"]);
  });
  afterAll(() => server.stop());

  const roster = () => JSON.parse(EXAMPLE) as Record<string, any>;
  const cases: { name: string; path: string; init: () => RequestInit; status: number; errors?: { in: string; path: string }[]; detail?: RegExp }[] = [
    { name: "malformed JSON", path: "/v1/homecare/validate", init: () => jsonBody("{ not json"), status: 400, detail: /not valid JSON/ },
    { name: "a wrong content type", path: "/v1/homecare/validate", init: () => ({ method: "POST", headers: { "content-type": "text/plain" }, body: "x" }), status: 415, detail: /text\/plain is not read here/ },
    { name: "no body", path: "/v1/homecare/jobs", init: () => ({ method: "POST" }), status: 415 },
    { name: "an unknown route", path: "/v1/nowhere", init: () => ({}), status: 404 },
    { name: "a known route with the wrong method", path: "/v1/homecare/score", init: () => ({ method: "GET" }), status: 405 },
    { name: "a body over the size limit", path: "/v1/homecare/jobs", init: () => jsonBody(DISTRICT + " ".repeat(100_000)), status: 413, detail: /larger than the server accepts/ },
    { name: "a JSON array for a body", path: "/v1/homecare/validate", init: () => jsonBody([]), status: 400, errors: [{ in: "body", path: "" }] },
    { name: "a missing part and an unknown one", path: "/v1/homecare/compare", init: () => jsonBody({ roster: roster(), before: EXAMPLE_BEFORE, extra: 1 }), status: 400, errors: [{ in: "body", path: "extra" }, { in: "body", path: "after" }] },
    {
      name: "roster errors with the CLI's paths",
      path: "/v1/homecare/jobs",
      init: () => {
        const r = roster();
        r.clients[2].visits[0].latest = "00:00";
        r.caregivers[1].colour = "blue";
        return jsonBody(r);
      },
      status: 400,
      errors: [{ in: "body", path: "clients[2].visits[0].latest" }, { in: "body", path: "caregivers[1].colour" }],
    },
    {
      name: "a reference to an unknown caregiver",
      path: "/v1/homecare/score",
      init: () => {
        const r = roster();
        r.clients[0].contactPerson = "nobody";
        return jsonBody({ roster: r, schedule: EXAMPLE_BEFORE });
      },
      status: 400,
      errors: [{ in: "roster", path: "clients[0].contactPerson" }],
    },
    {
      name: "a CSV schedule with a bad date",
      path: "/v1/homecare/validate",
      init: () => jsonBody({ roster: roster(), schedule: EXAMPLE_BEFORE.replace(/\n([^,]+),([^,]+),2026-10-19,/, "\n$1,$2,2026-13-45,") }),
      status: 400,
      errors: [{ in: "schedule", path: "line 2.date" }],
    },
    { name: "a schedule that is neither JSON nor text", path: "/v1/homecare/validate", init: () => jsonBody({ roster: roster(), schedule: 5 }), status: 400, errors: [{ in: "schedule", path: "" }] },
    { name: "a time limit that is not a number", path: "/v1/homecare/jobs?timeLimitSeconds=soon", init: () => jsonBody(EXAMPLE), status: 400, errors: [{ in: "query", path: "timeLimitSeconds" }] },
    { name: "a time limit out of range", path: "/v1/homecare/jobs?timeLimitSeconds=99999", init: () => jsonBody(EXAMPLE), status: 400, errors: [{ in: "query", path: "timeLimitSeconds" }] },
    { name: "an unknown query parameter", path: "/v1/runs?rooster=x", init: () => ({}), status: 400, errors: [{ in: "query", path: "rooster" }] },
    { name: "an unknown job", path: "/v1/jobs/00000000-0000-0000-0000-000000000000", init: () => ({}), status: 404 },
    { name: "the result of an unknown job", path: "/v1/jobs/nope/result", init: () => ({}), status: 404 },
    {
      name: "a multipart part the API does not know",
      path: "/v1/calls/jobs",
      init: () => {
        const form = new FormData();
        form.set("calls", "{}");
        form.set("histroy", "start,offered,handle_time_seconds\n");
        return { method: "POST", body: form };
      },
      status: 400,
      errors: [{ in: "body", path: "histroy" }],
    },
    {
      name: "a history row at a time that does not exist (spring change)",
      path: "/v1/calls/jobs",
      init: () => {
        const fixture = generateCallsFixture({ seed: 1, nurses: 4, days: 2 });
        const form = new FormData();
        form.set("calls", JSON.stringify(fixture.input));
        form.set("history", "start,offered,handle_time_seconds\n2026-03-29T02:15,3,420\n");
        return { method: "POST", body: form };
      },
      status: 400,
      errors: [{ in: "history", path: "line 2.start" }],
    },
    { name: "calls input with a bad field", path: "/v1/calls/jobs", init: () => jsonBody({ name: "x" }), status: 400, errors: [{ in: "body", path: "period" }] },
  ];

  for (const c of cases)
    it(`${c.name}: ${c.status}`, async () => {
      const res = await server.request(c.path, c.init());
      const text = await res.text();
      expect(res.status, text).toBe(c.status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(text) as Problem;
      expect(problem).toMatchObject({ status: c.status, title: expect.any(String), detail: expect.any(String) });
      expect(text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
      if (c.detail) expect(problem.detail).toMatch(c.detail);
      if (c.errors) {
        expect(problem.type).toBe("urn:kontinuum:problem:invalid-input");
        for (const e of c.errors) expect(problem.errors).toContainEqual(expect.objectContaining(e));
      }
    });

  it("the server is still up and nothing stored was lost after all of that", async () => {
    const res = await server.request("/v1/homecare/validate", jsonBody({ roster: roster(), schedule: EXAMPLE_BEFORE }));
    expect(await res.json()).toMatchObject({ valid: true });
  });
});
