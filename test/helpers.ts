import { normalizeRoster } from "../src/homecare/normalize.js";
import type { Roster, Schedule } from "../src/homecare/model.js";
import { rosterSchema, type RosterInput } from "../src/homecare/schema.js";

/** A small valid roster: two caregivers with day shifts, two clients in two buildings. */
export function smallRosterInput(overrides: Partial<RosterInput> = {}): RosterInput {
  return rosterSchema.parse({
    name: "test",
    period: { start: "2026-10-19", days: 2 },
    caregivers: [
      { id: "anna", skills: ["insulin"], shifts: [{ date: "2026-10-19", start: "07:00", end: "16:00", breakMinutes: 30, breakEarliest: "10:00", breakLatest: "14:00" }, { date: "2026-10-20", start: "07:00", end: "16:00" }] },
      { id: "bo", shifts: [{ date: "2026-10-19", start: "07:00", end: "16:00" }, { date: "2026-10-20", start: "07:00", end: "16:00" }] },
    ],
    clients: [
      {
        id: "k1",
        location: { lat: 57.7, lon: 11.97 },
        contactPerson: "anna",
        birthYear: 1940,
        visits: [
          { id: "morgon", days: "daily", earliest: "07:30", latest: "08:30", durationMinutes: 30 },
          { id: "lunch", days: "daily", earliest: "11:30", latest: "12:30", durationMinutes: 30, minGapAfter: { visit: "morgon", minutes: 180 } },
        ],
      },
      {
        id: "k2",
        location: { lat: 57.71, lon: 11.99 },
        visits: [{ id: "insulin", days: "daily", earliest: "08:00", latest: "09:00", durationMinutes: 15, skills: ["insulin"] }],
      },
    ],
    ...overrides,
  });
}

export function smallRoster(overrides: Partial<RosterInput> = {}): Roster {
  return normalizeRoster(smallRosterInput(overrides));
}

/** Minute of a Stockholm wall time on a date in October 2026 after the change (UTC+1) or before (UTC+2). */
export function sthlm(date: string, clock: string): number {
  const offset = date >= "2026-10-25" || date < "2026-03-29" ? 60 : 120;
  const [h, m] = clock.split(":").map(Number) as [number, number];
  return Date.parse(`${date}T00:00:00Z`) / 60000 + h * 60 + m - offset;
}

/** A valid schedule for smallRoster(): anna does k1 and k2's insulin, bo is free. */
export function validSmallSchedule(): Schedule {
  const a = (client: string, visit: string, date: string, clock: string, minutes: number, caregivers: string[]) => ({
    client, visit, date, start: sthlm(date, clock), end: sthlm(date, clock) + minutes, caregivers,
  });
  return {
    assignments: [
      a("k1", "morgon", "2026-10-19", "07:30", 30, ["anna"]),
      a("k2", "insulin", "2026-10-19", "08:15", 15, ["anna"]),
      a("k1", "lunch", "2026-10-19", "11:30", 30, ["anna"]),
      a("k1", "morgon", "2026-10-20", "07:30", 30, ["bo"]),
      a("k2", "insulin", "2026-10-20", "08:00", 15, ["anna"]),
      a("k1", "lunch", "2026-10-20", "12:00", 30, ["bo"]),
    ],
    unassigned: [],
  };
}
