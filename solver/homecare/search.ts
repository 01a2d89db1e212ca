import type { Occurrence, Roster, Schedule } from "../../src/homecare/model.js";
import { koladaClients } from "../../src/homecare/figures.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { seededRandom } from "../../src/common/random.js";
import { TravelMatrix } from "../../src/homecare/travel.js";
import { byDifficulty, candidatesByDay, construct, insertOccurrence, toSchedule } from "./construct.js";
import { mayServe } from "../../src/homecare/rules.js";
import { lowerBound, RouteState } from "./routes.js";
import { planTeams } from "./team-plan.js";

/**
 * The continuity optimizer. Objective, lexicographic by weights:
 *   unassigned occurrences >> distinct caregivers per client (Kolada-counted clients weigh
 *   most) >> kontaktperson, preferred caregivers, language >> travel minutes.
 * Phase 0 plans a short team per client (team-plan.ts); phase 1 builds a team-first schedule
 * guided by it; phase 2 is a large-neighbourhood search that takes a
 * client's least-used caregiver away and gives those visits to the client's team (drop one), or
 * takes its two or three least-used away and gives their visits to the one caregiver who could do
 * most of them (consolidate), ejecting other clients' visits when a team member is busy. Every move is an exact insertion, so the
 * schedule keeps every hard rule at every step.
 */

export interface SolveProgress {
  phase: "construct" | "improve" | "done";
  /** the objective of the best schedule so far (lower is better) */
  best: number;
  unassigned: number;
  distinctSum: number;
  elapsedMs: number;
  /** 0..1 of the time limit */
  fraction: number;
}

export interface SolveOptions {
  seed?: number;
  timeLimitSeconds?: number;
  onProgress?: (p: SolveProgress) => void;
  /** improvement moves to make (the annealing schedule runs over these); the time limit may stop it sooner */
  moves?: number;
}

export interface SolveResult {
  schedule: Schedule;
  objective: number;
  iterations: number;
  elapsedMs: number;
}

const W_UNASSIGNED = 1_000_000;
const W_DISTINCT_COUNTED = 3_000;
const W_DISTINCT = 1_000;
const W_CONTACT = 40;
const W_PREFERRED = 10;
const W_LANGUAGE = 10;
const W_TRAVEL = 3;
// annealing temperatures, in objective units (a distinct caregiver costs 1000-3000)
const T_START = 600;
const T_END = 5;
/**
 * Share of search moves that consolidate a client's least-used caregivers into one (the rest drop
 * one). On the 80-client district (seed 7) 0.5 gave U21401 5.42 and 0.7 5.35; on 300 clients 0.85
 * was worse than 0.7 (5.82 against 5.68).
 */
const CONSOLIDATE_SHARE = 0.7;
/**
 * Minutes around a visit's window in which a busy team member's other visits are ejected (at most
 * three): at the peaks a caregiver's visits run back to back, and a wider margin reached three
 * visits before the one in the way (80 clients: 5.23 at 30 minutes against 5.35 at 90).
 */
const EJECT_MARGIN = 30;

type JournalEntry = { placed: boolean; o: Occurrence; cgs: number[]; start: number };

/** RouteState plus the objective's bookkeeping and an undo journal. */
class Plan {
  readonly state: RouteState;
  readonly counts: Int32Array[]; // client -> caregiver -> continuity visits
  readonly distinct: Int32Array;
  readonly weight: Float64Array;
  unassigned: number;
  prefCost = 0;
  /** Σ weight × distinct and Σ visit minutes of placed visits, kept as moves happen (read on every move) */
  distinctWeighted = 0;
  visitMinutes = 0;
  journal: JournalEntry[] = [];

  constructor(readonly roster: Roster, travel: TravelMatrix) {
    this.state = new RouteState(roster, travel);
    this.counts = roster.clients.map(() => new Int32Array(roster.caregivers.length));
    this.distinct = new Int32Array(roster.clients.length);
    const counted = koladaClients(roster);
    this.weight = Float64Array.from(roster.clients, (c) => (counted.has(c.index) ? W_DISTINCT_COUNTED : W_DISTINCT));
    this.unassigned = roster.occurrences.length;
  }

  /** Preference cost of a team on an occurrence: kontaktperson, preferred caregivers, language. */
  preference(o: Occurrence, cgs: readonly number[]): number {
    const client = this.roster.clients[o.client]!;
    let cost = 0;
    if (client.contactPerson !== undefined && !cgs.includes(client.contactPerson)) cost += W_CONTACT;
    if (client.preferred.length && !cgs.some((c) => client.preferred.includes(c))) cost += W_PREFERRED;
    if (client.language && !cgs.some((c) => this.roster.caregivers[c]!.languages.has(client.language!))) cost += W_LANGUAGE;
    return cost;
  }

  private account(o: Occurrence, cgs: readonly number[], sign: 1 | -1): void {
    this.unassigned -= sign;
    this.prefCost += sign * this.preference(o, cgs);
    this.visitMinutes += sign * o.duration * cgs.length;
    if (o.kind !== "care") return;
    const counts = this.counts[o.client]!;
    for (const cg of cgs) {
      const before = counts[cg]!;
      counts[cg] = before + sign;
      if ((before === 0 && sign === 1) || (before === 1 && sign === -1)) {
        this.distinct[o.client]! += sign;
        this.distinctWeighted += sign * this.weight[o.client]!;
      }
    }
  }

  place(o: Occurrence, cgs: readonly number[], start: number): void {
    this.state.place(cgs, o, start);
    this.account(o, cgs, 1);
    this.journal.push({ placed: true, o, cgs: [...cgs], start });
  }

  remove(o: Occurrence): void {
    const cgs = [...this.state.assigned[o.index]!];
    const start = this.state.start[o.index]!;
    this.state.remove(o);
    this.account(o, cgs, -1);
    this.journal.push({ placed: false, o, cgs, start });
  }

  /** Inserts with the given caregiver order, recording the move. */
  insert(o: Occurrence, ordered: number[], fixed: number[] = []): boolean {
    return insertOccurrence(this.state, o, ordered, fixed, (occ, cgs, start) => this.place(occ, cgs, start));
  }

  undoTo(mark: number): void {
    while (this.journal.length > mark) {
      const e = this.journal.pop()!;
      if (e.placed) {
        this.state.remove(e.o);
        this.account(e.o, e.cgs, -1);
      } else {
        this.state.place(e.cgs, e.o, e.start);
        this.account(e.o, e.cgs, 1);
      }
    }
  }

  /** route travel: the caregivers' worked minutes less the visits themselves */
  travelMinutes(): number {
    let worked = 0;
    for (const w of this.state.worked) worked += w;
    return worked - this.visitMinutes;
  }

  objective(): number {
    return W_UNASSIGNED * this.unassigned + this.distinctWeighted + this.prefCost + W_TRAVEL * this.travelMinutes();
  }
}

/** How many of a client's visits each caregiver could do at all (shift and eligibility): team material. */
function coverage(roster: Roster): Int32Array[] {
  const cover = roster.clients.map(() => new Int32Array(roster.caregivers.length));
  for (const o of roster.occurrences) for (const c of roster.caregivers) if (mayServe(roster, c, o)) cover[o.client]![c.index]!++;
  return cover;
}

export function solveHomecare(roster: Roster, options: SolveOptions = {}): SolveResult {
  const started = Date.now();
  const limitMs = (options.timeLimitSeconds ?? DEFAULTS.homecare.timeLimitSeconds) * 1000;
  const random = seededRandom(options.seed ?? DEFAULTS.seed);
  const travel = new TravelMatrix(roster.clients, roster.travel);
  const plan = new Plan(roster, travel);
  const { state } = plan;
  const cover = coverage(roster);
  const pinned = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));
  const candidates = candidatesByDay(state);
  const moves = options.moves ?? DEFAULTS.homecare.moves;
  let iterations = 0;
  const report = (phase: SolveProgress["phase"]) =>
    options.onProgress?.({
      phase,
      best: plan.objective(),
      unassigned: plan.unassigned,
      distinctSum: plan.distinct.reduce((s, n) => s + n, 0),
      elapsedMs: Date.now() - started,
      fraction: Math.min(1, Math.max(iterations / moves, (Date.now() - started) / limitMs)),
    });

  // the planned teams guide the construction; the search after it works from the actual teams
  let planRank: Map<number, number>[] | null = planTeams(roster, state, travel, plan.weight).map((team) => new Map(team.map((cg, k) => [cg, k])));

  /** Team-first order: the planned team, kontaktperson, the client's current team, then who could serve most of its visits. */
  const teamFirst = (o: Occurrence, cgs: number[], avoid = -1): number[] => {
    const client = roster.clients[o.client]!;
    const counts = plan.counts[o.client]!;
    const covers = cover[o.client]!;
    const stops = state.stops;
    const score = (cg: number) => {
      let s = covers[cg]! * 100 + counts[cg]! * 1000;
      if (counts[cg]! > 0) s += 1_000_000;
      if (cg === client.contactPerson) s += 3_000_000;
      if (client.preferred.includes(cg)) s += 20_000;
      if (client.language && roster.caregivers[cg]!.languages.has(client.language)) s += 20_000;
      const rank = planRank?.[o.client]!.get(cg);
      // a planned member before anyone new to the client (the kontaktperson and the current team still first)
      if (rank !== undefined) s += 500_000 - 10_000 * rank;
      if (cg === avoid) s -= 10_000_000;
      const list = stops[cg]!;
      const prev = list[lowerBound(list, o.earliest) - 1];
      if (prev && o.earliest - prev.end < 180) s -= 30 * travel.between(prev.client, o.client);
      return s;
    };
    // scores in a buffer indexed by caregiver, not as pairs: this runs on every insertion of the search
    for (const cg of cgs) scoreOf[cg] = score(cg);
    return [...cgs].sort((a, b) => scoreOf[b]! - scoreOf[a]! || a - b);
  };
  const scoreOf = new Float64Array(roster.caregivers.length);

  report("construct");
  construct(state, byDifficulty(roster.occurrences), teamFirst, (o, cgs, start) => plan.place(o, cgs, start));
  plan.journal = [];
  planRank = null;
  report("construct");

  // ---- improvement: large-neighbourhood search over clients' least-used caregivers
  const clientOccurrences = roster.clients.map(() => [] as Occurrence[]);
  for (const o of roster.occurrences) clientOccurrences[o.client]!.push(o);
  let best = plan.objective();
  let lastReport = Date.now();

  const reinsert = (o: Occurrence, avoid = -1): boolean =>
    plan.insert(o, teamFirst(o, candidates(o), avoid), pinned.get(o.index) ?? []);

  /** Places `o` with team member `cg` by ejecting the visits in its way, then re-placing those. */
  const ejectInto = (o: Occurrence, cg: number): boolean => {
    const list = state.stops[cg]!;
    const from = o.earliest - EJECT_MARGIN;
    const to = o.latest + o.duration + EJECT_MARGIN;
    const blocking = list.filter((s) => s.end > from && s.start < to && !pinned.has(s.occurrence)).map((s) => roster.occurrences[s.occurrence]!);
    if (!blocking.length || blocking.length > 3) return false;
    for (const b of blocking) plan.remove(b);
    if (!plan.insert(o, [cg], pinned.get(o.index) ?? [])) return false;
    for (const b of blocking) if (!reinsert(b)) return false;
    return true;
  };

  /** Repair: each unassigned occurrence tries every eligible caregiver, ejecting what is in the way. */
  const repair = () => {
    for (const o of roster.occurrences) {
      if (state.start[o.index]! >= 0) continue;
      const before = plan.objective();
      for (const cg of teamFirst(o, candidates(o))) {
        const mark = plan.journal.length;
        if ((o.staff === 1 ? ejectInto(o, cg) : reinsert(o)) && plan.objective() < before) break;
        plan.undoTo(mark);
      }
      plan.journal = [];
    }
    best = plan.objective();
  };
  /** Places the moved visits: each with `first` when given, else the team (ejecting what is in the way), else anyone. */
  const placeMoved = (c: number, moving: Occurrence[], team: number[], avoid: number, first: number | null): boolean => {
    const counts = plan.counts[c]!;
    let ok = true;
    for (const o of moving) {
      if (first !== null && state.eligible(first, o)) {
        const inner = plan.journal.length;
        if (o.staff === 1 ? ejectInto(o, first) : plan.insert(o, [first, ...teamFirst(o, candidates(o), avoid).filter((cg) => cg !== first)], pinned.get(o.index) ?? [])) continue;
        plan.undoTo(inner);
      }
      if (reinsert(o, avoid)) continue;
      const members = team.filter((cg) => cg !== avoid && state.eligible(cg, o)).sort((a, b) => counts[b]! - counts[a]!);
      let placed = false;
      for (const cg of members.slice(0, 3)) {
        const inner = plan.journal.length;
        if (ejectInto(o, cg)) {
          placed = true;
          break;
        }
        plan.undoTo(inner);
      }
      if (!placed && !reinsert(o)) ok = false;
    }
    return ok;
  };

  /** Takes one of the client's two least-used caregivers away and gives those visits to the rest of its team. */
  const dropOne = (c: number, team: number[]): boolean => {
    const victim = team[Math.floor(random() * Math.min(2, team.length))]!;
    const moving = clientOccurrences[c]!.filter((o) => state.assigned[o.index]!.includes(victim) && !pinned.has(o.index));
    for (const o of moving) plan.remove(o);
    return placeMoved(c, moving, team, victim, null);
  };

  /**
   * Takes the client's two or three least-used caregivers away and gives their visits to the one
   * caregiver who could do most of them: the one-off helpers of a client are often at times no team
   * member works (a weekend, an evening), where one new caregiver can replace several.
   */
  const tally = new Int32Array(roster.caregivers.length);
  const consolidate = (c: number, team: number[]): boolean => {
    const victims = team.slice(0, Math.min(team.length - 1, 2 + Math.floor(random() * 2)));
    if (!victims.length) return false;
    const moving = clientOccurrences[c]!.filter((o) => !pinned.has(o.index) && state.assigned[o.index]!.some((cg) => victims.includes(cg)));
    const touched: number[] = [];
    for (const o of moving)
      for (const cg of candidates(o)) {
        if (tally[cg]!++ === 0) touched.push(cg);
      }
    const counts = plan.counts[c]!;
    const takers = touched.filter((cg) => !victims.includes(cg)).sort((a, b) => tally[b]! - tally[a]! || counts[b]! - counts[a]! || a - b).slice(0, 3);
    for (const cg of touched) tally[cg] = 0;
    if (!takers.length) return false;
    const taker = takers[Math.floor(random() * takers.length)]!;
    for (const o of moving) plan.remove(o);
    return placeMoved(c, moving, team, victims[0]!, taker);
  };

  repair();
  let current = plan.objective();
  best = current;
  let bestSnapshot = snapshot(state);

  while (iterations < moves && (iterations % 64 !== 0 || Date.now() - started < limitMs)) {
    iterations++;
    if (plan.unassigned > 0 && iterations % 500 === 0) {
      repair();
      current = plan.objective();
    }
    // a client with room to gain, weighted by its weight and distinct count
    const c = pickClient(plan, random);
    if (c < 0) break;
    const counts = plan.counts[c]!;
    const team: number[] = [];
    for (let cg = 0; cg < counts.length; cg++) if (counts[cg]! > 0) team.push(cg);
    if (team.length <= 1) continue;
    team.sort((a, b) => counts[a]! - counts[b]! || a - b);
    const mark = plan.journal.length;
    const ok = random() < CONSOLIDATE_SHARE ? consolidate(c, team) : dropOne(c, team);
    const value = ok ? plan.objective() : Infinity;
    // simulated annealing: a worse schedule is kept with probability exp(-delta / T), T cooling over the time limit
    // cooling by move count, not by the clock, so a seed gives the same schedule on any machine
    const temperature = T_START * Math.pow(T_END / T_START, iterations / moves);
    if (value < current || (value < Infinity && random() < Math.exp(-(value - current) / temperature))) {
      current = value;
    } else {
      plan.undoTo(mark);
    }
    if (current < best) {
      best = current;
      bestSnapshot = snapshot(state);
    }
    plan.journal = [];
    if (Date.now() - lastReport > 250) {
      lastReport = Date.now();
      report("improve");
    }
  }
  // back to the best schedule seen: lift everything, then place the snapshot (it was a whole valid state)
  if (plan.objective() > best) {
    for (const o of roster.occurrences) if (state.start[o.index]! >= 0) plan.remove(o);
    for (const o of roster.occurrences) if (bestSnapshot.start[o.index]! >= 0) plan.place(o, bestSnapshot.assigned[o.index]!, bestSnapshot.start[o.index]!);
    plan.journal = [];
  }
  report("done");
  return { schedule: toSchedule(state), objective: plan.objective(), iterations, elapsedMs: Date.now() - started };
}

function snapshot(state: RouteState): { start: Int32Array; assigned: number[][] } {
  return { start: state.start.slice(), assigned: state.assigned.map((a) => [...a]) };
}

/** A client to improve, drawn in proportion to weight × (distinct − 1). */
function pickClient(plan: Plan, random: () => number): number {
  let total = 0;
  for (let c = 0; c < plan.distinct.length; c++) total += plan.weight[c]! * Math.max(0, plan.distinct[c]! - 1);
  if (total <= 0) return -1;
  let r = random() * total;
  for (let c = 0; c < plan.distinct.length; c++) {
    r -= plan.weight[c]! * Math.max(0, plan.distinct[c]! - 1);
    if (r <= 0) return c;
  }
  return plan.distinct.length - 1;
}
