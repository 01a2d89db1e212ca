import type { Roster, Schedule, Shift } from "./model.js";
import { occurrenceKey } from "./model.js";
import type { TravelMatrix } from "./travel.js";

/** One visit in a caregiver's day, as read from a schedule. */
export interface Stop {
  key: string;
  client: number;
  start: number;
  end: number;
}

/** Each caregiver's visits in time order (index = caregiver index); unknown ids are skipped. */
export function caregiverStops(roster: Roster, schedule: Schedule): Stop[][] {
  const cgIndex = new Map(roster.caregivers.map((c) => [c.id, c.index]));
  const clientIndex = new Map(roster.clients.map((c) => [c.id, c.index]));
  const stops: Stop[][] = roster.caregivers.map(() => []);
  for (const a of schedule.assignments) {
    const client = clientIndex.get(a.client);
    if (client === undefined) continue;
    a.caregivers.forEach((id, k) => {
      const cg = cgIndex.get(id);
      if (cg === undefined) return;
      const start = a.caregiverStarts?.[k] ?? a.start;
      stops[cg]!.push({ key: occurrenceKey(a.client, a.visit, a.date), client, start, end: start + (a.end - a.start) });
    });
  }
  for (const list of stops) list.sort((x, y) => x.start - y.start || x.end - y.end);
  return stops;
}

/** Index of the shift that contains [start, end], or -1. */
export function shiftContaining(shifts: readonly Shift[], start: number, end: number): number {
  for (let i = 0; i < shifts.length; i++) if (shifts[i]!.start <= start && end <= shifts[i]!.end) return i;
  return -1;
}

/**
 * Travel minutes of one caregiver: between consecutive visits of the same shift (a caregiver's
 * route; the commute to the first visit and from the last is not part of the spec's measure).
 */
export function travelOfStops(stops: readonly Stop[], shifts: readonly Shift[], travel: TravelMatrix): number {
  let total = 0;
  for (let i = 1; i < stops.length; i++) {
    const prev = stops[i - 1]!;
    const next = stops[i]!;
    const s = shiftContaining(shifts, prev.start, prev.end);
    if (s >= 0 && s === shiftContaining(shifts, next.start, next.end)) total += travel.between(prev.client, next.client);
  }
  return total;
}

/**
 * Whether a shift's floating break fits between the given busy stops (sorted, inside the shift):
 * a gap that holds the break plus the travel across it, with the break starting in its window.
 * Travel may be split around the break (drive, pause, drive on).
 */
export function breakFits(shift: Shift, stops: readonly Stop[], travel: TravelMatrix): boolean {
  const brk = shift.break;
  if (!brk) return true;
  let gapStart = shift.start;
  let prevClient = -1;
  for (let i = 0; i <= stops.length; i++) {
    const next = stops[i];
    const gapEnd = next ? next.start : shift.end;
    const t = next && prevClient >= 0 ? travel.between(prevClient, next.client) : 0;
    if (gapEnd - gapStart - t >= brk.minutes && Math.max(gapStart, brk.earliest) <= Math.min(gapEnd - brk.minutes, brk.latest))
      return true;
    if (next) {
      gapStart = Math.max(gapStart, next.end);
      prevClient = next.client;
    }
  }
  return false;
}
