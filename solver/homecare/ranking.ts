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
   * 29 % of the 300-client district's search. (Scoring the rest lazily too, best fixed score
   * first with a heap, gave the same order and was slower: when no team member fits, most of
   * the rest are tried anyway.)
   */
  order(o: Occurrence, cgs: readonly number[], avoid = -1): Iterable<number> {
    const counts = this.plan.counts[o.client]!;
    const contact = this.roster.clients[o.client]!.contactPerson;
    const first = (cg: number) => cg !== avoid && (counts[cg]! > 0 || cg === contact || this.planRank !== null);
    return tiers(() => this.sorted(o, cgs.filter(first), avoid), () => this.sorted(o, cgs.filter((cg) => !first(cg)), avoid));
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
    for (let k = 0; k < keys.length; k++) out[k] = ((keys[k]! % n) + n) % n;
    return out;
  }
}

/**
 * Two lists, the second made only when the first is used up: the team-first order without a
 * generator (a generator's step allocates its result; on the search's insertions that was a
 * seventh of all it allocated). One result object serves every step, as the protocol allows.
 */
function tiers(first: () => number[], second: () => number[]): Iterable<number> {
  return {
    [Symbol.iterator]() {
      let list = first();
      let k = 0;
      let onSecond = false;
      const result = { value: 0, done: false };
      return {
        next(): IteratorResult<number> {
          while (k >= list.length) {
            if (onSecond) return { value: undefined, done: true };
            list = second();
            k = 0;
            onSecond = true;
          }
          result.value = list[k++]!;
          return result;
        },
      };
    },
  };
}
