import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/common/errors.js";
import type { ChangesInput } from "../src/homecare/changes.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { readRosterWithInput } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleToJson } from "../src/homecare/schedule-io.js";
import { isChanged } from "../src/homecare/replan-report.js";
import { runReplan } from "../solver/homecare/replan-run.js";
import { explainClient, recommend } from "../solver/homecare/advice.js";
import type { Schedule } from "../src/homecare/model.js";
import { addDays, isoToAbs } from "../src/common/time.js";

// the bundled example: 12 clients, 18 caregivers, its hand-made schedule as the published one
const { input, roster } = readRosterWithInput(readFileSync("fixtures/example.roster.json", "utf8"));
const published = readSchedule(readFileSync("fixtures/example.before.csv", "utf8"), roster);
const NAME = roster.name;
const NOW = "2026-10-21T06:30";
const nowAbs = isoToAbs("2026-10-21T06:30:00+02:00")!; // summer time until 2026-10-25

const replan = (changes: ChangesInput["changes"], now = NOW) => runReplan(input, roster, published, { roster: NAME, now, changes });
const key = (a: { client: string; visit: string; date: string }) => `${a.client}/${a.visit}/${a.date}`;
const jsonOf = (s: Schedule) => (scheduleToJson(roster, s) as { assignments: { start: string }[] }).assignments;

/** Published assignments started before now, as the output JSON writes them. */
const frozenJson = (s: Schedule, r = roster) => JSON.stringify((scheduleToJson(r, s) as { assignments: { start: string }[] }).assignments.filter((a) => a.start < "2026-10-21T06:30"));

/** The caregiver with the most published visits on the given dates. */
function busiest(dates: string[]): string {
  const n = new Map<string, number>();
  for (const a of published.assignments) if (dates.includes(a.date)) for (const c of a.caregivers) n.set(c, (n.get(c) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

describe("replan (shared/spec/replan.md)", () => {
  it("an empty change list returns the published schedule unchanged", () => {
    const run = replan([]);
    expect(JSON.stringify(jsonOf(run.schedule))).toBe(JSON.stringify(jsonOf(published)));
    expect(run.report.summary.changedAssignments).toBe(0);
    expect(run.report.changed).toEqual([]);
  });

  it("a sick call from 06:30: her later visits go to others, the frozen part is byte-identical, at most 1.5 changes per removed visit", () => {
    const sick = busiest(["2026-10-21", "2026-10-22"]);
    const run = replan([{ type: "caregiverAbsent", caregiver: sick, from: "2026-10-21T06:30", to: "2026-10-23" }]);
    expect(validateSchedule(run.roster, run.schedule)).toEqual([]);
    const removed = published.assignments.filter((a) => a.caregivers.includes(sick) && a.start >= nowAbs && a.date < "2026-10-23");
    expect(removed.length).toBeGreaterThan(0);
    for (const a of run.schedule.assignments) if (a.date >= "2026-10-21" && a.date < "2026-10-23" && a.start >= nowAbs) expect(a.caregivers).not.toContain(sick);
    expect(frozenJson(run.schedule, run.roster)).toBe(frozenJson(published));
    expect(run.report.summary.unassigned).toBe(0);
    expect(run.report.summary.changedAssignments).toBeLessThanOrEqual(1.5 * removed.length);
    expect(run.report.changed.every((c) => c.why.startsWith(`${sick} absent`) || c.why.startsWith("moved to make room"))).toBe(true);
    // her visits after the absence are kept
    const after = (s: Schedule) => s.assignments.filter((a) => a.date >= "2026-10-23" && a.caregivers.includes(sick)).map(key).sort();
    expect(after(run.schedule)).toEqual(after(published));
  });

  it("a client in hospital: no visits in [from, to], each listed as removed, not counted as changed", () => {
    const run = replan([{ type: "clientAway", client: "k001", from: "2026-10-21", to: "2026-10-24" }]);
    expect(validateSchedule(run.roster, run.schedule)).toEqual([]);
    expect(run.schedule.assignments.some((a) => a.client === "k001" && a.date >= "2026-10-21" && a.date <= "2026-10-24")).toBe(false);
    const gone = published.assignments.filter((a) => a.client === "k001" && a.date >= "2026-10-21" && a.date <= "2026-10-24");
    expect(run.report.changed.filter((c) => c.why === "k001 away 2026-10-21 to 2026-10-24")).toHaveLength(gone.length);
    expect(run.report.summary.changedAssignments).toBe(0);
  });

  it("a cancelled visit goes, a new visit is planned, a substitute and an extra shift are used", () => {
    const cancelled = published.assignments.find((a) => a.date === "2026-10-22")!;
    const run = replan([
      { type: "visitCancelled", client: cancelled.client, visit: cancelled.visit, date: "2026-10-22" },
      { type: "visitAdded", client: "k003", visit: { id: "tillsyn", days: ["2026-10-21", "2026-10-22"], earliest: "14:00", latest: "15:00", durationMinutes: 20 } },
      { type: "caregiverAdded", caregiver: { id: "vik1", shifts: [{ date: "2026-10-21", start: "07:00", end: "15:00" }] } },
      { type: "shiftAdded", caregiver: "d01", shift: { date: "2026-10-23", start: "07:00", end: "12:00" } },
    ]);
    expect(validateSchedule(run.roster, run.schedule)).toEqual([]);
    expect(run.schedule.assignments.some((a) => key(a) === key(cancelled))).toBe(false);
    expect(run.report.changed.find((c) => key(c) === key(cancelled))!.why).toContain("cancelled");
    for (const date of ["2026-10-21", "2026-10-22"]) expect(run.schedule.assignments.some((a) => key(a) === `k003/tillsyn/${date}`)).toBe(true);
    expect(run.report.changed.filter((c) => c.visit === "tillsyn").every((c) => c.why.startsWith("a new visit"))).toBe(true);
    expect(run.roster.caregivers.some((c) => c.id === "vik1")).toBe(true);
  });

  it.each([
    ["visitCancelled", { type: "visitCancelled", client: "k002", visit: "morgon", date: "2026-10-22" }, (run: ReturnType<typeof replan>) => !run.schedule.assignments.some((a) => key(a) === "k002/morgon/2026-10-22")],
    ["visitAdded", { type: "visitAdded", client: "k002", visit: { id: "extra", days: ["2026-10-22"], earliest: "13:00", latest: "14:00", durationMinutes: 25 } }, (run: ReturnType<typeof replan>) => run.schedule.assignments.some((a) => key(a) === "k002/extra/2026-10-22")],
    ["caregiverAdded", { type: "caregiverAdded", caregiver: { id: "vik9", shifts: [{ date: "2026-10-22", start: "07:00", end: "12:00" }] } }, (run: ReturnType<typeof replan>) => run.roster.caregivers.some((c) => c.id === "vik9") && run.report.summary.changedAssignments === 0],
    ["shiftAdded", { type: "shiftAdded", caregiver: "d03", shift: { date: "2026-10-24", start: "17:00", end: "21:00" } }, (run: ReturnType<typeof replan>) => run.roster.caregivers.find((c) => c.id === "d03")!.shifts.some((s) => s.date === "2026-10-24" && s.end - s.start === 240)],
  ] as const)("%s alone: valid for the changed roster, with its effect, nothing else moved", (_name, change, effect) => {
    const run = replan([change as ChangesInput["changes"][number]]);
    expect(validateSchedule(run.roster, run.schedule)).toEqual([]);
    expect(effect(run)).toBe(true);
    expect(run.report.summary.changedAssignments).toBe(0);
  });

  it("rejects a change naming an unknown id, a wrong roster name or a time that does not exist, with its path", () => {
    const fails = (changes: unknown, path: string, extra: Partial<ChangesInput> = {}) => {
      try {
        runReplan(input, roster, published, { roster: NAME, now: NOW, changes, ...extra } as ChangesInput);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).issues.map((i) => i.path)).toContain(path);
        return;
      }
      throw new Error(`accepted: ${JSON.stringify(changes)}`);
    };
    fails([{ type: "caregiverAbsent", caregiver: "nobody", from: "2026-10-21", to: "2026-10-22" }], "changes[0].caregiver");
    fails([{ type: "clientAway", client: "k001", from: "2026-10-21", to: "2026-10-22" }, { type: "clientAway", client: "k999", from: "2026-10-21", to: "2026-10-22" }], "changes[1].client");
    fails([{ type: "visitCancelled", client: "k001", visit: "frukost", date: "2026-10-21" }], "changes[0].visit");
    fails([{ type: "visitCancelled", client: "k001", visit: "dusch", date: "2026-10-21" }, { type: "visitCancelled", client: "k001", visit: "dusch", date: "2026-10-21" }], "changes[1].date");
    fails([{ type: "shiftAdded", caregiver: "ghost", shift: { date: "2026-10-21", start: "07:00", end: "12:00" } }], "changes[0].caregiver");
    fails([{ type: "visitAdded", client: "k001", visit: { id: "extra", days: ["2026-12-24"], earliest: "10:00", latest: "11:00", durationMinutes: 20 } }], "changes[0].visit.days[0]");
    fails([{ type: "visitAdded", client: "k001", visit: { id: "morgon", days: "daily", earliest: "10:00", latest: "11:00", durationMinutes: 20 } }], "changes[0].visit.id");
    fails([{ type: "caregiverAdded", caregiver: { id: "d01", shifts: [] } }], "changes[0].caregiver.id");
    fails([], "roster", { roster: "another" });
    // 2026-03-29 02:30 does not exist in Stockholm
    fails([{ type: "caregiverAbsent", caregiver: "d01", from: "2026-03-29T02:30", to: "2026-10-22" }], "changes[0].from");
  });

  it("every re-planned schedule validates, and nothing started before now moves (property)", () => {
    const caregivers = roster.caregivers.map((c) => c.id);
    const clients = roster.clients.map((c) => c.id);
    const day = fc.integer({ min: 0, max: 13 }).map((d) => addDays("2026-10-19", d));
    const change = fc.oneof(
      fc.record({ type: fc.constant("caregiverAbsent" as const), caregiver: fc.constantFrom(...caregivers), from: day, days: fc.integer({ min: 1, max: 3 }) }).map((c) => ({ type: c.type, caregiver: c.caregiver, from: c.from, to: addDays(c.from, c.days) })),
      fc.record({ type: fc.constant("clientAway" as const), client: fc.constantFrom(...clients), from: day, days: fc.integer({ min: 0, max: 3 }) }).map((c) => ({ type: c.type, client: c.client, from: c.from, to: addDays(c.from, c.days) })),
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 4 }), fc.integer({ min: 0, max: 13 }), fc.constantFrom("06:30", "12:10", "18:45"), (changes, nowDay, clock) => {
        // mid-shift too: an absent caregiver's shift under way keeps the visits she has started
        const now = `${addDays("2026-10-19", nowDay)}T${clock}`;
        const run = replan(changes, now);
        expect(validateSchedule(run.roster, run.schedule)).toEqual([]);
        // nothing that had started by now moved, unless a change took it away
        const nowMinute = isoToAbs(`${now}:00+01:00`)! - (nowDay < 6 ? 60 : 0); // summer time until 2026-10-25
        const after = new Map(run.schedule.assignments.map((a) => [key(a), a]));
        const removed = new Set(run.report.changed.filter((c) => c.after === null && !c.why.includes("unassigned")).map(key));
        for (const a of published.assignments.filter((x) => x.start < nowMinute)) {
          if (removed.has(key(a))) continue;
          expect(after.get(key(a))).toEqual(a);
        }
      }),
      { numRuns: 25, seed: 18 },
    );
  });
});

describe("explain and recommend", () => {
  it("explain lists each caregiver a client meets and, per visit outside the team, what stops each team member", () => {
    const e = explainClient(roster, published, "k001");
    expect(e.caregivers.reduce((s, c) => s + c.visits, 0)).toBeGreaterThanOrEqual(e.visits - e.unassigned.length);
    expect(e.caregivers.some((c) => c.team)).toBe(true);
    for (const v of e.outsideTeam) {
      expect(v.by.every((id) => e.caregivers.find((c) => c.caregiver === id)!.team === false) || v.by.length === 2).toBe(true);
      for (const t of v.team) expect(t.reason).toMatch(/^(off shift|on |lacks skill|excluded|would pass maxMinutes|no room|minGapAfter|free)/);
    }
    expect(() => explainClient(roster, published, "nobody")).toThrow(InputError);
  });

  it("recommend: each option can really be placed, and an unknown occurrence is an input error", () => {
    const a = published.assignments.find((x) => x.date === "2026-10-22" && x.caregivers.length === 1)!;
    const r = recommend(roster, published, key(a), 5);
    expect(r.current).toEqual(a.caregivers);
    expect(r.options.length).toBeGreaterThan(0);
    for (const option of r.options) {
      expect(option.caregivers).not.toContain(a.caregivers[0]);
      expect(option.placements).toHaveLength(1 + option.moves.length);
      // apply it and check: the recommendation keeps every hard rule
      const placed = new Map(option.placements.map((p) => [p.occurrence, p]));
      const schedule: Schedule = {
        ...published,
        assignments: published.assignments.map((x) => {
          const p = placed.get(key(x));
          if (!p) return x;
          const start = isoToAbs(p.start)!;
          return { ...x, caregivers: p.caregivers, start, end: start + (x.end - x.start) };
        }),
      };
      expect(validateSchedule(roster, schedule)).toEqual([]);
    }
    expect(() => recommend(roster, published, "k001/morgon/2030-01-01")).toThrow(InputError);
  });
});
