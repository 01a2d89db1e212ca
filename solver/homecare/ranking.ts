import type { Occurrence, Roster } from "../../src/homecare/model.js";
import type { TravelMatrix } from "../../src/homecare/travel.js";
import type { Plan } from "./plan.js";
import { lowerBound } from "./routes.js";

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
  private readonly scoreOf: Float64Array;
  /** the planned teams' ranks per client, during the construction only */
  planRank: Map<number, number>[] | null = null;

  constructor(
    private readonly roster: Roster,
    private readonly plan: Plan,
    private readonly travel: TravelMatrix,
    candidates: (o: Occurrence) => readonly number[],
  ) {
    this.cover = coverage(roster, candidates);
    this.scoreOf = new Float64Array(roster.caregivers.length);
  }

  private score(o: Occurrence, cg: number, avoid: number): number {
    const client = this.roster.clients[o.client]!;
    const counts = this.plan.counts[o.client]!;
    let s = this.cover[o.client]![cg]! * RANK.perVisitCoverable + counts[cg]! * RANK.perVisitDone;
    if (counts[cg]! > 0) s += RANK.currentTeam;
    if (cg === client.contactPerson) s += RANK.contactPerson;
    if (client.preferred.includes(cg)) s += RANK.preferred;
    if (client.language && this.roster.caregivers[cg]!.languages.has(client.language)) s += RANK.language;
    const rank = this.planRank?.[o.client]!.get(cg);
    if (rank !== undefined) s += RANK.planned - RANK.plannedStep * rank;
    if (cg === avoid) s += RANK.avoided;
    const list = this.plan.state.stops[cg]!;
    const prev = list[lowerBound(list, o.earliest) - 1];
    if (prev && o.earliest - prev.end < RANK.nearWithin) s -= RANK.perTravelMinute * this.travel.between(prev.client, o.client);
    return s;
  }

  /** The caregivers in the order to try them (best first; ties by index, so the order is deterministic). */
  order(o: Occurrence, cgs: number[], avoid = -1): number[] {
    // scores in a buffer indexed by caregiver, not as pairs: this runs on every insertion of the search
    const scoreOf = this.scoreOf;
    for (const cg of cgs) scoreOf[cg] = this.score(o, cg, avoid);
    return [...cgs].sort((a, b) => scoreOf[b]! - scoreOf[a]! || a - b);
  }
}
