import type { Roster, Schedule, Shift } from "./model.js";
import { occurrenceKey } from "./model.js";
import type { TravelMatrix } from "./travel.js";
import { rosterIndex } from "./roster-index.js";

/** One visit in a caregiver's day, as read from a schedule. */
export interface Stop {
  key: string;
  client: number;
  start: number;
  end: number;
}

/** Each caregiver's visits in time order (index = caregiver index); unknown ids are skipped. `keys`: each assignment's occurrence key, where the caller has them. */
export function caregiverStops(roster: Roster, schedule: Schedule, keys?: readonly string[]): Stop[][] {
  const { caregiverById, clientIndexById } = rosterIndex(roster);
  const stops: Stop[][] = roster.caregivers.map(() => []);
  for (let i = 0; i < schedule.assignments.length; i++) {
    const a = schedule.assignments[i]!;
    const client = clientIndexById.get(a.client);
    if (client === undefined) continue;
    const key = keys?.[i] ?? occurrenceKey(a.client, a.visit, a.date);
    for (let k = 0; k < a.caregivers.length; k++) {
      const cg = caregiverById.get(a.caregivers[k]!);
      if (cg === undefined) continue;
      const start = a.caregiverStarts?.[k] ?? a.start;
      const end = a.caregiverEnds?.[k] ?? start + (a.end - a.start);
      stops[cg.index]!.push({ key, client, start, end });
    }
  }
  for (const list of stops) list.sort((x, y) => x.start - y.start || x.end - y.end);
  return stops;
}

/** First index whose stop starts at or after `t` (stops sorted by start). */
export function lowerBound(stops: readonly Stop[], t: number): number {
  let lo = 0;
  let hi = stops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stops[mid]!.start < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The stops (sorted by start) that overlap [from, to): those that start before `to` and end after
 * `from`, found by a binary search, not a pass over the whole two weeks: none that starts more than
 * `longest` (the longest of the stops) before `from` can reach it. Into `into` when given (emptied
 * first: the solver reuses one list), else a new list.
 */
export function stopsOverlapping<S extends Stop>(stops: readonly S[], from: number, to: number, longest: number, into: S[] = []): S[] {
  into.length = 0;
  for (let i = lowerBound(stops, from - longest); i < stops.length && stops[i]!.start < to; i++) if (stops[i]!.end > from) into.push(stops[i]!);
  return into;
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
 * Where a shift's floating break goes between the given busy stops (sorted, inside the shift): the
 * first gap that holds the break plus the travel across it, at the earliest start its window
 * allows; null when no gap does (or the shift has no break). Travel may be split around the break
 * (drive, pause, drive on).
 */
export function breakStart(shift: Shift, stops: readonly Stop[], travel: TravelMatrix): number | null {
  const brk = shift.break;
  if (!brk) return null;
  let gapStart = shift.start;
  let prevClient = -1;
  for (let i = 0; i <= stops.length; i++) {
    const next = stops[i];
    const gapEnd = next ? next.start : shift.end;
    const t = next && prevClient >= 0 ? travel.between(prevClient, next.client) : 0;
    const start = Math.max(gapStart, brk.earliest);
    if (gapEnd - gapStart - t >= brk.minutes && start <= Math.min(gapEnd - brk.minutes, brk.latest)) return start;
    if (next) {
      gapStart = Math.max(gapStart, next.end);
      prevClient = next.client;
    }
  }
  return null;
}

/** Whether a shift's floating break fits between the given busy stops (see breakStart). */
export function breakFits(shift: Shift, stops: readonly Stop[], travel: TravelMatrix): boolean {
  return !shift.break || breakStart(shift, stops, travel) !== null;
}

export interface Segment {
  kind: "visit" | "travel" | "break";
  start: number;
  end: number;
  /** the visit's occurrence key (client/visit/date) and client index */
  key?: string;
  client?: number;
}

export interface ShiftTimeline {
  caregiver: number;
  shift: Shift;
  segments: Segment[];
}

/**
 * Each caregiver's shifts as a planner reads them: visits, the drive to the next visit right after
 * each one, and the break where breakStart puts it (a drive across it is split around it).
 */
export function shiftTimelines(roster: Roster, schedule: Schedule, travel: TravelMatrix): ShiftTimeline[] {
  const stops = caregiverStops(roster, schedule);
  return roster.caregivers.flatMap((cg) =>
    cg.shifts.map((shift) => {
      const inside = stops[cg.index]!.filter((s) => shift.start <= s.start && s.end <= shift.end);
      const brkStart = breakStart(shift, inside, travel);
      const brkEnd = brkStart === null ? null : brkStart + shift.break!.minutes;
      const segments: Segment[] = [];
      if (brkStart !== null && brkEnd !== null && (inside.length === 0 || brkEnd <= inside[0]!.start)) segments.push({ kind: "break", start: brkStart, end: brkEnd });
      inside.forEach((stop, i) => {
        segments.push({ kind: "visit", start: stop.start, end: stop.end, key: stop.key, client: stop.client });
        const next = inside[i + 1];
        const t = next ? travel.between(stop.client, next.client) : 0;
        const breakHere = brkStart !== null && brkEnd !== null && brkStart >= stop.end && brkEnd <= (next?.start ?? shift.end);
        const before = breakHere ? Math.min(t, brkStart - stop.end) : t;
        if (before > 0) segments.push({ kind: "travel", start: stop.end, end: stop.end + before });
        if (breakHere) {
          segments.push({ kind: "break", start: brkStart, end: brkEnd });
          if (t > before) segments.push({ kind: "travel", start: brkEnd, end: brkEnd + t - before });
        }
      });
      return { caregiver: cg.index, shift, segments };
    }),
  );
}
