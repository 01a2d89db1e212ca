import type { Occurrence, Roster } from "../../src/homecare/model.js";
import type { TravelMatrix } from "../../src/homecare/travel.js";
import type { Plan } from "./plan.js";
import { lowerBound } from "../../src/homecare/timeline.js";

/**
 * Points in the team-first order, by tier: the kontaktperson above anyone who already serves the
 * client, above a member of the planned team, above preference and language, above how many of the
 * client's visits the caregiver could do. Each tier outweighs every tier below it together, so the
 * order is lexicographic; the drive from the previous stop only breaks ties within a tier.
 */
export const RANK = {
  contactPerson: 3_000_000,
  currentTeam: 1_000_000,
  /** a planned member (rank 0 first) before anyone new to the client */
  planned: 500_000,
  plannedStep: 10_000,
  preferred: 20_000,
  language: 20_000,
  /** per visit the caregiver already does for the client, and per visit it could do at all */
  perVisitDone: 1000,
  perVisitCoverable: 100,
  /** the caregiver the move takes away: last */
  avoided: -10_000_000,
  /** per minute of drive from the caregiver's previous stop, when that stop ends within `nearWithin` minutes of the window */
  perTravelMinute: 30,
  nearWithin: 180,
} as const;

/** How many of a client's visits each caregiver could do at all (mayServe, through the candidate lists): team material. */
function coverage(roster: Roster, candidates: (o: Occurrence) => readonly number[]): Int32Array[] {
  const cover = roster.clients.map(() => new Int32Array(roster.caregivers.length));
  for (const o of roster.occurrences) for (const cg of candidates(o)) cover[o.client]![cg]!++;
  return cover;
}

/** Team-first order: the kontaktperson, the client's current team, the planned team, then who could serve most of its visits. */
export class TeamFirst {
  private readonly cover: Int32Array[];
  private readonly fixed: (Float64Array | undefined)[];
  /** candidate lists by fixed score (byFixed) */
  private readonly fixedOrder = new WeakMap<readonly number[], Int32Array>();
  /** the planned teams' ranks per client, during the construction only */
  planRank: Map<number, number>[] | null = null;

  constructor(
    private readonly roster: Roster,
    private readonly plan: Plan,
    private readonly travel: TravelMatrix,
    candidates: (o: Occurrence) => readonly number[],
  ) {
    this.cover = coverage(roster, candidates);
    this.fixed = new Array(roster.clients.length);
  }

  /** The parts of a client's scores that never change while solving: coverage, kontaktperson, preference, language. */
  private fixedScores(c: number): Float64Array {
    const known = this.fixed[c];
    if (known) return known;
    const client = this.roster.clients[c]!;
    const cover = this.cover[c]!;
    const out = new Float64Array(this.roster.caregivers.length);
    for (let cg = 0; cg < out.length; cg++) {
      let s = cover[cg]! * RANK.perVisitCoverable;
      if (cg === client.contactPerson) s += RANK.contactPerson;
      if (client.preferred.includes(cg)) s += RANK.preferred;
      if (client.language && this.roster.caregivers[cg]!.languages.has(client.language)) s += RANK.language;
      out[cg] = s;
    }
    return (this.fixed[c] = out);
  }

  private score(o: Occurrence, cg: number, avoid: number, fixed: Float64Array): number {
    const counts = this.plan.counts[o.client]!;
    let s = fixed[cg]! + counts[cg]! * RANK.perVisitDone;
    if (counts[cg]! > 0) s += RANK.currentTeam;
    const rank = this.planRank?.[o.client]!.get(cg);
    if (rank !== undefined) s += RANK.planned - RANK.plannedStep * rank;
    if (cg === avoid) s += RANK.avoided;
    const list = this.plan.state.stops[cg]!;
    const prev = list[lowerBound(list, o.earliest) - 1];
    if (prev && o.earliest - prev.end < RANK.nearWithin) s -= RANK.perTravelMinute * this.travel.between(o.client, prev.client);
    return s;
  }

  /**
   * The caregivers in the order to try them (best first; ties by index, so the order is
   * deterministic), produced as they are asked for. Most insertions take the kontaktperson or a
   * current team member, so those few are scored and sorted first, and the rest (on a
   * 1,000-client district hundreds per visit) only when none of them fits: the tiers keep the
   * order the same as one sort of everyone (a team member's score is at least RANK.currentTeam
   * less a few thousand for the drive, everyone else's at most RANK.planned plus a few ten
   * thousand, the avoided caregiver's below both). Scoring every candidate on every insertion was
   * 29 % of the 300-client district's search.
   */
  order(o: Occurrence, cgs: readonly number[], avoid = -1): Iterable<number> {
    const counts = this.plan.counts[o.client]!;
    const contact = this.roster.clients[o.client]!.contactPerson;
    const first = (cg: number) => cg !== avoid && (counts[cg]! > 0 || cg === contact || this.planRank !== null);
    return tiers(() => this.sorted(o, cgs.filter(first), avoid), () => this.rest(o, cgs, avoid, first));
  }

  /** `cgs` by score, best first, ties by index. */
  private sorted(o: Occurrence, cgs: readonly number[], avoid: number): number[] {
    // Scores are whole numbers, so (−score, caregiver) packs exactly into one double (|score| ×
    // caregivers stays far below 2^53) and a typed array sorts them natively.
    const n = this.roster.caregivers.length;
    const keys = new Float64Array(cgs.length);
    const fixed = this.fixedScores(o.client);
    for (let k = 0; k < cgs.length; k++) keys[k] = -this.score(o, cgs[k]!, avoid, fixed) * n + cgs[k]!;
    keys.sort();
    const out = new Array<number>(cgs.length);
    for (let k = 0; k < keys.length; k++) out[k] = decode(keys[k]!, n);
    return out;
  }

  /**
   * The second tier (everyone `first` leaves out), in sorted()'s order, scored as it is asked for.
   * A score is its fixed part less the drive term, never more, so with the candidates in order of
   * their fixed part a scored caregiver can be handed out as soon as its key beats the fixed key
   * of the next unscored one (a threshold scan). On district-1000 a second tier held 216
   * caregivers, of whom 37 were tried on average: sorting all of them was 30 % of its search.
   * The avoided caregiver comes last, as there.
   */
  private rest(o: Occurrence, cgs: readonly number[], avoid: number, first: (cg: number) => boolean): () => number {
    const n = this.roster.caregivers.length;
    const fixed = this.fixedScores(o.client);
    const byFixed = this.byFixed(cgs, fixed);
    const heap: number[] = [];
    let p = 0;
    let avoided = false;
    return () => {
      while (p < byFixed.length) {
        const cg = byFixed[p]!;
        if (cg === avoid) avoided = true;
        else if (!first(cg)) {
          if (heap.length && heap[0]! < -fixed[cg]! * n + cg) break;
          heapPush(heap, -this.score(o, cg, avoid, fixed) * n + cg);
        }
        p++;
      }
      if (heap.length) return decode(heapPop(heap), n);
      if (avoided) {
        avoided = false;
        return avoid;
      }
      return -1;
    };
  }

  /** A candidate list (candidatesByDay's: one array per occurrence, never changed) by fixed score, best first, ties by index; made once. */
  private byFixed(cgs: readonly number[], fixed: Float64Array): Int32Array {
    let known = this.fixedOrder.get(cgs);
    if (!known) this.fixedOrder.set(cgs, (known = Int32Array.from(cgs).sort((a, b) => fixed[b]! - fixed[a]! || a - b)));
    return known;
  }
}

/** The caregiver in a packed key (−score × caregivers + caregiver). */
function decode(key: number, n: number): number {
  return ((key % n) + n) % n;
}

/** A binary min-heap of numbers in an array: push. */
function heapPush(heap: number[], key: number): void {
  let i = heap.push(key) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= key) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = key;
}

/** A binary min-heap of numbers in an array: pop the least (the heap is not empty). */
function heapPop(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  const size = heap.length;
  if (size === 0) return top;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
    if (heap[child]! >= last) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}

/**
 * Two tiers, the second started only when the first is used up (`second` gives its next caregiver
 * each call, −1 at its end): the team-first order without a generator (a generator's step
 * allocates its result; on the search's insertions that was a seventh of all it allocated). One
 * result object serves every step, as the protocol allows.
 */
function tiers(first: () => number[], second: () => () => number): Iterable<number> {
  return {
    [Symbol.iterator]() {
      const list = first();
      let k = 0;
      let rest: (() => number) | null = null;
      const result = { value: 0, done: false };
      return {
        next(): IteratorResult<number> {
          if (k < list.length) result.value = list[k++]!;
          else {
            rest ??= second();
            const cg = rest();
            if (cg < 0) return { value: undefined, done: true };
            result.value = cg;
          }
          return result;
        },
      };
    },
  };
}
