import fc from "fast-check";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { jsonBody, startTestServer, type TestServer } from "./server.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Fuzzing the inputs as a hostile or careless user would (issue #17): seeded fast-check mutations
 * of the example roster and its hand-made schedule (delete, retype, extreme values, duplicate),
 * through the real HTTP server and through the CLI. Never a 5xx, never an exit code other than
 * 0/1/2, never "is required" for a value that is there, and never "valid" for a schedule that the
 * test's own checks (written here, apart from the validator) reject.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const ROSTER = JSON.parse(readFileSync("fixtures/example.roster.json", "utf8")) as Json;
const BEFORE = readFileSync("fixtures/example.before.csv", "utf8");
const dir = mkdtempSync(join(tmpdir(), "kontinuum-fuzz-"));

/** Every path in a JSON value, as keys and indices. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}
const at = (value: Json, path: readonly (string | number)[]): Json | undefined =>
  path.reduce<Json | undefined>((v, k) => (v === undefined || v === null || typeof v !== "object" ? undefined : (v as Record<string | number, Json>)[k]), value);

const REPLACEMENTS: Json[] = [5, -1, 0, 1.5, 1e308, -1e308, 1e-300, 2147483648, "x", "", "NaN", "9999-12-31", "2026-02-30", "25:99", "x".repeat(3000), null, true, [], {}];
type Mutation = { kind: "delete" | "replace" | "duplicate"; pick: number; value: number };
const mutation = fc.record({ kind: fc.constantFrom("delete" as const, "replace" as const, "duplicate" as const), pick: fc.nat(), value: fc.nat(REPLACEMENTS.length - 1) });

/** Applies one mutation to a copy of the roster (the root itself is never deleted or duplicated). */
function mutate(root: Json, m: Mutation): Json {
  const copy = structuredClone(root);
  const all = paths(copy).slice(1);
  const path = all[m.pick % all.length]!;
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path.at(-1)!;
  if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (m.kind === "replace") (parent as Record<string | number, Json>)[key] = structuredClone(REPLACEMENTS[m.value]!);
  else if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]!));
  else (parent as Record<string, Json>)[key as string] = structuredClone(parent[key as string]!);
  return copy;
}

/** `clients[3].visits[1].latest` -> ["clients", 3, "visits", 1, "latest"] */
const parsePath = (p: string): (string | number)[] => [...p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, k, i]) => (i !== undefined ? Number(i) : k!));

/** No "is required" for a field the roster has. */
function requiredOnlyWhenMissing(roster: Json, errors: { in?: string; path: string; message: string }[]): void {
  for (const e of errors) if (e.message === "is required" && (e.in === undefined || e.in === "roster")) expect(at(roster, parsePath(e.path)), `${e.path} is there`).toBeUndefined();
}

// ---- schedule mutations, and the test's own checks of a schedule (independent of src/homecare/rules.ts)

const rosterVisits = new Map<string, { earliest: string; latest: string; duration: number }>();
for (const c of (ROSTER as { clients: { id: string; visits: { id: string; earliest: string; latest: string; durationMinutes: number }[] }[] }).clients)
  for (const v of c.visits) rosterVisits.set(`${c.id}/${v.id}`, { earliest: v.earliest, latest: v.latest, duration: v.durationMinutes });
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const caregiverIds = (ROSTER as { caregivers: { id: string }[] }).caregivers.map((c) => c.id);

type Row = { client: string; visit: string; date: string; start: string; end: string; caregiver: string };
const ROWS: Row[] = BEFORE.trim().split("\n").slice(1).map((l) => {
  const [client, visit, date, start, end, caregiver] = l.split(",") as [string, string, string, string, string, string];
  return { client, visit, date, start, end, caregiver };
});
const toCsv = (rows: Row[]) => ["client,visit,date,start,end,caregiver", ...rows.map((r) => [r.client, r.visit, r.date, r.start, r.end, r.caregiver].join(","))].join("\n") + "\n";

const scheduleEdit = fc.record({ row: fc.nat(), shift: fc.integer({ min: -240, max: 240 }), stretch: fc.integer({ min: -30, max: 30 }), caregiver: fc.nat(), which: fc.constantFrom("time", "length", "caregiver", "both") });

function editSchedule(e: { row: number; shift: number; stretch: number; caregiver: number; which: string }): Row[] {
  const rows = ROWS.map((r) => ({ ...r }));
  const r = rows[e.row % rows.length]!;
  const start = minutes(r.start);
  const end = minutes(r.end);
  if (e.which === "time" || e.which === "both") {
    const s = Math.max(0, Math.min(1439 - (end - start), start + e.shift));
    // a dubbelbemanning visit is two rows: move both, or the pair would break simultaneity as well
    for (const twin of rows.filter((x) => x.client === r.client && x.visit === r.visit && x.date === r.date)) {
      twin.start = clock(s);
      twin.end = clock(s + end - start);
    }
  }
  if (e.which === "length") r.end = clock(Math.max(start + 1, Math.min(1439, end + e.stretch)));
  if (e.which === "caregiver" || e.which === "both") r.caregiver = caregiverIds[e.caregiver % caregiverIds.length]!;
  return rows;
}

/** Breaks the test can see without the validator: a start outside the window, a wrong length, a caregiver at two visits at once. */
function independentlyBroken(rows: Row[]): string | null {
  for (const r of rows) {
    const v = rosterVisits.get(`${r.client}/${r.visit}`)!;
    if (minutes(r.start) < minutes(v.earliest) || minutes(r.start) > minutes(v.latest)) return `${r.client}/${r.visit}/${r.date} starts ${r.start}, outside ${v.earliest}-${v.latest}`;
    if (minutes(r.end) - minutes(r.start) !== v.duration) return `${r.client}/${r.visit}/${r.date} lasts ${minutes(r.end) - minutes(r.start)}, not ${v.duration}`;
  }
  const byDay = new Map<string, Row[]>();
  for (const r of rows) byDay.set(`${r.caregiver} ${r.date}`, [...(byDay.get(`${r.caregiver} ${r.date}`) ?? []), r]);
  for (const [who, list] of byDay) {
    const sorted = [...list].sort((a, b) => minutes(a.start) - minutes(b.start));
    for (let i = 1; i < sorted.length; i++) if (minutes(sorted[i]!.start) < minutes(sorted[i - 1]!.end)) return `${who}: ${sorted[i - 1]!.visit} and ${sorted[i]!.visit} overlap`;
    const keys = new Set(list.map((r) => `${r.client}/${r.visit}`));
    if (keys.size < list.length) return `${who} is named twice on one visit`;
  }
  return null;
}

const RUNS = { seed: 1717, numRuns: 150 };

describe("fuzz: the HTTP API", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("a mutated roster: never a 5xx, never 'is required' for a present value", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const roster = mutate(ROSTER, m);
        for (const route of ["/v1/homecare/validate", "/v1/homecare/score"]) {
          const res = await server.request(route, jsonBody({ roster, schedule: BEFORE }));
          expect(res.status, `${route} ${JSON.stringify(m)}`).toBeLessThan(500);
          if (res.status === 400) requiredOnlyWhenMissing(roster, ((await res.json()) as { errors: { in: string; path: string; message: string }[] }).errors);
          else await res.arrayBuffer();
        }
        const job = await server.request("/v1/homecare/jobs?timeLimitSeconds=1", jsonBody(roster));
        expect(job.status, JSON.stringify(m)).toBeLessThan(500);
        if (job.status === 202) await server.request(`/v1/jobs/${((await job.json()) as { id: string }).id}`, { method: "DELETE" });
        else await job.arrayBuffer();
      }),
      RUNS,
    );
  });

  it("a mutated schedule: never 'valid' when the test's own checks find a broken rule", async () => {
    let broken = 0;
    await fc.assert(
      fc.asyncProperty(scheduleEdit, async (e) => {
        const rows = editSchedule(e);
        const why = independentlyBroken(rows);
        const res = await server.request("/v1/homecare/validate", jsonBody({ roster: ROSTER, schedule: toCsv(rows) }));
        expect(res.status).toBe(200);
        const answer = (await res.json()) as { valid: boolean };
        if (why) {
          broken++;
          expect(answer.valid, why).toBe(false);
        }
      }),
      RUNS,
    );
    expect(broken).toBeGreaterThan(RUNS.numRuns / 4); // the edits do break rules, so the property is tested
  });
});

describe("fuzz: the CLI", () => {
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("a mutated roster: validate and score exit 0, 1 or 2, never 3, never 'is required' for a present value", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const roster = mutate(ROSTER, m);
        const path = join(dir, "roster.json");
        writeFileSync(path, JSON.stringify(roster));
        for (const command of ["validate", "score"]) {
          const r = await cli(command, path, "fixtures/example.before.csv");
          expect([0, 1, 2], `${command} ${JSON.stringify(m)}: ${r.err}`).toContain(r.code);
          const required = [...r.err.matchAll(/^ {2}(\S+): is required$/gm)].map(([, p]) => ({ path: p!, message: "is required" }));
          requiredOnlyWhenMissing(roster, required);
        }
      }),
      RUNS,
    );
  });

  it("a mutated schedule: validate exits 1 when the test's own checks find a broken rule", async () => {
    await fc.assert(
      fc.asyncProperty(scheduleEdit, async (e) => {
        const rows = editSchedule(e);
        const why = independentlyBroken(rows);
        const path = join(dir, "schedule.csv");
        writeFileSync(path, toCsv(rows));
        const r = await cli("validate", "fixtures/example.roster.json", path);
        expect([0, 1]).toContain(r.code);
        if (why) expect(r.code, why).toBe(1);
      }),
      { seed: 1718, numRuns: 100 },
    );
  });
});
