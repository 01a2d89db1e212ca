import type { Roster, Schedule } from "../../src/homecare/model.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { seededRandom } from "../../src/common/random.js";
import { TravelMatrix } from "../../src/homecare/travel.js";
import { acceptanceCeiling, BestSeen, cooling, Wall } from "../common/anneal.js";
import { byDifficulty, candidatesByDay, construct, toSchedule, type ChoiceCost } from "./construct.js";
import { Moves } from "./moves.js";
import { Plan } from "./plan.js";
import { TeamFirst } from "./ranking.js";
import type { RouteState } from "./routes.js";
import { planTeams, TEAM_CAP } from "./team-plan.js";

/**
 * The continuity optimizer. Objective, lexicographic by weights:
 *   unassigned occurrences >> distinct caregivers per client (Kolada-counted clients weigh
 *   most) >> kontaktperson, preferred caregivers, language >> travel minutes.
 * Phase 1 builds the schedule by cheapest insertion ("compact", or "familiar": a short team
 * planned per client first, a new face priced at a few drive minutes and the planned team at a few
 * less; see Construction); phase 2 is a large-neighbourhood search that takes a
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
  /** how the first schedule is built (see Construction); the default is "compact" */
  construction?: Construction;
}

/**
 * How the first schedule is built, both by cheapest insertion (construct.ts):
 * - "compact": each visit to whoever it adds the least drive for. Routes come out short, and the
 *   search wins the continuity from there: a caregiver whose route passes a client on Monday
 *   passes it on Tuesday too. Outside districts 101 / 102 / 103 (U21401 / travel, seed 1, one
 *   search): 8.23 / 14,432, 7.49 / 12,015, 7.69 / 40,037; the bundled district 5.44 / 7,243.
 * - "familiar": a short team is planned per client first (team-plan.ts), and a new face costs a
 *   few drive minutes, the planned team and the kontaktperson are worth a few. Fewer faces, the
 *   kontaktperson on more visits, longer drives: 8.38 / 18,459, 7.32 / 16,267, 7.10 / 59,452;
 *   bundled 5.25 / 9,601 (kontaktperson on 33 % of 101's visits and 43 % of the bundled
 *   district's, against 15 % and 27 % from "compact").
 * Figures before the hand-over move and the travel weight of 9 (plan.ts). The default is
 * "compact": the one whose drives stay at a good planner's; `schedule --construction familiar` is
 * the planner's other choice. The search's objective prefers "familiar" on most districts (it
 * weighs a face at 111-333 drive minutes), so the two are not mixed in one portfolio.
 */
export type Construction = "compact" | "familiar";

export interface SolveResult {
  schedule: Schedule;
  objective: number;
  iterations: number;
  elapsedMs: number;
}

/**
 * Annealing temperatures, in objective units (a distinct caregiver costs 1,000-3,000, a travel
 * minute 9). At the start a counted client's new face is kept with probability e^-2 (13 %): the
 * search tries other teams before it settles. Chosen on the four outside districts, one search
 * (`solveHomecare`), seeds 1 and 2 (1,000 clients: seed 1), 240,000 moves on 80 clients, 900,000
 * on 300, 290 s on 1,000 (two runs at once), U21401 / travel at 600 → 1,500: 101 8.30 / 13,318
 * and 8.20 / 12,544 → 8.11 / 13,028 and 7.84 / 12,985; 102 7.30 / 10,985 and 7.28 / 11,062 →
 * 7.02 / 11,520 and 7.00 / 11,716; 103 6.85 / 34,826 and 6.86 / 34,640 → 6.69 / 36,903 and 6.73 /
 * 37,526; 1000 6.14 / 108,176 → 5.95 / 110,466 (travel above the peer's at both). Before the
 * early rejection (Moves.ceiling), 200 and 60 lost 0.0-0.2 and 0.7 on 101 and 102 against 600,
 * 1,500 won 0.04-0.27, and 4,000 drove 9 % more on 101.
 */
const T_START = 1_500;
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
/**
 * Share of all search moves that hand a client's visits with one caregiver over to one who serves a
 * neighbour (Moves.handOver). Outside districts 101 / 102, compact construction, 20 s, seeds 1 and
 * 2 (U21401 / travel): at 0, 8.68 / 14,441, 8.39 / 14,189 and 7.34 / 12,639, 7.42 / 12,552; at
 * 0.1, 7.88 / 16,022, 8.16 / 17,233 and 7.17 / 14,093, 7.34 / 14,662 (the travel weight then took
 * the drive back: see W_TRAVEL); at 0.25, 8.79 / 17,331, 8.48 / 17,723 and 7.17 / 15,329, 7.19 /
 * 15,327 (the other moves get too few turns).
 */
const HAND_OVER_SHARE = 0.1;
/**
 * The "familiar" construction's price, in drive minutes, of a caregiver new to the client (the kontaktperson
 * earns it back), and what a planned team member is worth (rank 0 most). Small on purpose: the
 * construction then builds routes that repeat from day to day, and the search, which weighed a
 * new face at 333-1,000 drive minutes when these were chosen, wins the continuity back.
 * Outside districts 101 / 102 / 103 (U21401 / travel; seed 1): team-first construction 8.02 /
 * 19,535, 7.02 / 17,783, 7.05 / 66,974; newcomer 15 minutes 8.07 / 17,830, 7.09 / 14,717;
 * 8 minutes 7.98 / 15,474, 7.25 / 13,817, 7.01 / 46,069; 4 minutes 8.16 / 14,472, 7.19 / 12,649,
 * 7.33 / 42,358 (on 300 clients the smaller price costs continuity the search cannot win back in
 * its moves). Planned member at 0 instead of 10 minutes (newcomer 15): 8.50 / 7.34 on 101 / 102.
 * The kontaktperson is worth 30 minutes (the mission's "kontaktperson first"): at 8, like any team
 * member, the share of visits the kontaktperson makes fell from 31 % to 21 % on 101 and from 43 %
 * to 31 % on our bundled district; at 30 it is 33 % and 43 %, for 101 / 102 / bundled 8.16 /
 * 18,056, 7.13 / 15,755, 5.17 / 9,821 (at 8: 15,474, 13,817, 8,284 minutes; at 15: 29 % / 41 %).
 */
const NEWCOMER_MINUTES = 8;
const CONTACT_MINUTES = 30;
const PLANNED_MINUTES = 10;
/**
 * Where the search stops for a polish (Moves.polish: every visit's travel moves in turn, a descent),
 * as shares of its progress, then once more at its end. The search draws its moves at random, and
 * a district the clock cools ends before every visit was tried cold.
 */
const POLISH_AT = [0.5, 0.75, 0.9];
/** Passes of one polish at most; each pass after the first gains less (1,000 clients: 12,220, 1,386, 320). */
const POLISH_PASSES = 3;
/** The share of the search's time kept for the last polish (1,000 clients: about 2 s of 300). */
const POLISH_RESERVE = 0.02;
/** Read the clock for the cooling every this many moves (a read on every move costs more than some moves). */
const CLOCK_EVERY = 64;
/** The share of the search's time before the clock starts to cool it (see the loop). */
const CLOCK_GRACE = 0.1;
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
  const moves = options.moves ?? Math.max(DEFAULTS.homecare.moves, DEFAULTS.homecare.movesPerClient * roster.clients.length);
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

  // phase 0 and 1: how the first schedule is built (Construction); the search after it works from the actual teams
  let choiceCost: ChoiceCost = () => 0;
  if ((options.construction ?? "compact") === "familiar") {
    const planRank = planTeams(roster, state, travel, plan.weight, started + limitMs * TEAM_PLAN_SHARE).map((team) => new Map(team.map((cg, k) => [cg, k])));
    ranking.planRank = planRank;
    choiceCost = (o, cg) => {
      const rank = planRank[o.client]!.get(cg);
      return (
        (plan.counts[o.client]![cg]! === 0 ? NEWCOMER_MINUTES : 0) -
        (cg === roster.clients[o.client]!.contactPerson ? CONTACT_MINUTES : 0) -
        (rank !== undefined ? PLANNED_MINUTES * (1 - rank / TEAM_CAP) : 0)
      );
    };
  }
  report("construct");
  construct(state, byDifficulty(roster.occurrences), (o, cgs) => ranking.order(o, cgs), (o, cgs, start) => plan.place(o, cgs, start), choiceCost);
  plan.journal = [];
  ranking.planRank = null;
  report("construct");

  // phase 2: large-neighbourhood search over clients' least-used caregivers
  search.repair();
  let current = plan.objective();
  const best = new BestSeen(current, new Snapshot(state));
  // The current schedule is the best seen and not yet copied: it is copied only when an accepted
  // move is about to leave it (undo, copy, replay), not at every new best. Downhill runs find a
  // new best on move after move, and copying each was 8 % of the 300-client district's search.
  let bestIsCurrent = false;
  const temperatureAt = cooling(T_START, T_END, moves);
  // Cooling follows the moves made or the search's share of the time left, whichever is further
  // on: a search the wall would cut still ends cold, on its best moves, instead of stopping hot
  // half-way down. The clock's share starts after a grace of CLOCK_GRACE of the time: the first
  // moves are slow (the JIT compiles, a repair runs), and without it a district that makes its
  // moves in a quarter of its time still felt the clock there (district-101 at the CLI's 60 s: a
  // different schedule on a slower build of the same code). With it, a search that makes its moves
  // at an even pace within 95 % of its time never feels the clock, so a seed gives the same
  // schedule on every machine fast enough for its moves.
  const searchStarted = Date.now();
  const polishMs = POLISH_RESERVE * Math.max(0, started + limitMs - searchStarted);
  const searchMs = Math.max(1, started + limitMs - polishMs - searchStarted);
  const wall = new Wall(started, limitMs - polishMs, 64);
  const polishWall = started + limitMs;
  const polish = () => {
    for (let pass = 0; pass < POLISH_PASSES && search.polish(polishWall) >= 1; pass++);
    current = plan.objective();
    if (current < best.cost) {
      best.cost = current;
      bestIsCurrent = true;
    }
  };
  let nextPolish = 0;
  const graceMs = CLOCK_GRACE * searchMs;
  let clockMoves = 0;
  let lastReport = Date.now();

  const rerouteShare = options.rerouteShare ?? REROUTE_SHARE;
  const swapShare = options.swapShare ?? SWAP_SHARE;
  while (iterations < moves && !wall.passed(iterations)) {
    iterations++;
    if (iterations % CLOCK_EVERY === 0) clockMoves = (moves * Math.max(0, Date.now() - searchStarted - graceMs)) / (searchMs - graceMs);
    if (nextPolish < POLISH_AT.length && Math.max(iterations, clockMoves) >= POLISH_AT[nextPolish]! * moves) {
      nextPolish++;
      polish();
    }
    if (plan.unassigned > 0 && iterations % REPAIR_EVERY === 0) {
      search.repair();
      current = plan.objective();
      // a repair only keeps what lowers the objective: one that places more is a new best
      if (current < best.cost) {
        best.cost = current;
        bestIsCurrent = true;
      }
    }
    const mark = plan.journal.length;
    // the acceptance is drawn before the move: a move that can no longer be kept stops early (Moves.ceiling)
    const ceiling = acceptanceCeiling(current, temperatureAt(Math.max(iterations, clockMoves)), random);
    search.ceiling = ceiling;
    search.unassignedBefore = plan.unassigned;
    let ok: boolean;
    const r = random();
    if (r < rerouteShare) {
      // any client: every route is worth shortening
      ok = search.reroute(Math.floor(random() * roster.clients.length));
    } else if (r < rerouteShare + swapShare) {
      ok = search.swap(Math.floor(random() * roster.clients.length));
    } else if (r < rerouteShare + swapShare + HAND_OVER_SHARE) {
      ok = search.handOver(Math.floor(random() * roster.clients.length));
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
    search.ceiling = Infinity;
    const value = ok ? plan.objective() : Infinity;
    // a worse schedule is kept with probability exp(-delta / T), a better one always
    if (value < ceiling) {
      if (bestIsCurrent && value > best.cost) {
        const redo = plan.journal.slice(mark);
        plan.undoTo(mark);
        best.state.take();
        bestIsCurrent = false;
        plan.replay(redo);
      }
      current = value;
    } else {
      plan.undoTo(mark);
    }
    if (current < best.cost) {
      best.cost = current;
      bestIsCurrent = true;
    }
    plan.journal = [];
    if (Date.now() - lastReport > PROGRESS_MS) {
      lastReport = Date.now();
      report("improve");
    }
  }
  // back to the best schedule seen: lift everything, then place the snapshot (it was a whole valid state)
  if (!bestIsCurrent && plan.objective() > best.cost) {
    for (const o of roster.occurrences) if (state.start[o.index]! >= 0) plan.remove(o);
    for (const o of roster.occurrences) if (best.state.start[o.index]! >= 0) plan.place(o, best.state.caregivers(o.index), best.state.start[o.index]!);
    plan.journal = [];
  }
  polish();
  // then the hand-over move as a descent, until the wall (one pass: a second found 0-9 objective
  // units on 101 and 103), and the visit moves once more after it
  if (search.handOverPolish(polishWall) > 0) polish();
  report("done");
  return { schedule: toSchedule(state), objective: plan.objective(), iterations, elapsedMs: Date.now() - started };
}

/**
 * The best schedule's starts and caregivers (two slots per occurrence: no visit needs more than two),
 * written into the same buffers at every new best: the search finds thousands of bests, and copying
 * an array per occurrence each time was a sixth of the 300-client district's run. Each copy after
 * the first updates only the occurrences the search moved since the one before
 * (RouteState.drainChanged): copying all 39,000 of the 1,000-client district was 9 % of its search.
 */
class Snapshot {
  readonly start: Int32Array;
  private readonly team: Int32Array;

  constructor(private readonly state: RouteState) {
    this.start = new Int32Array(state.start.length);
    this.team = new Int32Array(state.start.length * 2);
    state.drainChanged();
    for (let i = 0; i < state.start.length; i++) this.copy(i);
  }

  take(): this {
    const changed = this.state.drainChanged();
    for (let k = 0; k < changed.length; k++) this.copy(changed[k]!);
    return this;
  }

  private copy(i: number): void {
    const a = this.state.assigned[i]!;
    this.start[i] = this.state.start[i]!;
    this.team[2 * i] = a.length > 0 ? a[0]! : -1;
    this.team[2 * i + 1] = a.length > 1 ? a[1]! : -1;
  }

  caregivers(occurrence: number): number[] {
    const first = this.team[2 * occurrence]!;
    const second = this.team[2 * occurrence + 1]!;
    return second >= 0 ? [first, second] : first >= 0 ? [first] : [];
  }
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
