import { readFileSync } from "node:fs";
import { generateFixture } from "../cli/fixture.js";
import { rosterSchema } from "../src/homecare/schema.js";
import type { Roster, Schedule } from "../src/homecare/model.js";
import { normalizeRoster } from "../src/homecare/normalize.js";
import { readScheduleCsv } from "../src/homecare/schedule-io.js";
import { addDays, localTimeToAbs } from "../src/common/time.js";
import { explainClient, recommend } from "../solver/homecare/advice.js";
import { runReplan } from "../solver/homecare/replan-run.js";
import { runHomecare } from "../solver/homecare/run.js";

/**
 * Issue 18's targets on a district made outside this project (district-103, 300 clients) and on
 * one of our own (city, 300 clients), each with two published schedules: its hand-made one and
 * Kontinuum's. A sick call for each of the five caregivers with the most visits on the period's
 * third and fourth day, from 06:30 on the third for two days: seconds, changed assignments per
 * assignment the absence removed, caregivers new to a client, unassigned, U21401 before and
 * after. Then recommend on 50 occurrences and explain on 30 clients, the slowest of each.
 */

export type ReplanSource = "hand-made" | "kontinuum";

const OUTSIDE_DIR = new URL("../../../shared/bench/homecare/", import.meta.url);

function district(name: string): { input: ReturnType<typeof rosterSchema.parse>; roster: Roster; hand: Schedule } {
  if (name === "city-300") {
    const f = generateFixture({ clients: 300, seed: 13, family: "city" });
    return { input: f.input, roster: f.roster, hand: f.handmade };
  }
  const input = rosterSchema.parse(JSON.parse(readFileSync(new URL(`${name}.roster.json`, OUTSIDE_DIR), "utf8")));
  const roster = normalizeRoster(input);
  return { input, roster, hand: readScheduleCsv(readFileSync(new URL(`${name}.before.csv`, OUTSIDE_DIR), "utf8"), roster) };
}

const ms = (f: () => unknown) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

export async function replanCase(name: string, source: ReplanSource, solveSeconds: number): Promise<string[][]> {
  const { input, roster, hand } = district(name);
  const published = source === "hand-made" ? hand : (await runHomecare(roster, { seed: 1, timeLimitSeconds: solveSeconds })).schedule;
  const first = roster.days[2]!.date;
  const to = addDays(first, 2);
  const now = `${first}T06:30`;
  const count = new Map<string, number>();
  for (const a of published.assignments) if (a.date === first || a.date === roster.days[3]!.date) for (const c of a.caregivers) count.set(c, (count.get(c) ?? 0) + 1);
  const sick = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([id]) => id);
  const rows: string[][] = [];
  for (const caregiver of sick) {
    const changes = { roster: roster.name, now, changes: [{ type: "caregiverAbsent" as const, caregiver, from: now, to }] };
    const started = process.hrtime.bigint();
    const run = runReplan(input, roster, published, changes);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const fromAbs = localTimeToAbs(roster.zone, now)!;
    const removed = published.assignments.filter((a) => a.caregivers.includes(caregiver) && a.start >= fromAbs && a.date < to).length;
    const s = run.report.summary;
    const newlyUnassigned = s.unassigned - published.unassigned.length;
    rows.push([
      `${name} (${source})`,
      caregiver,
      seconds.toFixed(2),
      String(removed),
      String(s.changedAssignments),
      (s.changedAssignments / Math.max(1, removed)).toFixed(2),
      String(s.caregiversNewToAClient),
      String(newlyUnassigned),
      `${s.u21401.before} -> ${s.u21401.after} (${(s.u21401.after! - s.u21401.before!) >= 0 ? "+" : ""}${(s.u21401.after! - s.u21401.before!).toFixed(2)})`,
    ]);
  }
  // recommend and explain, the slowest of many
  const assigned = published.assignments.filter((a) => a.date === roster.days[3]!.date);
  const step = Math.max(1, Math.floor(assigned.length / 50));
  const recommendMs = assigned.filter((_, i) => i % step === 0).slice(0, 50).map((a) => ms(() => recommend(roster, published, `${a.client}/${a.visit}/${a.date}`, 5)));
  const clients = roster.clients.filter((_, i) => i % Math.max(1, Math.floor(roster.clients.length / 30)) === 0).slice(0, 30);
  const explainMs = clients.map((c) => ms(() => explainClient(roster, published, c.id)));
  const stat = (xs: number[]) => `${Math.max(...xs).toFixed(0)} ms (median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0)})`;
  rows.push([`${name} (${source})`, "recommend, slowest of " + recommendMs.length, stat(recommendMs), "", "", "", "", "", ""]);
  rows.push([`${name} (${source})`, "explain, slowest of " + explainMs.length, stat(explainMs), "", "", "", "", "", ""]);
  return rows;
}
