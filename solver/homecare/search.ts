import type { Roster, Schedule } from "../../src/homecare/model.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { seededRandom } from "../../src/common/random.js";
import { TravelMatrix } from "../../src/homecare/travel.js";
import { BestSeen, cooling, keepsWorse, Wall } from "../common/anneal.js";
import { byDifficulty, candidatesByDay, construct, toSchedule } from "./construct.js";
import { Moves } from "./moves.js";
import { Plan } from "./plan.js";
import { TeamFirst } from "./ranking.js";
import type { RouteState } from "./routes.js";
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
  /** when the time limit started (Date.now()), if before this call: the runner's own work counts against it */
  startedAt?: number;
  /** share of search moves that re-route one visit within the client's team (travel); the default is chosen on the bench */
  rerouteShare?: number;
  /** share of search moves that swap two nearby visits between two caregivers who serve both clients */
  swapShare?: number;
  /** the planner's trade-off: what a travel minute weighs against continuity, as a multiple of the default (1) */
  travelWeight?: number;
}

export interface SolveResult {
  schedule: Schedule;
  objective: number;
  iterations: number;
  elapsedMs: number;
}

/** Annealing temperatures, in objective units (a distinct caregiver costs 1,000-3,000, a travel minute 3). */
const T_START = 600;
const T_END = 5;
/**
 * Share of the continuity moves that consolidate a client's least-used caregivers into one (the
 * rest drop one). On the 80-client district (seed 7) 0.5 gave U21401 5.42 and 0.7 5.35; on 300
 * clients 0.85 was worse than 0.7 (5.82 against 5.68). Chosen before the travel moves existed.
 */
const CONSOLIDATE_SHARE = 0.7;
/** The share of the time limit the team plan may take at most (it is a guide; the construction and search need the rest). */
const TEAM_PLAN_SHARE = 0.3;
/**
 * Shares of all search moves that re-route a visit within its client's team and that swap two
 * visits between caregivers who serve both clients (Moves.reroute, Moves.swap; 0 turns a move off);
 * the rest are continuity moves. On the outside districts 101 / 102 (20 s): 0 and 0 gave U21401
 * 8.61 / 7.68 and travel 22,823 / 20,540; 0.3 and 0: 8.20 / 7.21, 17,750 / 15,580; 0.5 and 0.2:
 * 7.75 / 7.19, 16,981 / 14,545 (before travel moves left the kontaktperson alone); 0.7 and 0 was
 * no better. Travel weight 2, 4 or 8 beside them cut travel a few per cent more and cost U21401.
 */
const REROUTE_SHARE = 0.5;
const SWAP_SHARE = 0.2;
/** Repair the unassigned every this many moves while any are left. */
const REPAIR_EVERY = 500;
/** Progress at most this often (milliseconds): the CLI's bar and the API's job status. */
const PROGRESS_MS = 250;

export function solveHomecare(roster: Roster, options: SolveOptions = {}): SolveResult {
  const started = options.startedAt ?? Date.now();
  const limitMs = (options.timeLimitSeconds ?? DEFAULTS.homecare.timeLimitSeconds) * 1000;
  const random = seededRandom(options.seed ?? DEFAULTS.seed);
  const travel = new TravelMatrix(roster.clients, roster.travel);
  const plan = new Plan(roster, travel, options.travelWeight ?? 1);
  const { state } = plan;
  const candidates = candidatesByDay(state);
  const ranking = new TeamFirst(roster, plan, travel, candidates);
  const pinned = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));
  const moves = options.moves ?? DEFAULTS.homecare.moves;
  const search = new Moves(roster, plan, ranking, candidates, pinned, random);
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

  // phase 0 and 1: the planned teams guide the construction; the search after it works from the actual teams
  ranking.planRank = planTeams(roster, state, travel, plan.weight, started + limitMs * TEAM_PLAN_SHARE).map((team) => new Map(team.map((cg, k) => [cg, k])));
  report("construct");
  construct(state, byDifficulty(roster.occurrences), (o, cgs) => ranking.order(o, cgs), (o, cgs, start) => plan.place(o, cgs, start));
  plan.journal = [];
  ranking.planRank = null;
  report("construct");

  // phase 2: large-neighbourhood search over clients' least-used caregivers
  search.repair();
  let current = plan.objective();
  const best = new BestSeen(current, snapshot(state));
  const temperatureAt = cooling(T_START, T_END, moves);
  const wall = new Wall(started, limitMs, 64);
  let lastReport = Date.now();

  const rerouteShare = options.rerouteShare ?? REROUTE_SHARE;
  const swapShare = options.swapShare ?? SWAP_SHARE;
  while (iterations < moves && !wall.passed(iterations)) {
    iterations++;
    if (plan.unassigned > 0 && iterations % REPAIR_EVERY === 0) {
      search.repair();
      current = plan.objective();
      // a repair that places more is a new best; one that places nothing leaves the best as it was
      best.offer(current, () => snapshot(state));
    }
    const mark = plan.journal.length;
    let ok: boolean;
    const r = rerouteShare + swapShare > 0 ? random() : 1;
    if (r < rerouteShare) {
      // any client: every route is worth shortening
      ok = search.reroute(Math.floor(random() * roster.clients.length));
    } else if (r < rerouteShare + swapShare) {
      ok = search.swap(Math.floor(random() * roster.clients.length));
    } else {
      // a client with room to gain, weighted by its weight and distinct count
      const c = pickClient(plan, random);
      if (c < 0) break;
      const counts = plan.counts[c]!;
      const team: number[] = [];
      for (let cg = 0; cg < counts.length; cg++) if (counts[cg]! > 0) team.push(cg);
      if (team.length <= 1) continue;
      team.sort((a, b) => counts[a]! - counts[b]! || a - b);
      ok = random() < CONSOLIDATE_SHARE ? search.consolidate(c, team) : search.dropOne(c, team);
    }
    const value = ok ? plan.objective() : Infinity;
    // a worse schedule is kept with probability exp(-delta / T); only a strictly better one skips the draw
    if (value < current || (value < Infinity && keepsWorse(value - current, temperatureAt(iterations), random))) {
      current = value;
    } else {
      plan.undoTo(mark);
    }
    best.offer(current, () => snapshot(state));
    plan.journal = [];
    if (Date.now() - lastReport > PROGRESS_MS) {
      lastReport = Date.now();
      report("improve");
    }
  }
  // back to the best schedule seen: lift everything, then place the snapshot (it was a whole valid state)
  if (plan.objective() > best.cost) {
    for (const o of roster.occurrences) if (state.start[o.index]! >= 0) plan.remove(o);
    for (const o of roster.occurrences) if (best.state.start[o.index]! >= 0) plan.place(o, best.state.assigned[o.index]!, best.state.start[o.index]!);
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
