import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readRoster } from "../src/homecare/roster-io.js";
import { readScheduleCsv } from "../src/homecare/schedule-io.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { shiftTimelines, stopsOverlapping } from "../src/homecare/timeline.js";
import { TravelMatrix } from "../src/homecare/travel.js";

describe("shift timelines (the planner's Gantt)", () => {
  const roster = readRoster(readFileSync("fixtures/example.roster.json", "utf8"));
  const schedule = readScheduleCsv(readFileSync("fixtures/example.before.csv", "utf8"), roster);
  const timelines = shiftTimelines(roster, schedule, new TravelMatrix(roster.clients, roster.travel));

  it("lays out each shift's visits, travel and break without overlap, inside the shift", () => {
    for (const t of timelines) {
      const segs = [...t.segments].sort((a, b) => a.start - b.start);
      expect(segs).toEqual(t.segments); // already in time order
      for (const s of segs) {
        expect(s.start).toBeGreaterThanOrEqual(t.shift.start);
        expect(s.end).toBeLessThanOrEqual(t.shift.end);
        expect(s.end).toBeGreaterThan(s.start);
      }
      for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBeGreaterThanOrEqual(segs[i - 1]!.end);
    }
  });

  it("places one break per shift that has one, inside its window, and the travel the metrics count", () => {
    for (const t of timelines) {
      const breaks = t.segments.filter((s) => s.kind === "break");
      if (!t.shift.break) {
        expect(breaks).toEqual([]);
        continue;
      }
      expect(breaks).toHaveLength(1);
      expect(breaks[0]!.end - breaks[0]!.start).toBe(t.shift.break.minutes);
      expect(breaks[0]!.start).toBeGreaterThanOrEqual(t.shift.break.earliest);
      expect(breaks[0]!.start).toBeLessThanOrEqual(t.shift.break.latest);
    }
    const travel = timelines.flatMap((t) => t.segments).filter((s) => s.kind === "travel").reduce((sum, s) => sum + s.end - s.start, 0);
    expect(travel).toBe(computeMetrics(roster, schedule).travelMinutes);
    const visits = timelines.flatMap((t) => t.segments).filter((s) => s.kind === "visit").length;
    expect(visits).toBe(schedule.assignments.reduce((n, a) => n + a.caregivers.length, 0));
  });
});

describe("stopsOverlapping", () => {
  it("finds what a filter of every stop finds, on sorted stops of any lengths, overlapping or not", () => {
    const stop = fc.record({ start: fc.integer({ min: 0, max: 3000 }), length: fc.integer({ min: 0, max: 600 }) });
    fc.assert(
      fc.property(fc.array(stop, { maxLength: 40 }), fc.integer({ min: -100, max: 3200 }), fc.integer({ min: 0, max: 900 }), (raw, from, span) => {
        const stops = raw.map((s, i) => ({ key: `s${i}`, client: 0, start: s.start, end: s.start + s.length })).sort((a, b) => a.start - b.start);
        const longest = stops.reduce((m, s) => Math.max(m, s.end - s.start), 0);
        expect(stopsOverlapping(stops, from, from + span, longest)).toEqual(stops.filter((s) => s.start < from + span && s.end > from));
      }),
      { numRuns: 2000 },
    );
  });
});
