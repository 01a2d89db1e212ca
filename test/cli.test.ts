import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
/** A command that must succeed within `seconds` (a time limit's wall, not a speed test). */
async function writesWithin(seconds: number, ...argv: string[]) {
  const started = Date.now();
  const r = await run(...argv);
  expect(r.code).toBe(0);
  expect((Date.now() - started) / 1000).toBeLessThan(seconds);
  return r;
}
const dir = mkdtempSync(join(tmpdir(), "kontinuum-cli-"));
const R = "fixtures/district.roster.json";
const B = "fixtures/district.before.csv";

describe("kontinuum CLI", () => {
  it("score prints U21401, U21402 and U21436 of the bundled district's hand-made schedule", async () => {
    const r = await run("score", R, B);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/U21401 \(mean distinct staff, 14 days\): +\d+\.\d/);
    expect(r.out).toMatch(/U21402/);
    expect(r.out).toMatch(/U21436/);
    const json = JSON.parse((await run("score", R, B, "--json")).out);
    for (const key of ["u21401", "u21402", "u21436", "counted", "travelMinutes", "unassigned"]) expect(json).toHaveProperty(key);
  });

  it("validate accepts the hand-made schedule and rejects a broken one naming occurrence, caregiver and rule", async () => {
    expect((await run("validate", R, B)).code).toBe(0);
    const lines = readFileSync(B, "utf8").trimEnd().split("\n");
    const [client, visit, date, start, end, caregiver] = lines[1]!.split(",");
    // give this visit to a caregiver who is on it already elsewhere: a second row for a one-person visit
    const broken = [lines[0], ...lines.slice(1), `${client},${visit},${date},${start},${end},${caregiver === "d01" ? "d02" : "d01"}`].join("\n");
    writeFileSync(join(dir, "broken.csv"), broken);
    const r = await run("validate", R, join(dir, "broken.csv"));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`[staffCount] ${client}/${visit}/${date}`);
  });

  it("schedule writes JSON and CSV that validate, and compare shows the gain", async () => {
    const out = join(dir, "ex.schedule.json");
    const csv = join(dir, "ex.csv");
    const r = await run("schedule", "fixtures/example.roster.json", "-o", out, "--csv", csv, "--time-limit", "20", "-q", "--compare", "fixtures/example.before.csv");
    expect(r.code).toBe(0);
    expect(r.out).toContain("lower bound on U21401");
    expect(r.out).toMatch(/U21401 \(mean\) +\d/);
    expect((await run("validate", "fixtures/example.roster.json", out)).code).toBe(0);
    expect((await run("validate", "fixtures/example.roster.json", csv)).code).toBe(0);
    const cmp = await run("compare", "fixtures/example.roster.json", "fixtures/example.before.csv", out, "--json");
    const c = JSON.parse(cmp.out);
    expect(c.after.u21401).toBeLessThan(c.before.u21401);
    expect(c.clients[0].gain).toBeGreaterThanOrEqual(c.clients.at(-1).gain);
  });

  it("schedule --construction familiar (teams planned first) writes a valid schedule; an unknown construction is exit 2 naming the flag", async () => {
    const out = join(dir, "familiar.schedule.json");
    const r = await run("schedule", "fixtures/example.roster.json", "--construction", "familiar", "--time-limit", "5", "-q", "-o", out);
    expect(r.code).toBe(0);
    expect((await run("validate", "fixtures/example.roster.json", out)).code).toBe(0);
    const bad = await run("schedule", "fixtures/example.roster.json", "--construction", "nearest", "-q", "-o", out);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--construction must be compact or familiar, got "nearest"');
  });

  it("the time limit is a wall: schedule --time-limit 5 on the 300-client bench district writes its file in under 15 s (a limit, not a speed test)", async () => {
    const roster = "../shared/bench/homecare/district-103.roster.json";
    const out = join(dir, "d103.schedule.json");
    const r = await writesWithin(15, "schedule", roster, "--time-limit", "5", "-q", "-o", out);
    expect((await run("validate", roster, out)).code).toBe(0);
    expect(r.out).toMatch(/lower bound on U21401: +\d/);
  });

  it("the time limit is a wall for 1177 too: staff --time-limit 5 on region 105 (60 nurses, made outside) writes a roster that keeps every rule in under 15 s (a limit, not a speed test)", async () => {
    // the dates' first round had no deadline (about 36 s here), and a search cut by the limit left a nurse below -10 %
    const calls = "../shared/bench/calls/region-105.calls.json";
    const out = join(dir, "r105.staffing.json");
    await writesWithin(15, "staff", calls, "--time-limit", "5", "-q", "-o", out);
    expect((await run("validate-staffing", calls, out)).out).toMatch(/^valid: \d+ shifts keep every rule/);
    // the nurses the cut search left outside ±5 % are said to be there for want of time, not for the calls
    const reasons: string[] = JSON.parse(readFileSync(out, "utf8")).summary.nurses.flatMap((x: { outsideAim?: string }) => (x.outsideAim ? [x.outsideAim] : []));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).not.toMatch(/answers more calls/);
  });

  it("bad input exits 2 with the field path, never a stack trace", async () => {
    const roster = JSON.parse(readFileSync("fixtures/example.roster.json", "utf8"));
    roster.clients[3].visits[1].latest = "00:00";
    roster.clients[0].colour = "blue";
    writeFileSync(join(dir, "bad.roster.json"), JSON.stringify(roster));
    const r = await run("score", join(dir, "bad.roster.json"), "fixtures/example.before.csv");
    expect(r.code).toBe(2);
    expect(r.err).toContain("clients[3].visits[1].latest: latest must not be before earliest");
    expect(r.err).toContain("clients[0].colour: unknown field");
    expect(r.err).not.toMatch(/\n\s+at /);
    expect((await run("score", "nope.json", B)).err).toContain("nope.json: no such file");
    expect((await run("frobnicate")).code).toBe(2);
    expect((await run("score", R)).code).toBe(2);
  });

  it("1177: generate-calls, staff (JSON + CSV, before/after), validate-staffing catches a broken roster, forecast --backtest", async () => {
    const prefix = join(dir, "region");
    expect((await run("generate-calls", "--nurses", "10", "--days", "4", "--seed", "2", "-o", prefix)).code).toBe(0);
    const calls = `${prefix}.calls.json`;
    const history = `${prefix}.history.csv`;
    const staffed = await run("staff", calls, "--history", history, "--csv", join(dir, "roster.csv"), "--time-limit", "20", "-q");
    expect(staffed.code).toBe(0);
    expect(staffed.out).toMatch(/service level \(call-weighted\) +\d+\.\d % +\d+\.\d %/);
    expect(staffed.out).toMatch(/upper bound on the service level/);
    const file = JSON.parse(readFileSync(`${prefix}.staffing.json`, "utf8"));
    expect(file.intervals).toHaveLength(4 * 24 * 4);
    expect(file.roster[0]).toHaveProperty("break.start");
    expect(readFileSync(join(dir, "roster.csv"), "utf8").split("\n")[0]).toBe("nurse,date,template,start,end,break_start,break_end,paid_minutes");
    expect((await run("validate-staffing", calls, `${prefix}.staffing.json`)).code).toBe(0);
    // move one shift's break outside its window, and claim a staffed count the roster does not give
    file.roster[0].break = { start: file.roster[0].start, end: file.roster[0].start };
    file.intervals[0].staffed += 7;
    writeFileSync(join(dir, "broken.staffing.json"), JSON.stringify(file));
    const broken = await run("validate-staffing", calls, join(dir, "broken.staffing.json"));
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/breakInWindow/);
    expect(broken.out).toMatch(/intervals: .* says staffed/);
    const bt = await run("forecast", calls, "--history", history, "--backtest");
    expect(bt.code).toBe(0);
    expect(bt.out).toMatch(/WAPE \d+\.\d %/);
    const json = JSON.parse((await run("staff", calls, "--history", history, "--time-limit", "20", "--json", "-o", join(dir, "j.staffing.json"))).out);
    expect(json.after.serviceLevel).toBeGreaterThan(json.before.serviceLevel);
  });

  it("1177: bad input names the field and exits 2", async () => {
    writeFileSync(join(dir, "bad.calls.json"), JSON.stringify({ name: "x", period: { start: "2026-10-19", days: 2 }, intervalMinutes: 20 }));
    const r = await run("staff", join(dir, "bad.calls.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/intervalMinutes: must be 15, 30 or 60/);
    expect(r.err).toMatch(/nurses: is required/);
  });
});
