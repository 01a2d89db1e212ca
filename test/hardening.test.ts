import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { generateCallsFixture } from "../src/calls/generate.js";
import { jsonBody, pollJob, startTestServer, tempDb, TOKEN_A, type TestServer } from "./server.js";

/** Issue #17's reproductions, each rerun: a 4xx problem or exit 2 naming the field or the path. */

const EXAMPLE = JSON.parse(readFileSync("fixtures/example.roster.json", "utf8")) as Record<string, unknown> & { travel: object; period: { start: string; days: number } };
const EXAMPLE_BEFORE = readFileSync("fixtures/example.before.csv", "utf8");
const DISTRICT = readFileSync("fixtures/district.roster.json", "utf8");
const dir = mkdtempSync(join(tmpdir(), "kontinuum-hardening-"));
type Problem = { status: number; detail: string; errors?: { in: string; path: string; message: string }[] };

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};
/** The binary itself, for what only a process shows (exit codes of serve, a hang). */
const binary = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["bin/kontinuum.js", ...args], { env: { ...process.env, KONTINUUM_TOKENS: TOKEN_A, ...env }, encoding: "utf8", timeout: 30_000 });

describe("#17.1 one server per database; the port bound before any job is touched", () => {
  it("a second server on the same database stops at once (exit 2) and the first one's job ends done with its result", async () => {
    const dbPath = tempDb();
    const first = await startTestServer([], { dbPath });
    try {
      const job = (await (await first.request("/v1/homecare/jobs?timeLimitSeconds=6", jsonBody(DISTRICT))).json()) as { id: string };
      await pollJob(first, job.id, (j) => j.status === "running");
      const second = binary(["serve", "--port", "0", "--db", dbPath]);
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/another kontinuum serve is using this database/);
      expect(second.stdout + second.stderr).not.toMatch(/were running when the server last stopped/);
      const done = await pollJob(first, job.id);
      expect(done.status).toBe("done");
      expect((await first.request(`/v1/jobs/${job.id}/result`)).status).toBe(200);

      const busyPort = binary(["serve", "--port", new URL(first.url).port, "--db", tempDb()]);
      expect(busyPort.status).toBe(2);
      expect(busyPort.stderr).toMatch(/--port \d+ --host 127\.0\.0\.1: the port is in use/);
    } finally {
      await first.stop();
    }
    const missing = binary(["serve", "--port", "0", "--db", join(dir, "missing-dir", "x.db")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing-dir does not exist/);
  });
});

describe("#17 through the CLI", () => {
  it("2: travel settings that would overflow or vanish are refused, naming the field", async () => {
    for (const [travel, field] of [
      [{ minMinutes: 2147483648 }, "travel.minMinutes"],
      [{ speedKmh: 1e-300 }, "travel.speedKmh"],
      [{ speedKmh: 5e-324 }, "travel.speedKmh"],
      [{ detourFactor: 1e308 }, "travel.detourFactor"],
    ] as const) {
      const r = await cli("validate", write("travel.json", { ...EXAMPLE, travel: { ...EXAMPLE.travel, ...travel } }), "fixtures/example.before.csv");
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${field}: must be`);
    }
  });

  it("3: dates near 9999 and impossible dates are input errors (exit 2), in the roster and in generate", async () => {
    const r = await cli("validate", write("9999.json", { ...EXAMPLE, period: { start: "9999-12-31", days: 1 } }), "fixtures/example.before.csv");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/period.start: must be a date from 2000-01-01 to 2100-12-31/);
    for (const args of [["--start", "9999-12-31"], ["--start", "2026-02-30"], ["--days", "400"], ["--days", "0"], ["--clients", "1e9"]]) {
      const g = await cli("generate", "--clients", "5", ...args, "-o", join(dir, "g"));
      expect(g.code).toBe(2);
      expect(g.err).toContain(args[0]!);
    }
    const calls = await cli("generate-calls", "--start", "9999-12-31", "-o", join(dir, "c"));
    expect(calls.code).toBe(2);
  });

  it("6: an output path that cannot be written fails before the solve (exit 2, naming it), and /proc does not hang", async () => {
    const folder = join(dir, "adir");
    mkdirSync(folder, { recursive: true });
    for (const args of [["-o", folder], ["--csv", folder], ["-o", "/proc/nope/x.json"]]) {
      const started = Date.now();
      const r = await cli("schedule", "fixtures/example.roster.json", "--time-limit", "60", "-q", ...args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(args[1]!);
      // no solve ran: the check comes first (a bound far above the check, far below a 60 s solve)
      expect(Date.now() - started).toBeLessThan(20_000);
    }
    writeFileSync(join(dir, "garbage.bin"), "x");
    const g = await cli("generate", "--clients", "5", "-o", join(dir, "garbage.bin", "g"));
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/garbage\.bin is a file, not a folder/);
    const staff = await cli("staff", "fixtures/region.calls.json", "--history", "fixtures/region.history.csv", "-o", folder, "-q");
    expect(staff.code).toBe(2);
  });

  it("7: a present value of the wrong type says what it should be, never 'is required'", async () => {
    const r = await cli("validate", write("types.json", { ...EXAMPLE, name: 5, period: { start: "2026-10-19", days: "14" } }), "fixtures/example.before.csv");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/name: must be a string \(got the number 5\)/);
    expect(r.err).toMatch(/period\.days: must be a number \(got a string\)/);
    expect(r.err).not.toMatch(/is required/);
    const half = await cli("validate", write("half.json", { ...EXAMPLE, period: { start: "2026-10-19", days: 1.5 } }), "fixtures/example.before.csv");
    expect(half.err).toMatch(/period\.days: must be a whole number of days/);
    const missing = await cli("validate", write("missing.json", { ...EXAMPLE, period: { start: "2026-10-19" } }), "fixtures/example.before.csv");
    expect(missing.err).toMatch(/period\.days: is required/);
  });

  it("minor: a JSON file with a UTF-8 BOM is read; a date a zone skipped is an error; a schedule's offset must be real", async () => {
    expect((await cli("validate", write("bom.json", "\ufeff" + JSON.stringify(EXAMPLE)), "fixtures/example.before.csv")).code).toBe(0);
    const apia = await cli("validate", write("apia.json", { ...EXAMPLE, timezone: "Pacific/Apia", period: { start: "2011-12-29", days: 3 } }), "fixtures/example.before.csv");
    expect(apia.code).toBe(2);
    expect(apia.err).toMatch(/2011-12-30 does not exist in Pacific\/Apia/);
    const schedule = { assignments: [{ client: "k001", visit: "v1", date: "2026-10-19", start: "2026-10-19T08:00:00+99:99", end: "2026-10-19T08:30:00+02:00", caregivers: ["cg01"] }] };
    const odd = await cli("validate", "fixtures/example.roster.json", write("odd.schedule.json", schedule));
    expect(odd.code).toBe(2);
    expect(odd.err).toMatch(/assignments\[0\]\.start/);
  });
});

describe("#17 through the HTTP API", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(["--max-body", "12mb"]);
  });
  afterAll(() => server.stop());
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await server.request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: body as string });
    return { status: res.status, body: (await res.json()) as Problem & Record<string, unknown> };
  };

  it("2: travel settings out of range are a 400 naming the field; validate never says valid with them", async () => {
    const r = await post("/v1/homecare/validate", JSON.stringify({ roster: { ...EXAMPLE, travel: { minMinutes: 2147483648 } }, schedule: EXAMPLE_BEFORE }));
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual(expect.objectContaining({ in: "roster", path: "travel.minMinutes" }));
    const job = await post("/v1/homecare/jobs", JSON.stringify({ ...EXAMPLE, travel: { speedKmh: 1e-300 } }));
    expect(job.status).toBe(400);
  });

  it("3: period.start 9999-12-31 is a 400 on every route that reads it", async () => {
    const roster = { ...EXAMPLE, period: { start: "9999-12-31", days: 1 } };
    expect((await post("/v1/homecare/validate", JSON.stringify({ roster, schedule: EXAMPLE_BEFORE }))).status).toBe(400);
    const calls = generateCallsFixture({ seed: 3, nurses: 4, days: 2, historyWeeks: 2 }).input;
    const late = { ...calls, period: { ...calls.period, start: "9999-12-31" } };
    const validated = await post("/v1/calls/validate", JSON.stringify({ calls: late, staffing: { roster: [] } }));
    expect(validated.status).toBe(400);
    expect(validated.body.errors).toContainEqual(expect.objectContaining({ in: "calls", path: "period.start" }));
    expect((await post("/v1/calls/jobs", JSON.stringify(late))).status).toBe(400);
  });

  it("4: a gzip or br body that does not decompress is a 400, a good one is read", async () => {
    const body = JSON.stringify({ roster: EXAMPLE, schedule: EXAMPLE_BEFORE });
    for (const encoding of ["gzip", "br"]) {
      const corrupt = await post("/v1/homecare/validate", Buffer.from("this is not compressed at all"), { "content-encoding": encoding });
      expect(corrupt.status).toBe(400);
      expect(corrupt.body.detail).toMatch(/Content-Encoding does not decode|could not be read/);
    }
    const zipped = await post("/v1/homecare/validate", gzipSync(body), { "content-encoding": "gzip" });
    expect(zipped.status).toBe(200);
    expect((await post("/v1/homecare/validate", brotliCompressSync(body), { "content-encoding": "br" })).body.valid).toBe(true);
  });

  it("5: rosters beyond the limits are refused with the limit named; a large roster is checked off the request thread, with the same answer", async () => {
    const many = { ...EXAMPLE, clients: Array.from({ length: 70_000 }, (_, i) => ({ id: `c${i}`, location: { lat: 57.7, lon: 11.97 }, visits: [] })) };
    const tooMany = await post("/v1/homecare/validate", JSON.stringify({ roster: many, schedule: "client,visit,date,start,end,caregiver\n" }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toContainEqual(expect.objectContaining({ path: "clients", message: "at most 5,000 clients per roster" }));
    const busy = { ...EXAMPLE, clients: [{ id: "k1", location: { lat: 57.7, lon: 11.97 }, visits: Array.from({ length: 2000 }, (_, i) => ({ id: `v${i}`, days: "daily", earliest: "08:00", latest: "09:00", durationMinutes: 5 })) }] };
    const tooBusy = await post("/v1/homecare/validate", JSON.stringify({ roster: busy, schedule: "client,visit,date,start,end,caregiver\n" }));
    expect(tooBusy.status).toBe(400);
    expect(tooBusy.body.errors).toContainEqual(expect.objectContaining({ path: "clients[0].visits", message: "at most 50 visits per client" }));
    // the 300-client bench district with its hand-made schedule is over a megabyte: checked in a worker
    const roster = readFileSync("../shared/bench/homecare/district-103.roster.json", "utf8");
    const before = readFileSync("../shared/bench/homecare/district-103.before.csv", "utf8");
    const meanwhile = server.request("/v1/runs");
    const big = await post("/v1/homecare/validate", `{"roster":${roster},"schedule":${JSON.stringify(before)}}`);
    expect((await meanwhile).status).toBe(200);
    expect(big.status).toBe(200);
    expect(big.body).toMatchObject({ valid: true, unassigned: 0 });
    const cliAnswer = await cli("validate", "../shared/bench/homecare/district-103.roster.json", "../shared/bench/homecare/district-103.before.csv");
    expect(cliAnswer.out).toContain(`valid: ${big.body.assigned as number} occurrences assigned`);
  });

  it("7: wrong types, NaN as text, ?seed=1.5 and a repeated parameter each say what is wrong, never 'is required'", async () => {
    const types = await post("/v1/homecare/validate", JSON.stringify({ roster: { ...EXAMPLE, name: 5, period: { start: "2026-10-19", days: "14" } }, schedule: EXAMPLE_BEFORE }));
    expect(types.status).toBe(400);
    expect(types.body.errors).toContainEqual({ in: "roster", path: "name", message: "must be a string (got the number 5)" });
    expect(types.body.errors!.some((e) => e.message === "is required")).toBe(false);
    const clients = EXAMPLE.clients as { location: object }[];
    const nan = await post("/v1/homecare/validate", JSON.stringify({ roster: { ...EXAMPLE, clients: [{ ...clients[0], location: { lat: "NaN", lon: 11.9 } }, ...clients.slice(1)] }, schedule: EXAMPLE_BEFORE }));
    expect(nan.body.errors).toContainEqual({ in: "roster", path: "clients[0].location.lat", message: "must be a number (got a string)" });
    const seed = await post("/v1/homecare/jobs?seed=1.5", JSON.stringify(EXAMPLE));
    expect(seed.body.errors).toContainEqual({ in: "query", path: "seed", message: "must be a whole number" });
    const twice = await post("/v1/homecare/jobs?seed=1&seed=2", JSON.stringify(EXAMPLE));
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toContainEqual({ in: "query", path: "seed", message: "is given more than once" });
  });

  it("minor: null and a string are valid JSON but not objects; a name over 200 characters is refused", async () => {
    for (const body of ["null", '"x"']) {
      const r = await post("/v1/homecare/validate", body);
      expect(r.status).toBe(400);
      expect(r.body.detail).not.toMatch(/not valid JSON/);
      expect(r.body.errors).toContainEqual(expect.objectContaining({ in: "body", message: expect.stringMatching(/must be a JSON object/) }));
    }
    const named = await post("/v1/homecare/jobs", JSON.stringify({ ...EXAMPLE, name: "x".repeat(10_000) }));
    expect(named.status).toBe(400);
    expect(named.body.errors).toContainEqual(expect.objectContaining({ path: "name", message: "must be at most 200 characters" }));
  });
});

describe("#17.5 the check's budget", () => {
  it("a check that cannot finish in its budget is a 422 naming the limit, and its worker is stopped", async () => {
    // the built module, whose worker file exists beside it
    const built = "../dist/api/checks.js";
    const { runCheck } = (await import(built)) as typeof import("../api/checks.js");
    const body = { roster: JSON.parse(DISTRICT), schedule: readFileSync("fixtures/district.before.csv", "utf8") };
    await expect(runCheck("validate", { body }, Number.MAX_SAFE_INTEGER, 0.001)).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/more than 0.001 s, the most one request may take/) });
    await expect(runCheck("validate", { body }, Number.MAX_SAFE_INTEGER)).resolves.toMatch(/"valid":true/);
  });
});

describe("#19 the check threads", () => {
  it("answer concurrent checks as this thread does, read a body's bytes (with a BOM) and name a body that is not JSON", async () => {
    // the built modules, whose worker file exists beside them
    const { CheckPool } = (await import("../dist/api/check-pool.js" as string)) as typeof import("../api/check-pool.js");
    const { runCheck } = (await import("../dist/api/checks.js" as string)) as typeof import("../api/checks.js");
    const pool = new CheckPool(2);
    try {
      const body = { roster: EXAMPLE, schedule: EXAMPLE_BEFORE };
      const here = await runCheck("score", { body }, 0);
      const text = new TextEncoder().encode("\uFEFF" + JSON.stringify(body));
      const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => runCheck("score", k % 2 ? { body } : { text }, 0, undefined, pool)));
      for (const a of answers) expect(a).toBe(here);
      await expect(runCheck("validate", { text: new TextEncoder().encode("{ not json") }, 0, undefined, pool)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^the body is not valid JSON: /) });
      await expect(runCheck("validate", { text: new TextEncoder().encode(JSON.stringify({ roster: EXAMPLE })) }, 0, undefined, pool)).rejects.toMatchObject({ issues: [{ in: "body", path: "schedule", message: "is required" }] });
    } finally {
      await pool.close();
    }
  });
});

describe("found by the fuzz test", () => {
  it("durationMatches: one caregiver of a dubbelbemanning visit staying a minute longer in the CSV is caught, naming that caregiver", async () => {
    const lines = EXAMPLE_BEFORE.trim().split("\n");
    const pair = lines.filter((l) => l.startsWith("k005,morgon,2026-10-19,"));
    expect(pair).toHaveLength(2);
    const second = pair[1]!.split(",");
    const longer = [...second.slice(0, 4), "07:51", second[5]].join(",");
    const r = await cli("validate", "fixtures/example.roster.json", write("longer.csv", lines.map((l) => (l === pair[1] ? longer : l)).join("\n") + "\n"));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`[durationMatches] k005/morgon/2026-10-19, ${second[5]}: lasts 51 min, the visit takes 50 min`);
  });
});


describe("#19 the roster cache of the checks", () => {
  it("answers by content: the same roster twice alike, a roster changed in one field as that roster", async () => {
    const { runCheck } = await import("../api/checks.js");
    const roster = JSON.parse(readFileSync("fixtures/example.roster.json", "utf8")) as { clients: { id: string; excludedCaregivers?: string[] }[] };
    const schedule = readFileSync("fixtures/example.before.csv", "utf8");
    const first = JSON.parse(await runCheck("validate", { body: { roster, schedule } }, 0)) as { valid: boolean };
    const again = JSON.parse(await runCheck("validate", { body: { roster: structuredClone(roster), schedule } }, 0)) as { valid: boolean };
    expect(first.valid).toBe(true);
    expect(again).toEqual(first);
    // exclude the caregiver of the schedule's first row from that client: the cached roster must not answer
    const [client, , , , , caregiver] = schedule.split("\n")[1]!.split(",");
    const changed = structuredClone(roster);
    changed.clients.find((c) => c.id === client)!.excludedCaregivers = [caregiver!];
    const broken = JSON.parse(await runCheck("validate", { body: { roster: changed, schedule } }, 0)) as { valid: boolean; violations: { rule: string }[] };
    expect(broken.valid).toBe(false);
    expect(broken.violations.map((v) => v.rule)).toContain("notExcluded");
  });
});

describe("#19 the store's second migration", () => {
  it("a database of schema 1 with a run that was running opens at schema 2, and the run is queued again once", async () => {
    const Database = (await import("better-sqlite3")).default;
    const { MIGRATIONS, SqliteRunStore } = await import("../api/store-sqlite.js");
    const path = tempDb();
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma("user_version = 1");
    old.prepare(`INSERT INTO inputs (id, owner, kind, name, body, created_at) VALUES ('r1', 'o', 'homecare', 'n', '{}', '2026-12-01T00:00:00Z')`).run();
    old.prepare(`INSERT INTO runs (id, owner, input_id, kind, roster_name, status, options, created_at, started_at) VALUES ('r1', 'o', 'r1', 'homecare', 'n', 'running', '{}', '2026-12-01T00:00:00Z', '2026-12-01T00:00:01Z')`).run();
    old.close();
    const store = new SqliteRunStore(path);
    try {
      expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(store.recoverInterrupted()).toEqual({ requeued: 1, failed: 0 });
      expect(await store.getRun("o", "r1")).toMatchObject({ status: "queued", startedAt: null });
      // taken (attempt 1) and interrupted: queued again; taken (attempt 2) and interrupted: failed with the reason
      expect((await store.claim("w"))?.id).toBe("r1");
      expect(store.recoverInterrupted()).toEqual({ requeued: 1, failed: 0 });
      await store.claim("w");
      expect(store.recoverInterrupted()).toEqual({ requeued: 0, failed: 1 });
      expect(await store.getRun("o", "r1")).toMatchObject({ status: "failed", error: expect.stringMatching(/2 times/) });
    } finally {
      await store.close();
    }
  });
});
