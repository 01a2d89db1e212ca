import type { Occurrence, Roster, Schedule } from "../../src/homecare/model.js";
import { occurrenceKey } from "../../src/homecare/model.js";
import { localClock } from "../../src/homecare/clock.js";
import { holdsSkills, notExcludedBy, shiftCanHold } from "../../src/homecare/rules.js";
import type { TravelMatrix } from "../../src/homecare/travel.js";
import { RouteState } from "./routes.js";
import { lowerBound } from "../../src/homecare/timeline.js";

/**
 * What stops one caregiver from taking one occurrence now, found with the solver's own insertion
 * checks (routes.ts), in the order a scheduler would look: excluded, skill, shift, other visits,
 * maxMinutes, break. null: the caregiver can take it as the routes stand.
 */
export type Obstacle =
  | { kind: "excluded" }
  | { kind: "skill"; missing: string[] }
  | { kind: "offShift"; shifts: string }
  | { kind: "busy"; occurrences: number[] }
  | { kind: "minGapAfter"; occurrence: number }
  | { kind: "maxMinutes"; worked: number; max: number }
  | { kind: "break" };

export function obstacleFor(state: RouteState, cg: number, o: Occurrence): Obstacle | null {
  const { roster } = state;
  const c = roster.caregivers[cg]!;
  if (!notExcludedBy(roster, c, o)) return { kind: "excluded" };
  if (!holdsSkills(c, o)) return { kind: "skill", missing: o.skills.filter((s) => !c.skills.has(s)) };
  if (!shiftCanHold(c, o)) {
    const sameDay = c.shifts.filter((s) => s.date === o.date).map((s) => `${localClock(roster, s.start)}-${localClock(roster, s.end)}`);
    return { kind: "offShift", shifts: sameDay.length ? `works ${sameDay.join(", ")}` : `no shift on ${o.date}` };
  }
  const [lo, hi] = state.gapBounds(o);
  if (lo > hi && o.gapAfter) return { kind: "minGapAfter", occurrence: o.gapAfter.occurrence };
  const ranges = state.startRanges(cg, o, lo, hi);
  if (!ranges.length) return { kind: "busy", occurrences: blockingStops(state, cg, o).map((s) => s.occurrence) };
  if (state.findStart([cg], o) !== null) return null;
  const shift = c.shifts.find((s) => s.start <= ranges[0]![0] && ranges[0]![0] + o.duration <= s.end)!;
  const cost = state.insertionCost(cg, o, lowerBound(state.stops[cg]!, ranges[0]![0]), shift.start, shift.end);
  if (c.maxMinutes !== undefined && state.worked[cg]! + cost > c.maxMinutes) return { kind: "maxMinutes", worked: state.worked[cg]!, max: c.maxMinutes };
  return { kind: "break" };
}

/** cg's visits that lie in the way of the occurrence: those overlapping its window, travel included. */
export function blockingStops(state: RouteState, cg: number, o: Occurrence) {
  const [lo, hi] = state.gapBounds(o);
  return state.stops[cg]!.filter((s) => s.end + state.travel.between(s.client, o.client) > lo && s.start < hi + o.duration + state.travel.between(o.client, s.client));
}

/** One obstacle in a scheduler's words. */
export function describeObstacle(roster: Roster, state: RouteState, ob: Obstacle): string {
  switch (ob.kind) {
    case "excluded":
      return "excluded by the client";
    case "skill":
      return `lacks skill ${ob.missing.join(", ")}`;
    case "offShift":
      return `off shift (${ob.shifts})`;
    case "busy":
      return ob.occurrences.length
        ? `on ${ob.occurrences.map((i) => `${roster.occurrences[i]!.key} ${localClock(roster, state.start[i]!)}-${localClock(roster, state.start[i]! + roster.occurrences[i]!.duration)}`).join(", ")}`
        : "on other visits or travelling then";
    case "minGapAfter":
      return `minGapAfter: ${roster.occurrences[ob.occurrence]!.key} starts too late for this window`;
    case "maxMinutes":
      return `would pass maxMinutes (${ob.worked} of ${ob.max} worked)`;
    case "break":
      return "no room left for the shift's break";
  }
}

/**
 * The route state of a valid schedule, to ask insertion questions of it. The schedule must pass
 * the validator for this roster (callers check): each assignment is placed as it stands.
 */
export function stateOfSchedule(roster: Roster, schedule: Schedule, travel: TravelMatrix): RouteState {
  const state = new RouteState(roster, travel);
  const byKey = new Map(roster.occurrences.map((o) => [o.key, o]));
  const caregiverIndex = new Map(roster.caregivers.map((c) => [c.id, c.index]));
  for (const a of [...schedule.assignments].sort((x, y) => x.start - y.start)) {
    const o = byKey.get(occurrenceKey(a.client, a.visit, a.date))!;
    state.place(a.caregivers.map((id) => caregiverIndex.get(id)!), o, a.start);
  }
  return state;
}
