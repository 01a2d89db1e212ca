import type { Occurrence, Schedule } from "../../src/homecare/model.js";
import { mayServe } from "../../src/homecare/rules.js";
import type { RouteState } from "./routes.js";
import { explainUnassigned } from "./explain.js";

/** Orders the caregivers to try for an occurrence (first = most wanted). */
export type CandidateOrder = (o: Occurrence, candidates: number[]) => number[];

/** How a chosen team is placed: by default straight into the route state. */
export type Placer = (o: Occurrence, caregivers: number[], start: number) => void;

/** The caregivers who could do the occurrence at all: eligible, with a shift that can hold it. */
export function candidatesByDay(state: RouteState): (o: Occurrence) => number[] {
  const { roster } = state;
  // skills, exclusions and shifts do not change while solving: each list is worked out once (callers do not mutate it)
  const known: (number[] | undefined)[] = new Array(roster.occurrences.length);
  return (o) => (known[o.index] ??= roster.caregivers.filter((c) => mayServe(roster, c, o)).map((c) => c.index));
}

/**
 * Places one occurrence with the first feasible caregiver (or pair, for dubbelbemanning) in the
 * given order; returns whether it was placed.
 */
export function insertOccurrence(
  state: RouteState,
  o: Occurrence,
  ordered: number[],
  fixed: number[] = [],
  place: Placer = (occ, cgs, start) => state.place(cgs, occ, start),
): boolean {
  if (fixed.length >= o.staff) {
    const start = state.findStart(fixed, o);
    if (start === null) return false;
    place(o, fixed, start);
    return true;
  }
  const pool = ordered.filter((c) => !fixed.includes(c));
  if (o.staff - fixed.length === 1) {
    for (const cg of pool) {
      const team = [...fixed, cg];
      const start = state.findStart(team, o);
      if (start !== null) {
        place(o, team, start);
        return true;
      }
    }
    return false;
  }
  // two to choose: each caregiver with any room, paired with the best partner that fits
  const [lo, hi] = state.gapBounds(o);
  const open = pool.filter((cg) => state.startRanges(cg, o, lo, hi).length > 0);
  for (let i = 0; i < open.length; i++)
    for (let j = i + 1; j < open.length; j++) {
      const team = [open[i]!, open[j]!];
      const start = state.findStart(team, o);
      if (start !== null) {
        place(o, team, start);
        return true;
      }
    }
  return false;
}

/**
 * The order a planner fills a day: visits needing two people or a delegated skill first, then by
 * latest start (tightest deadline first), so the few who can do them are not taken by easy ones.
 */
export function byDifficulty(occurrences: readonly Occurrence[]): Occurrence[] {
  const hard = (o: Occurrence) => (o.staff === 2 ? 2 : 0) + (o.skills.length ? 1 : 0);
  return [...occurrences].sort((a, b) => a.day - b.day || hard(b) - hard(a) || a.latest - b.latest || a.earliest - b.earliest || a.index - b.index);
}

/**
 * Greedy construction in the given occurrence order: pinned occurrences first (with their pinned
 * caregivers), then the rest; what finds no one stays unplaced.
 */
export function construct(
  state: RouteState,
  order: readonly Occurrence[],
  rank: CandidateOrder,
  place?: Placer,
): void {
  const candidates = candidatesByDay(state);
  const pinned = new Map(state.roster.pins.map((p) => [p.occurrence, p.caregivers]));
  const ordered = [...order].sort((a, b) => Number(pinned.has(b.index)) - Number(pinned.has(a.index)));
  for (const o of ordered) {
    if (state.start[o.index]! >= 0) continue;
    const fixed = pinned.get(o.index) ?? [];
    insertOccurrence(state, o, rank(o, candidates(o)), fixed, place);
  }
}

/** The state as a schedule: assignments with ids, every other occurrence unassigned with its reason. */
export function toSchedule(state: RouteState): Schedule {
  const { roster } = state;
  const schedule: Schedule = { roster: roster.name, assignments: [], unassigned: [] };
  for (const o of roster.occurrences) {
    const client = roster.clients[o.client]!.id;
    const start = state.start[o.index]!;
    if (start >= 0)
      schedule.assignments.push({
        client,
        visit: o.visitId,
        date: o.date,
        start,
        end: start + o.duration,
        caregivers: state.assigned[o.index]!.map((cg) => roster.caregivers[cg]!.id),
      });
    else schedule.unassigned.push({ client, visit: o.visitId, date: o.date, reason: explainUnassigned(state, o) });
  }
  return schedule;
}
