import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { normalizeRoster } from "../src/homecare/normalize.js";
import { computeMetrics, median } from "../src/homecare/figures.js";
import { readScheduleCsv, scheduleToCsv, scheduleToJson, scheduleFromValue } from "../src/homecare/schedule-io.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { haversineKm, travelMinutes } from "../src/homecare/travel.js";
import { rosterSchema, type RosterInput } from "../src/homecare/schema.js";
import type { Schedule } from "../src/homecare/model.js";
import { smallRosterInput, sthlm } from "./helpers.js";

const base = (visits: RosterInput["clients"][number]["visits"], extra: Partial<RosterInput["clients"][number]> = {}, days = 14) =>
  normalizeRoster(
    rosterSchema.parse({
      name: "t",
      period: { start: "2026-10-19", days },
      caregivers: [],
      clients: [{ id: "k", location: { lat: 57.7, lon: 11.97 }, visits, ...extra }],
    }),
  );
const dates = (r: ReturnType<typeof base>, visit: string) => r.occurrences.filter((o) => o.visitId === visit).map((o) => o.date);

describe("occurrence expansion", () => {
  it("daily, weekdays, weekends, weekday lists and explicit dates", () => {
    const r = base([
      { id: "a", days: "daily", earliest: "08:00", latest: "09:00", durationMinutes: 10 },
      { id: "b", days: "weekdays", earliest: "08:00", latest: "09:00", durationMinutes: 10 },
      { id: "c", days: "weekends", earliest: "08:00", latest: "09:00", durationMinutes: 10 },
      { id: "d", days: ["mon", "fri"], earliest: "08:00", latest: "09:00", durationMinutes: 10 },
      { id: "e", days: ["2026-10-21", "thu"], earliest: "08:00", latest: "09:00", durationMinutes: 10 },
    ]);
    expect(dates(r, "a")).toHaveLength(14);
    expect(dates(r, "b")).toHaveLength(10);
    expect(dates(r, "c")).toEqual(["2026-10-24", "2026-10-25", "2026-10-31", "2026-11-01"]);
    expect(dates(r, "d")).toEqual(["2026-10-19", "2026-10-23", "2026-10-26", "2026-10-30"]);
    expect(dates(r, "e")).toEqual(["2026-10-21", "2026-10-22", "2026-10-29"]);
  });

  it("everyOtherWeek keeps weeks 1 and 3 of the period; away days have no visits", () => {
    const r = base([{ id: "stad", days: ["tue"], everyOtherWeek: true, earliest: "10:00", latest: "12:00", durationMinutes: 60 }], {}, 21);
    expect(dates(r, "stad")).toEqual(["2026-10-20", "2026-11-03"]);
    const away = base([{ id: "a", days: "daily", earliest: "08:00", latest: "09:00", durationMinutes: 10 }], { away: [{ from: "2026-10-20", to: "2026-10-30" }] });
    expect(dates(away, "a")).toEqual(["2026-10-19", "2026-10-31", "2026-11-01"]);
    expect(away.awayKeys.has("k/a/2026-10-25")).toBe(true);
  });

  it("windows on the 25-hour day keep their wall clock", () => {
    const r = base([{ id: "a", days: "daily", earliest: "08:00", latest: "09:00", durationMinutes: 10 }]);
    const o = r.occurrences.find((x) => x.date === "2026-10-25")!;
    expect(o.earliest).toBe(Date.parse("2026-10-25T08:00:00+01:00") / 60000);
  });
});

describe("travel", () => {
  it("is haversine x detour / speed, rounded up, at least minMinutes, 0 at the same place", () => {
    const s = { speedKmh: 20, detourFactor: 1.3, minMinutes: 2 };
    expect(haversineKm(57.7, 11.97, 57.7, 11.97)).toBe(0);
    expect(travelMinutes({ lat: 57.7, lon: 11.97 }, { lat: 57.7, lon: 11.97 }, s)).toBe(0);
    expect(travelMinutes({ lat: 57.7, lon: 11.97 }, { lat: 57.70001, lon: 11.97 }, s)).toBe(2);
    const km = haversineKm(57.7, 11.97, 57.71, 11.99);
    expect(km).toBeCloseTo(1.627, 2); // planar check: hypot(0.01 deg lat = 1.112 km, 0.02 deg lon x cos 57.7 = 1.188 km)
    expect(travelMinutes({ lat: 57.7, lon: 11.97 }, { lat: 57.71, lon: 11.99 }, s)).toBe(Math.ceil((km * 1.3 * 60) / 20));
  });

  // the solver reads a visit's own row for drives in both directions (TravelMatrix), which is
  // exact only if the distance is symmetric to the last bit, not merely close
  it("is the same both ways, to the last bit", () => {
    const place = fc.record({ lat: fc.double({ min: 55, max: 69, noNaN: true }), lon: fc.double({ min: 11, max: 24, noNaN: true }) });
    const settings = fc.record({ speedKmh: fc.double({ min: 1, max: 80, noNaN: true }), detourFactor: fc.double({ min: 1, max: 5, noNaN: true }), minMinutes: fc.integer({ min: 0, max: 10 }) });
    fc.assert(
      fc.property(place, place, settings, (a, b, s) => {
        expect(haversineKm(a.lat, a.lon, b.lat, b.lon)).toBe(haversineKm(b.lat, b.lon, a.lat, a.lon));
        expect(travelMinutes(a, b, s)).toBe(travelMinutes(b, a, s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("Kolada continuity (U21401, U21402, U21436)", () => {
  const visits = [
    { id: "morgon", days: "daily" as const, earliest: "08:00", latest: "09:00", durationMinutes: 30 },
    { id: "kvall", days: "daily" as const, earliest: "19:00", latest: "20:00", durationMinutes: 30 },
    { id: "mat", days: "daily" as const, earliest: "12:00", latest: "12:30", durationMinutes: 5, kind: "meal-delivery" as const },
  ];
  const roster = base(visits, { birthYear: 1940 });
  const everyone = (staffFor: (o: { visitId: string; day: number }) => string[], startShift = 0): Schedule => ({
    assignments: roster.occurrences.map((o) => ({ client: "k", visit: o.visitId, date: o.date, start: o.earliest + startShift, end: o.earliest + startShift + o.duration, caregivers: staffFor(o) })),
    unassigned: [],
  });

  it("counts distinct persons on care visits 07-22 over 14 days, leaving meal deliveries out", () => {
    const m = computeMetrics(roster, everyone((o) => (o.visitId === "mat" ? [`m${o.day}`] : o.visitId === "morgon" ? [`d${o.day % 3}`] : ["e1"])));
    expect(m.counted).toBe(1);
    expect(m.u21401).toBe(4); // d0, d1, d2, e1; the 14 meal deliverers do not count
    expect(m.u21402).toBe(4);
    expect(m.u21436).toBe(0);
  });

  it("counts both persons of a double-staffed visit and reports more than 20 in U21436", () => {
    const m = computeMetrics(roster, everyone((o) => (o.visitId === "kvall" ? [`e${o.day}`, `f${o.day}`] : ["d"])));
    expect(m.u21401).toBe(29);
    expect(m.u21436).toBe(100);
  });

  it("does not count people on visits that start after 22:00", () => {
    const late = base([visits[0]!, { ...visits[1]!, earliest: "21:00", latest: "22:30" }], { birthYear: 1940 });
    const s: Schedule = {
      assignments: late.occurrences.map((o) => ({ client: "k", visit: o.visitId, date: o.date, start: o.visitId === "kvall" ? o.latest : o.earliest, end: (o.visitId === "kvall" ? o.latest : o.earliest) + o.duration, caregivers: [o.visitId === "kvall" ? `n${o.day}` : "d"] })),
      unassigned: [],
    };
    expect(computeMetrics(late, s).u21401).toBe(1);
  });

  it("leaves out clients under 65, away during the period, or without two visits every day", () => {
    expect(computeMetrics(base(visits, { birthYear: 1970 }), { assignments: [], unassigned: [] }).counted).toBe(0);
    expect(computeMetrics(base(visits, { birthYear: 1940, away: [{ from: "2026-10-25", to: "2026-10-25" }] }), { assignments: [], unassigned: [] }).counted).toBe(0);
    expect(computeMetrics(base([visits[0]!, { ...visits[1]!, days: "weekdays" }], { birthYear: 1940 }), { assignments: [], unassigned: [] }).counted).toBe(0);
    const noYear = computeMetrics(base(visits), { assignments: [], unassigned: [] });
    expect([noYear.counted, noYear.assumedAge]).toEqual([1, 1]);
  });

  it("flags a period shorter than 14 days as not comparable", () => {
    const m = computeMetrics(base(visits, { birthYear: 1940 }, 7), { assignments: [], unassigned: [] });
    expect([m.measuredDays, m.koladaComparable, m.counted]).toEqual([7, false, 1]);
  });

  it("median of an even count is the mean of the middle two", () => {
    expect(median([3, 1, 10, 4])).toBe(3.5);
    expect(median([])).toBeNull();
  });
});

describe("schedule files", () => {
  it("CSV round-trips, with a visit past midnight written with the next day's clock", () => {
    const input = smallRosterInput();
    input.caregivers[0]!.shifts.push({ date: "2026-10-20", start: "22:00", end: "06:00" });
    input.caregivers[0]!.shifts[1] = { date: "2026-10-20", start: "07:00", end: "16:00" };
    input.clients[1]!.visits.push({ id: "natt", days: ["2026-10-20"], earliest: "23:40", latest: "23:50", durationMinutes: 40 });
    const roster = normalizeRoster(input);
    const s: Schedule = { assignments: [{ client: "k2", visit: "natt", date: "2026-10-20", start: sthlm("2026-10-20", "23:45"), end: sthlm("2026-10-20", "23:45") + 40, caregivers: ["anna"] }], unassigned: [] };
    const csv = scheduleToCsv(roster, s);
    expect(csv).toBe("client,visit,date,start,end,caregiver\nk2,natt,2026-10-20,23:45,00:25,anna\n");
    const back = readScheduleCsv(csv, roster);
    expect(back.assignments).toEqual(s.assignments);
    expect(back.unassigned).toHaveLength(roster.occurrences.length - 1);
    const json = JSON.parse(JSON.stringify(scheduleToJson(roster, s)));
    expect(json.assignments[0].end).toBe("2026-10-21T00:25:00+02:00");
    expect(scheduleFromValue(json).assignments).toEqual(s.assignments);
  });

  it("rejects a CSV without the header, with bad times, or outside the period, naming the line", () => {
    const roster = normalizeRoster(smallRosterInput());
    expect(() => readScheduleCsv("k1,morgon,2026-10-19,07:30,08:00,anna\n", roster)).toThrow(/unknown column "k1"/);
    expect(() => readScheduleCsv("client,visit,date,start,end,caregiver\nk1,morgon,2026-10-19,7:30,08:00,anna\n", roster)).toThrow(/line 2.start/);
    expect(() => readScheduleCsv("client,visit,date,start,end,caregiver\nk1,morgon,2026-12-19,07:30,08:00,anna\n", roster)).toThrow(/outside the roster's period/);
  });
});

describe("shuffling the roster's clients", () => {
  const text = readFileSync(new URL("../fixtures/example.roster.json", import.meta.url), "utf8");
  const csv = readFileSync(new URL("../fixtures/example.before.csv", import.meta.url), "utf8");
  const input = JSON.parse(text) as RosterInput;
  const reference = readRoster(text);
  const referenceMetrics = computeMetrics(reference, readScheduleCsv(csv, reference));
  const sortedKeys = (r: typeof reference) => r.occurrences.map((o) => `${o.key}@${o.earliest}-${o.latest}`).sort();

  it("changes neither the occurrences nor the metrics", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(input.clients.map((_, i) => i), { minLength: input.clients.length }), (order) => {
        const shuffled = normalizeRoster(rosterSchema.parse({ ...input, clients: order.map((i) => input.clients[i]) }));
        expect(sortedKeys(shuffled)).toEqual(sortedKeys(reference));
        const m = computeMetrics(shuffled, readScheduleCsv(csv, shuffled));
        expect({ ...m, clients: [...m.clients].sort((a, b) => a.client.localeCompare(b.client)) }).toEqual({
          ...referenceMetrics,
          clients: [...referenceMetrics.clients].sort((a, b) => a.client.localeCompare(b.client)),
        });
      }),
      { numRuns: 15 },
    );
  });
});
