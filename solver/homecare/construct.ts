import type { Occurrence, Schedule } from "../../src/homecare/model.js";
import { mayServe } from "../../src/homecare/rules.js";
import type { RouteState } from "./routes.js";
import { explainUnassigned } from "./explain.js";

/** Orders the caregivers to try for an occurrence (first = most wanted). */
export type CandidateOrder = (o: Occurrence, candidates: number[]) => Iterable<number>;

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
  ordered: Iterable<number>,
  fixed: number[] = [],
  place: Placer = (occ, cgs, start) => state.place(cgs, occ, start),
): boolean {
  if (fixed.length >= o.staff) {
    const start = state.findStart(fixed, o);
    if (start === null) return false;
    place(o, fixed, start);
    return true;
  }
  if (o.staff - fixed.length === 1) {
    // taken as the order yields them: the first that fits ends it
    for (const cg of ordered) {
      if (fixed.includes(cg)) continue;
      // one caregiver: the gap of her route where the visit adds the least drive, not the first gap
      // (no team list built for each caregiver tried: most do not fit)
      const start = fixed.length === 0 ? (state.cheapestInsertion(cg, o)?.start ?? null) : state.findStart([...fixed, cg], o);
      if (start !== null) {
        place(o, [...fixed, cg], start);
        return true;
      }
    }
    return false;
  }
  // two to choose: each caregiver with any room (in the order given), paired with the best partner
  // that fits. Those with room are found as the pairs need them: when the first has a partner near
  // the front, the rest of the order is never ranked or checked (it was, for every pair visit).
  const [lo, hi] = state.gapBounds(o);
  const source = ordered[Symbol.iterator]();
  const open: number[] = [];
  let more = true;
  const openAt = (k: number): number | undefined => {
    while (more && open.length <= k) {
      const next = source.next();
      if (next.done) more = false;
      else if (!fixed.includes(next.value) && state.startRanges(next.value, o, lo, hi).length > 0) open.push(next.value);
    }
    return open[k];
  };
  for (let i = 0; openAt(i) !== undefined; i++)
    for (let j = i + 1; openAt(j) !== undefined; j++) {
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

/** What choosing a caregiver costs beyond the drive, in travel minutes (negative: a reason to choose it). */
export type ChoiceCost = (o: Occurrence, cg: number) => number;

/**
 * How many caregivers, taken in the ranked order, a cheapest-insertion construction compares for
 * one visit: enough to reach beyond the client's team to whoever is near; all of them on a
 * 1,000-client district would cost seconds for nothing (the ranked order puts the likely ones first).
 */
const CHEAPEST_OF = 40;

/**
 * Greedy construction in the given occurrence order: pinned occurrences first (with their pinned
 * caregivers), then the rest; what finds no one stays unplaced. Without `cost`, each goes to the
 * first feasible caregiver (or pair) in the ranked order. With it, each visit with one caregiver
 * goes, at the gap of its route that adds the least drive, to the caregiver for whom drive plus
 * `cost` is least among the first CHEAPEST_OF feasible ones in the ranked order (pinned visits and
 * dubbelbemanning still take the ranked order): routes built by their drive stay compact, and when
 * the cost spares yesterday's caregiver, a day repeats the last one's routes.
 */
export function construct(
  state: RouteState,
  order: readonly Occurrence[],
  rank: CandidateOrder,
  place: Placer = (occ, cgs, start) => state.place(cgs, occ, start),
  cost?: ChoiceCost,
): void {
  const candidates = candidatesByDay(state);
  const pinned = new Map(state.roster.pins.map((p) => [p.occurrence, p.caregivers]));
  const ordered = [...order].sort((a, b) => Number(pinned.has(b.index)) - Number(pinned.has(a.index)));
  for (const o of ordered) {
    if (state.start[o.index]! >= 0) continue;
    const fixed = pinned.get(o.index) ?? [];
    const ranked = rank(o, candidates(o));
    if (cost && o.staff === 1 && !fixed.length) placeCheapest(state, o, ranked, cost, place);
    else insertOccurrence(state, o, ranked, fixed, place);
  }
}

function placeCheapest(state: RouteState, o: Occurrence, ranked: Iterable<number>, cost: ChoiceCost, place: Placer): void {
  let best: { cg: number; start: number; total: number } | null = null;
  let compared = 0;
  for (const cg of ranked) {
    if (compared >= CHEAPEST_OF) break;
    const at = state.cheapestInsertion(cg, o);
    if (!at) continue;
    compared++;
    const total = at.travel + cost(o, cg);
    if (!best || total < best.total) best = { cg, start: at.start, total };
  }
  if (best) place(o, [best.cg], best.start);
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
