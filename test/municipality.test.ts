import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { generateFixture } from "../cli/fixture.js";
import { computeMetrics, municipalFigures } from "../src/homecare/figures.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readScheduleJson, scheduleToCsv } from "../src/homecare/schedule-io.js";
import { validateSchedule } from "../src/homecare/rules.js";

describe("kontinuum schedule DIR: a municipality", () => {
  it("plans every district in parallel, reports a broken one and goes on, and prints Kolada's figures over all counted clients", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kontinuum-municipality-"));
    for (const seed of [1, 2, 3]) {
      const f = generateFixture({ clients: 12, seed, name: `Distrikt ${seed}` });
      writeFileSync(join(dir, `d${seed}.roster.json`), JSON.stringify(f.input));
      writeFileSync(join(dir, `d${seed}.before.csv`), scheduleToCsv(f.roster, f.handmade));
    }
    writeFileSync(join(dir, "zz-broken.roster.json"), JSON.stringify({ name: "broken" }));
    // the built CLI, whose district worker file exists beside it (npm test builds first)
    const built = "../dist/cli/main.js";
    const { main } = (await import(built)) as typeof import("../cli/main.js");
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["schedule", dir, "--workers", "2", "--time-limit", "4", "-q", "-o", join(dir, "out")], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(code).toBe(2); // one district failed; the others were planned
    const text = out.join("\n");
    expect(text).toMatch(/zz-broken .*FAILED/);
    expect(err.join("\n")).toMatch(/zz-broken\.roster\.json.*period: is required/s);
    expect(text).toContain("municipality: 3 of 4 districts planned");
    // the municipal figure is over all counted clients together, from the schedules written
    const after = [1, 2, 3].map((seed) => {
      const roster = readRoster(readFileSync(join(dir, `d${seed}.roster.json`), "utf8"));
      const schedule = readScheduleJson(readFileSync(join(dir, "out", `d${seed}.schedule.json`), "utf8"));
      expect(validateSchedule(roster, schedule)).toEqual([]);
      readFileSync(join(dir, "out", `d${seed}.schedule.csv`), "utf8");
      return computeMetrics(roster, schedule);
    });
    const m = municipalFigures(after);
    const row = text.split("\n").find((l) => l.startsWith("U21401"))!;
    expect(row.trim().split(/\s+/).at(-1)).toBe(String(m.u21401));
    expect(m.counted).toBe(after.reduce((s, x) => s + x.counted, 0));
    // not the mean of the district means when the districts count different numbers of clients
    const counted = after.map((x) => x.counted);
    if (new Set(counted).size > 1) expect(m.u21401).not.toBe(Math.round((after.reduce((s, x) => s + x.u21401!, 0) / 3) * 100) / 100);
  });
});

describe("kontinuum schedule: the district threads", () => {
  it("keeps a slot's thread from district to district, and starts a new one after a thread dies with its district", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kontinuum-municipality-threads-"));
    // a stand-in for district-worker.js: answers with its thread id, or dies on a "crash" roster
    const standIn = join(dir, "stand-in.mjs");
    writeFileSync(
      standIn,
      `import { parentPort, threadId } from "node:worker_threads";
parentPort.on("message", (job) => {
  if (job.rosterPath.includes("crash")) process.exit(3);
  parentPort.postMessage({ kind: "failed", message: "thread " + threadId });
});`,
    );
    const { scheduleMunicipality } = await import("../cli/municipality.js");
    const err: string[] = [];
    const paths = ["a", "b", "c-crash", "d", "e"].map((n) => join(dir, `${n}.roster.json`));
    const code = await scheduleMunicipality(paths, { workers: 1, outDir: join(dir, "out"), csv: false, seed: 1, timeLimitSeconds: 1, travelWeight: 1, quiet: true, bound: false, districtWorker: pathToFileURL(standIn) }, { out: () => undefined, err: (s) => err.push(s) });
    expect(code).toBe(2);
    const thread = (n: string) => err.find((l) => l.includes(`${n}.roster.json`))!;
    expect(thread("c-crash")).toMatch(/the district's worker stopped \(exit 3\)/);
    const id = (n: string) => thread(n).match(/thread (\d+)/)![1];
    expect(id("a")).toBe(id("b"));
    expect(id("d")).not.toBe(id("a"));
    expect(id("e")).toBe(id("d"));
  });
});
