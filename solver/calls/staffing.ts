import { groupBy } from "../../src/common/group.js";
import type { CallsProblem, NurseShift } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { CONTRACT_AIM, CONTRACT_BAND } from "../../src/calls/rules.js";
import { placementTable, staffedIntervals, toNurseShift } from "../../src/calls/shifts.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { seededRandom } from "../../src/common/random.js";
import { BestSeen, cooling, keepsWorse, Wall, within } from "../common/anneal.js";
import { solveWithHighs, solveWithJsLp, type LpModel, type LpSolution } from "../common/lp.js";
import { assignmentModel } from "./assignment-model.js";
import { classCountedShifts, countedGroups, countsValue, optionsByNurse, staffedByOptions, type CountedGroup } from "./counted-groups.js";
import { pickNurse, proposeMove } from "./moves.js";
import { nurseClasses, type NurseClass } from "./nurse-classes.js";
import { RosterState } from "./roster-state.js";
import { upperBoundsInWorker, withUnsolvedDates } from "./upper-bounds.js";
import { dayTemplateKey, shiftOptions, type ShiftOption } from "./shift-options.js";
import { committedSlopes, countModel, envelopeCalls, HARD_WEIGHT, SOFT_WEIGHT } from "./staffing-model.js";

/**
 * Nurse shift scheduling (`kontinuum staff`), in three steps:
 *  1. the shift-count model (staffing-model.ts): how many shifts of each template and break position
 *     on each date, and how many of them each class of nurses (nurse-classes.ts: nurses by the
 *     templates they work) takes, with each nurse's template mix over the period. Its linear
 *     relaxation is solved by HiGHS, first with the concave envelope of answered calls, then three
 *     times more with each interval committed to or abandoned by the last counts (committedSlopes:
 *     the envelope spreads a shortage thinly over peaks that then answer nothing); the counts are
 *     rounded. (The integer model was cut by its time limit on outside regions, with counts worse
 *     than the relaxation's; javascript-lp-solver stalls on it even for 10 nurses and 3 days.)
 *     Meanwhile both cores solve the bound by date's integer models (upper-bounds.ts: each date with
 *     the true curve, priced by the LP's duals; where their shifts overran the contracts' paid
 *     minutes by more than a tenth, once more with a paid minute priced; each round by its share of
 *     the time limit, FIRST_ROUND_BY and SECOND_ROUND_BY). Their solutions break the
 *     rows that join dates (a class's contracts over the period, its weeks: the dates are priced
 *     apart), so the relaxation is solved once more, committed to their peaks; those counts are
 *     taken when they answer clearly more calls than the LP's (PRICED_MARGIN), else the dates' own
 *     counts when they do.
 *  2. the assignment model (assignment-model.ts), one per class, the classes one after another, most
 *     templates first (each valued on what the earlier ones did): which nurse works which shift, an
 *     ILP with every roster rule in it, each shift worth what it adds given the counted others; when
 *     it yields nothing in time (or the time limit has passed), a greedy assignment in time order to
 *     the eligible nurse furthest below contract, which also takes the counted shifts a model cut by
 *     its time limit left out;
 *  3. local search (simulated annealing, cooled by move count, deterministic per seed) on the true
 *     objective: calls answered within the threshold, minus a penalty for paid minutes outside ±5 %
 *     of the contract (a heavy one below −10 %), smoothed in its first half by the envelope (a
 *     continuation: RosterState.smoothing). Moves: move a shift in time or template, move its
 *     break, hand it to another nurse, add one, drop one. Every move keeps templates, availability,
 *     maxShifts, +10 % of the contract, one shift per date and both rest rules. Then three polishes
 *     (descents on the true objective): a date's shifts of one template moved to another, as many
 *     at once as gain most (RosterState.moveBlock), for peaks that pay only once many nurses are
 *     there; then each nurse's four consecutive dates chosen anew at once
 *     (RosterState.relocateDates), for dates the rules tie together; then the block move from one
 *     date to another (a peak's nurses from a date that has them to one that lacks them).
 * The upper bounds (upper-bounds.ts) are the count model as a relaxation of every roster
 * (staffing-model.ts), solved in worker threads beside steps 1-3: with contracts at ±5 % (the aim) the
 * tighter of HiGHS's dual bound on it and the bound by date (bound-by-date.ts: the true curve within
 * each date, the dates priced apart); its LP relaxation at ±10 % (every roster the rules allow).
 * Each assignment model stops at its gap (ASSIGNMENT_GAP) or, as a safety net, at its time limit; only a model
 * cut by the time limit (HiGHS returns its best solution) makes the result depend on the machine.
 * The count relaxations and the search are deterministic per seed.
 */

/**
 * Annealing temperatures of the roster search, in answered calls: a move losing 0.3 calls is kept
 * about one time in three at the start, one losing 0.005 at the end (a call costs a paid minute
 * outside ±5 % of a contract, SOFT_WEIGHT).
 */
const T_START = 0.3;
const T_END = 0.005;

/**
 * Re-solves of the count model after the envelope's, and the share of an interval's steep part
 * below which it is abandoned (committedSlopes). On region 105 (the linear relaxation's counts,
 * rounded): 61.8 % of calls answered by the envelope's counts, 68.3, 69.1, 69.9 % after one, two,
 * three rounds at 0.9; at 1.0 fewer intervals were kept and the counts answered less.
 */
const COMMIT_ROUNDS = 3;
const COMMIT_SHARE = 0.9;

/**
 * The counts the roster starts from: the dates' priced integer models (upper-bounds.ts: the bound by
 * date, each date with the true curve of answered calls, the rows joining dates priced by the LP's
 * duals) when their counts answer more than this share of the offered calls beyond the LP's
 * committed counts. The LP spreads a shortage over peaks that then answer little (region 105: its
 * rounded counts answer 68.0 %, the priced dates' 78.4 %; 107: 69.1 against 85.6 %); the dates
 * commit to whole peaks. Chosen on the six bench regions together (seed 1, 2026-12-07, scripts over
 * solveStaffing): the priced counts made region 105's roster 74.8 % (LP counts: 72.1 %) and 107's
 * 74.6 % (71.7 %). Where both answer about as much, the LP's were as good or better: our 30-nurse
 * region 84.2 % against 84.0 % (priced counts 0.3 points below the LP's), the bundled region 88.56
 * against 88.48 %, 88.55 against 88.57 %, 88.64 against 88.64 % at seeds 1-3 (priced 0.6 points
 * above); 106 and lean unchanged. So the priced counts must answer a point more.
 *
 * The priced dates' counts break the rows that join dates: region 105's had 616 shifts and its
 * nurses could take 562 (a class of ten night nurses was counted 86 nights, its contracts hold 69),
 * so the assignment lost 9.5 points (78.4 % to 68.9 %) and the roster ended at 74.8 %. The
 * relaxation committed to their peaks (committedSlopes, the same share) keeps every row: its counts
 * answered 76.8 %, the assignment 73.5 %, the roster 76.3 % (seeds 1-3: 76.33, 76.28, 76.30). They
 * come first when they answer a point more than the LP's. On 107 they answered less (66.9 against
 * the LP's 69.1 %: the dates there overran three classes' contracts by 25-30 %, and committed to
 * all those peaks the relaxation spreads the shortage again), so 107 kept the dates' own counts
 * (74.6 %, 75.2 % with a second assignment pass, each class again against the others' shifts);
 * the other four regions keep the LP's as before. Since the dates' second round with a paid minute
 * priced (upper-bounds.ts), 107's dates keep the contracts' paid minutes in all and their committed counts are taken
 * (78.2 % answered, the roster 76.6 % at seed 1), so the second assignment pass ran on no bench
 * region and was removed. (2026-12-07, a script over
 * solveStaffing on the six bench regions. Tried, not kept: dropping the least valuable shifts of
 * each class until its contracts hold, 67.4 % on 105; the classes assigned most overrun first, 107
 * 72.1 against 74.6 %; two rounds of the commitment, the same to 0.1 point.)
 */
const PRICED_MARGIN = 0.01;

/**
 * The shares of the time limit by which the dates' first and second rounds (upper-bounds.ts) end: no
 * date starts after its round's or runs past it. The second round (where the first overran the
 * contracts) ends by three quarters, so that the assignment and the search keep the rest: on
 * region 107 it ends at about 37 s of 60. The first round is the counts' source everywhere: on an
 * idle machine region 105's ends at 35-41 s, in a slow hour at 47-52 s, beside another solve on the
 * second core (issue #16's conditions: a busy loop beside solveStaffing) at about 51 s. After it, the
 * assignment and the search need about 12 s there, 15-17 s under that load: by 0.85 of the limit
 * (51 s) the assignment was cut, the search got no moves, and the roster ended at 58.9-76.1 % in
 * the slow hour, 68.8 % under load (2026-12-07). By 0.7 (42 s) the dates the deadline stops take
 * the counts of the same weekday a week apart (withUnsolvedDates), which answer about as many calls
 * as their own: under load 75.4 and 75.7 % (4 and 6 dates stopped, the run ending at 57-58 s); on an
 * idle machine no date is stopped and the roster is the same (76.23 %). Tried before, with the LP's
 * counts for the dates cut short: by 0.72 under load 74.75 % (4 dates at the LP's counts), by 0.8
 * 61.0 %, by 0.9 65.3 %.
 */
const FIRST_ROUND_BY = 0.7;
const SECOND_ROUND_BY = 0.75;
/**
 * After the dates' second round, the share of the time limit the search keeps from the assignment
 * models: they stop (HiGHS's best solution, else the greedy assignment) where less would be left.
 * Region 107 in a slow hour (2026-12-07 12:40-12:49: the bundled region 35.5 s against 29.5): the
 * two rounds ended at about 40 s, the assignment at 61 s, and the search had no time left: 70.3 %
 * at 63 s, against 76.6 % in 53-59 s in faster hours; with this share, 76.7 % at 60 s. Not for
 * every region: region 105 in a slow hour gets its counts at about 52 s from one round, its
 * assignment models were cut to half a second and the roster fell from 76.1 to 72.8 %. Without a
 * second round they stop at the time limit (none starts past it: the greedy assignment then).
 */
const SEARCH_SHARE = 0.1;

/**
 * The order the classes are assigned in (step 2): those that may work the most templates first,
 * ties in class order (the order their first nurse appears). Measured, not derived (a likely
 * reason: a class that cannot work a counted shift moves it to another date and template, and the
 * classes with many templates have the most places to move it to). Chosen on the six bench regions
 * together (2026-12-07, full runs of solveStaffing, seeds 1-3, one at a time; means), against the
 * nurses' order: region 107 77.64 against 77.23 % (77.65 against 77.45 without seed 1's run that
 * the wall cut at 60 s), our 30-nurse region 84.20 against 84.00, region 105 76.13 against 76.07;
 * at seed 1 lean 87.04 against 86.97 and 106 83.79 against 83.75; the bundled region lost 0.08
 * (88.71 against 88.79). The assignment also ended about 2.5 s sooner on lean and the bundled
 * region. Beside a busy loop on the other core, region 105 at seed 1: 69.1 and 68.8 % against 61.3
 * and 56.9. The fewest templates first was worse (seed 1: 105 75.62 against 76.19 %, 107 76.74
 * against 76.79).
 */
export function assignmentOrder(classes: readonly NurseClass[]): [number, NurseClass][] {
  return [...classes.entries()].sort(([a, x], [b, y]) => y.templates.length - x.templates.length || a - b);
}

/**
 * Relative gap at which an assignment ILP stops. Its root node is most of its time (the bundled
 * region's largest class: one node, 11 s, at 2 % or 5 % alike), and the search moves shifts after
 * it anyway. Chosen on the six bench regions together (session of 2026-12-06, `node dist/bench/run.js
 * --calls`, with the classes assigned one after another): 5 % against 2 % gained 1.1 points on region
 * 105 and 1.2 on 107, lost 0.3 on our 30-nurse region and 0.1 on 106; the others unchanged.
 */
const ASSIGNMENT_GAP = 0.05;

/**
 * The polish after the annealing (polishDates): each nurse's POLISH_SPAN consecutive dates chosen
 * anew at once, at most POLISH_PASSES passes (on the six bench regions it stopped after 3-5).
 * Chosen on all six together (`node dist/bench/run.js --calls`, 2026-12-06): against no polish,
 * 2 dates gained 0.5 points on region 105 and 0.1 on 107, the others unchanged; 4 dates gained
 * 0.6 on 105 and on 107, 0.4 on our 30-nurse region, 0.1 on lean, none lost, in about 2 s on
 * region 105. Its choices grow as 8^span: 5 dates took 16 s there for 0.1 point more.
 */
const POLISH_SPAN = 4;
const POLISH_PASSES = 10;

/**
 * The continuation (roster-state.ts): the envelope's weight in the search's objective starts at
 * SMOOTH_START and falls linearly to 0 at SMOOTH_UNTIL of the moves; the rest are on the true value
 * alone. Chosen on the three outside regions and our two families together (session 9, `npm run
 * bench`): 0.5 until half-way gained 1.2 and 3.8 points on regions 105 and 107, lost 0.1 on 106
 * and changed nothing on ours; 1.0 until 70 % gained more on 107 (+4.4) but lost on 105 (−0.6).
 */
const SMOOTH_START = 0.5;
const SMOOTH_UNTIL = 0.5;
/** The envelope's weight after `progress` (0..1) of the search's moves. */
const smoothingAt = (progress: number) => SMOOTH_START * Math.max(0, 1 - progress / SMOOTH_UNTIL);

/**
 * Lets the event loop take what has arrived: HiGHS solves synchronously and the search never waits,
 * so without it the bound worker's first answer (the LP duals the bound by date is priced with)
 * would wait for the end of the search before its second step could start.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface StaffingProgress {
  phase: "model" | "assign" | "search" | "done";
  fraction: number;
  /** call-weighted service level of the best roster so far */
  serviceLevel: number;
  elapsedMs: number;
}

export interface StaffingOptions {
  seed?: number;
  timeLimitSeconds?: number;
  /** local-search moves (the deterministic budget); default 300,000 */
  moves?: number;
  /** which solver takes the count model; default HiGHS; javascript-lp-solver only for comparison */
  modelSolver?: "highs" | "jslp";
  /** time for each integer model; default min(8 s, a sixth of the time limit) for the counts, min(45 s, three quarters) for the assignment */
  modelSeconds?: number;
  onProgress?: (p: StaffingProgress) => void;
}

export interface StaffingSolution {
  shifts: NurseShift[];
  /** upper bound on the call-weighted service level of rosters within ±5 % of every contract */
  upperBound: number | null;
  /** the same within ±10 %: every roster the rules allow */
  upperBoundHard: number | null;
  /** the integer models solved on the way, for the benchmark and the staffing file */
  models: { name: string; solver: "highs" | "jslp"; status: string; integers: number; variables: number; seconds: number }[];
  moves: number;
}

export async function solveStaffing(problem: CallsProblem, queues: IntervalQueues, options: StaffingOptions = {}): Promise<StaffingSolution> {
  const started = Date.now();
  const timeLimitMs = (options.timeLimitSeconds ?? DEFAULTS.calls.timeLimitSeconds) * 1000;
  const random = seededRandom(options.seed ?? DEFAULTS.seed);
  const totalOffered = queues.totalOffered;
  const report = (phase: StaffingProgress["phase"], fraction: number, value: number) =>
    options.onProgress?.({ phase, fraction, serviceLevel: totalOffered > 0 ? value / totalOffered : 1, elapsedMs: Date.now() - started });

  const placements = placementTable(problem);
  const allOptions = shiftOptions(problem, placements);
  const optionsByDayTemplate = groupBy(allOptions, dayTemplateKey);
  report("model", 0, 0);
  let bounds: ReturnType<typeof upperBoundsInWorker> | null = null;
  try {
    // 1. the count model
    // the upper bounds (upper-bounds.ts), on the other core: the LP that prices the bound by date
    // beside the count model, the integer models once the counts are done (two integer solves at once
    // slowed the count model by a quarter) while the assignment and the search go on. Their time
    // limits are a safety net, and the dual bound of a solve they stop still holds, only less tight.
    let countsDone = () => {};
    const afterCounts = new Promise<void>((resolve) => (countsDone = resolve));
    // the dates end by FIRST_ROUND_BY and SECOND_ROUND_BY of the time limit: the assignment and the search take the rest
    const by = (share: number) => started + share * timeLimitMs;
    if (totalOffered > 0) bounds = upperBoundsInWorker(problem, queues, allOptions, Math.max(2, Math.min(15, timeLimitMs / 4000)), afterCounts, { first: by(FIRST_ROUND_BY), second: by(SECOND_ROUND_BY) });
    const model = countModel(problem, queues, allOptions, false);
    // A solve that ends by its gap is deterministic; one cut by the time limit is not, so the limit is a
    // safety net, not the plan.
    // the assignment models (one per class) share one budget and stop at the time limit; after a
    // second round of dates (the counts come late) where the search would keep less than
    // SEARCH_SHARE of it (searchFrom)
    let assignmentSeconds = 0;
    let searchFrom = by(1);
    const secondsFor = (name: string) =>
      options.modelSeconds ??
      (name.startsWith("counts") ? Math.min(8, timeLimitMs / 6000) : Math.max(0.5, Math.min(Math.min(45, (timeLimitMs * 0.75) / 1000) - assignmentSeconds, (searchFrom - Date.now()) / 1000)));
    const models: StaffingSolution["models"] = [];
    const solveModel = async (name: string, m: LpModel, gap: number, relax = false): Promise<LpSolution> => {
      const started = Date.now();
      const ints = relax ? 0 : m.variables.filter((v) => v.integer).length;
      // javascript-lp-solver stalls on these models even for a 10-nurse, 3-day period (see the benchmark)
      const solver = options.modelSolver ?? "highs";
      const result = solver === "jslp" ? solveWithJsLp(m, relax) : await solveWithHighs(m, { timeLimitSeconds: secondsFor(name), mipGap: gap, relax });
      const seconds = (Date.now() - started) / 1000;
      if (!name.startsWith("counts")) assignmentSeconds += seconds;
      models.push({ name, solver, status: result.detail, integers: ints, variables: m.variables.length, seconds });
      await nextTurn();
      return result;
    };
    /** the count model's relaxation with each interval committed to or abandoned by `earlier`'s staffing */
    const committedTo = (name: string, earlier: LpSolution) => {
      const staffed = staffedBy(problem, allOptions, earlier);
      return solveModel(name, countModel(problem, queues, allOptions, false, undefined, (i, values) => committedSlopes(values, staffed[i]!, COMMIT_SHARE)), 0, true);
    };
    // the envelope's counts, then COMMIT_ROUNDS re-solves that commit to or abandon each interval
    // by the last counts (committedSlopes); each a linear relaxation: solved to optimality in a few
    // seconds at every size, so the counts are the same on every machine (the integer model was cut
    // by its time limit on a 60-nurse outside region, its counts then answering 47 % of calls)
    let counts = await solveModel("counts (LP)", model, 0, true);
    const answered = (c: LpSolution) => countsValue(problem, queues, allOptions, c.values);
    // The bound by date's integer models (upper-bounds.ts, on both cores meanwhile) find the peaks
    // the envelope pays half-staffed, and their counts may be the roster's (below). Where the LP's
    // rounded counts already answer within PRICED_MARGIN of what the envelope credits its optimum,
    // the envelope hides no such peak: the dates are stopped, and the whole ±5 % model starts at once
    // (it was the tighter bound wherever this holds). The bench: our families and region 106 answer
    // 0.1 below to 1.4 points above the envelope, regions 105 and 107 26 and 29 points below it.
    const envelopeKept = answered(counts) >= envelopeCalls(model, counts.values) - PRICED_MARGIN * totalOffered;
    if (envelopeKept && bounds) {
      bounds.skipDates("the LP's counts answer what the envelope credits them, within a point");
      countsDone();
      // the whole model starts once the dates have stopped, before the next model holds the event loop
      await bounds.dates.catch(() => null);
      await nextTurn();
    }
    for (let r = 1; r <= COMMIT_ROUNDS; r++) counts = await committedTo(`counts, committed ${r} (LP)`, counts);
    const fromLp = answered(counts);

    countsDone();
    // the dates' integer models at the LP's prices, when every date has a solution: the counts
    // committed to their peaks, else their own counts, when they answer clearly more calls than the
    // LP's (PRICED_MARGIN)
    // (stopped above: settled already, its counts not wanted)
    const byDate = bounds ? await bounds.dates.catch(() => null) : null;
    if (byDate?.paidPrice) searchFrom = by(1 - SEARCH_SHARE);
    if (byDate?.counts && !envelopeKept) {
      // dates the deadline stopped take the counts of the same weekday a week apart, else their best
      // solution, else the LP's (withUnsolvedDates)
      const filled = withUnsolvedDates(byDate, counts.values);
      const priced: LpSolution = { status: "feasible", objective: NaN, values: filled.counts, detail: "priced dates" };
      const committed = await committedTo("counts, committed to the priced dates (LP)", priced);
      const [fromCommitted, fromPriced] = [answered(committed), answered(priced)];
      const taken = startingCounts({ committed: fromCommitted, priced: fromPriced, lp: fromLp }, totalOffered);
      const share = (v: number) => `${((100 * v) / totalOffered).toFixed(1)} %`;
      const lpDates = [...byDate.unsolved].filter((d) => !filled.weekApart.includes(d)).length;
      const unsolved = byDate.stopped.size ? ` (${byDate.stopped.size} dates stopped by the deadline: ${filled.weekApart.length} with the counts of the same weekday a week apart, ${lpDates} with the LP's, the rest with their best solution)` : "";
      models.push({ name: "counts by date (the bound's priced dates)", solver: "highs", status: `${taken} taken; calls answered: the dates' own${unsolved} ${share(fromPriced)}, committed to them ${share(fromCommitted)}, the LP's ${share(fromLp)}`, integers: 0, variables: byDate.counts.size, seconds: 0 });
      counts = { committed, priced, lp: counts }[taken];
    }
    await nextTurn();

    // 2. assignment: who works the counted shifts, one ILP per nurse class (the count model split the
    // shifts between classes); greedy where a model finds nothing
    const state = new RosterState(problem, queues, optionsByNurse(problem, allOptions));
    const leftOver: ShiftOption[] = [];
    // the classes one after another (assignmentOrder), each valued on what the earlier ones did
    // (countedGroups): the roster so far, and the counted shifts of the classes still to come
    const classes = nurseClasses(problem);
    const counted = classes.map((_, c) => classCountedShifts(allOptions, counts, c));
    const pending = staffedByOptions(problem, counted.flatMap((mine) => [...mine.values()].flat()));
    /** Class k's assignment ILP against `others` on every interval, its shifts added to the roster; the counted shifts left to the greedy assignment. */
    const assignClass = async (k: NurseClass, mine: ReadonlyMap<string, ShiftOption[]>, others: readonly number[]): Promise<ShiftOption[]> => {
      const groups = countedGroups(problem, queues, allOptions, mine, others, k.members);
      const allCounted = () => groups.flatMap((g) => g.options);
      // none past the time limit: the greedy assignment takes its shifts
      if (!groups.length || Date.now() >= by(1)) return allCounted();
      const assignment = assignmentModel(problem, groups, SOFT_WEIGHT, HARD_WEIGHT);
      const assigned = await solveModel(`assignment ${k.key}`, assignment.model, ASSIGNMENT_GAP);
      if (assigned.status !== "optimal" && assigned.status !== "feasible") return allCounted();
      const used = new Map<CountedGroup, number>();
      for (const [name, { nurse, group }] of assignment.y) {
        if ((assigned.values.get(name) ?? 0) < 0.5) continue;
        // the count model's break positions first, then each position in turn
        const g = group as CountedGroup;
        const taken = used.get(g) ?? 0;
        used.set(g, taken + 1);
        const option = g.options[taken] ?? g.every[(taken - g.options.length) % g.every.length]!;
        if (state.canAdd(nurse, option, CONTRACT_BAND)) state.add(nurse, option);
      }
      // A model cut by its time limit gives HiGHS's first solutions, which may leave out counted
      // shifts its optimum would have placed: those go to the greedy assignment too. Region 107 with
      // its largest class cut at 1.2 to 2.5 s (as beside a busy loop; 2026-12-08, seed 1): that
      // solution placed 150 of the class's 189 counted shifts and the roster answered 74.93 %; with
      // the rest given to the greedy, 75.85 % (77.63 % uncut). With the two largest classes cut at
      // 1.5 s: 70.99 against 74.46 %. An optimal model's choice stands (it moves shifts on purpose).
      return assigned.status === "optimal" ? [] : groups.flatMap((g) => g.options.slice(used.get(g) ?? 0));
    };
    for (const [c, k] of assignmentOrder(classes)) {
      const mine = counted[c]!;
      for (const o of [...mine.values()].flat()) for (const i of o.covered) pending[i]!--;
      leftOver.push(...(await assignClass(k, mine, pending.map((n, i) => n + state.staffed[i]!))));
    }
    let remaining = leftOver.sort((a, b) => a.placement.start - b.placement.start || b.placement.paidMinutes - a.placement.paidMinutes);
    for (const tolerance of [CONTRACT_AIM, CONTRACT_BAND]) {
      remaining = remaining.filter((o) => {
        const nurse = pickNurse(state, o, tolerance, random);
        if (nurse !== null) state.add(nurse, o);
        return nurse === null;
      });
    }
    // nurses still below −10 % of contract take the best shifts the rules leave them
    for (const n of problem.nurses) while (state.isShort(n.index, state.paid[n.index]!) && state.relocateBest(n.index, null, random));
    report("assign", 0.05, state.value);

    // 3. local search
    // costs are negated objectives here: the roster maximizes answered calls, the annealing pieces minimize
    const moves = options.moves ?? DEFAULTS.calls.moves;
    const temperatureAt = cooling(T_START, T_END, moves);
    const best = new BestSeen(state.feasible ? -state.objective : Infinity, state.snapshot());
    const wall = new Wall(started, timeLimitMs, 4096);
    let done = 0;
    const nurses = problem.nurses.filter((n) => n.contractMinutes > 0).map((n) => n.index);
    for (; done < moves; done++) {
      if (wall.passed(done)) break;
      if ((done & 32767) === 0) {
        report("search", 0.05 + (0.95 * done) / moves, Math.max(-best.cost, state.value));
        await nextTurn();
      }
      const temperature = temperatureAt(done);
      state.smoothing = smoothingAt(done / moves);
      const before = state.searchObjective;
      const undo = proposeMove(state, nurses, optionsByDayTemplate, allOptions, random);
      if (!undo) continue;
      const delta = state.searchObjective - before;
      // a move that loses no calls is kept without a draw
      if (delta >= 0 || keepsWorse(-delta, temperature, random)) {
        if (state.feasible) best.offer(-state.objective, () => state.snapshot(), 1e-9);
      } else undo();
    }
    if (Number.isFinite(best.cost)) state.restore(best.state);
    state.smoothing = 0;
    // the polishes read the clock before every move (each costs about a millisecond)
    polishBlocks(state, random, new Wall(started, timeLimitMs, 1), false);
    polishDates(state, random, new Wall(started, timeLimitMs, 1));
    polishBlocks(state, random, new Wall(started, timeLimitMs, 1), true);
    repairShort(state, random);
    const bestShifts = state.snapshot();

    // the bounds wait no longer than the wall: past it, the bound by date alone (when every date has one)
    const found = bounds ? ((await within(bounds.result, started + timeLimitMs - Date.now())) ?? "late") : null;
    const bound = found === "late" ? { aim: byDate?.bound ?? null, hard: null, models: [{ name: "bound ±5 % and ±10 %", status: "not done within the time limit", integers: 0, variables: 0, seconds: 0 }] } : found;
    for (const m of bound?.models ?? []) models.push({ ...m, solver: "highs" });
    // no calls offered: every roster answers all of them
    const serviceLevelBound = (value: number | null | undefined) => (bound === null ? 1 : value === null || value === undefined ? null : Math.min(1, value / totalOffered));
    const shifts = bestShifts.map(({ nurse, slot }) => toNurseShift(nurse, slot.option.placement, slot.option.breakStart, problem)).sort((a, b) => a.start - b.start || a.nurse - b.nurse);
    const finalValue = shifts.length ? shiftsValue(problem, queues, shifts) : 0;
    report("done", 1, finalValue);
    return {
      shifts,
      upperBound: serviceLevelBound(bound?.aim),
      upperBoundHard: serviceLevelBound(bound?.hard),
      models,
      moves: done,
    };
  } finally {
    bounds?.cancel();
  }
}

/**
 * A descent on the true objective: each move of a pass tried and kept when the value rises (a
 * roster that kept every contract keeps them), pass after pass until none does (at most
 * POLISH_PASSES) or the wall.
 */
function descend(state: RosterState, wall: Wall, pass: () => Iterable<() => (() => void) | null>): void {
  const feasible = state.feasible;
  for (let p = 0, tries = 0; p < POLISH_PASSES; p++) {
    let improved = false;
    for (const move of pass()) {
      if (wall.passed(tries++)) return;
      const before = state.objective;
      const undo = move();
      if (!undo) continue;
      if (state.objective > before + 1e-6 && (state.feasible || !feasible)) improved = true;
      else undo();
    }
    if (!improved) return;
  }
}

/**
 * The end of the search, on the best roster: every nurse's every POLISH_SPAN consecutive dates
 * chosen anew (RosterState.relocateDates). The annealing's moves are single shifts; dates the rules
 * tie together (a late shift and the next date's start, a free date and its neighbours) need
 * moving at once. `only`: the nurses to polish, asked before each move (repairShort).
 */
function polishDates(state: RosterState, random: () => number, wall: Wall, only: (nurse: number) => boolean = () => true): void {
  const { problem } = state;
  const span = Math.min(POLISH_SPAN, problem.periodDays);
  descend(state, wall, function* () {
    for (const n of problem.nurses) {
      if (n.contractMinutes <= 0) continue;
      for (let day = 0; day + span <= problem.periodDays && only(n.index); day++) yield () => state.relocateDates(n.index, day, span, random);
    }
  });
}

/**
 * Nurses still below −10 % of their contract (a hard rule) when the time limit stopped the search:
 * the dates polish (polishDates) over them alone, whose true objective's heavy penalty below −10 %
 * gives them shifts, until no nurse is short or a pass gains nothing. It runs past the wall (a Wall
 * that never passes): without it no roster is written (region 105 at `--time-limit 5`, 2026-12-07: the greedy
 * assignment left n09 at 3,780 of 4,320 minutes, and the search had no time to lift her).
 */
function repairShort(state: RosterState, random: () => number): void {
  if (!state.feasible) polishDates(state, random, new Wall(Date.now(), Infinity, 1), (n) => state.isShort(n, state.paid[n]!));
}

/**
 * The block polishes (RosterState.moveBlock): for each date and each pair of templates, that date's
 * shifts of the one moved to the other, as many at once as gain most; `acrossDates`: moved to
 * another date and template, by nurses free that date.
 * - Within a date (the first polish on the best roster): a peak short by ten nurses answers almost
 *   nothing until most of them are there (Erlang C is unstable below the load), so no single move
 *   pays for the first. On region 107 it gained 0.8 points (70.3 to 71.1 %) and changed none of
 *   the other five bench regions.
 * - Across dates (the last polish): neither the annealing (one shift) nor the polish within a date
 *   moves a peak's worth of nurses from a date that has them to one that answers nothing without
 *   them. Chosen on the six bench regions (a script over solveStaffing, 2026-12-07): region 107
 *   +0.56, +0.07, +0.08 points at seeds 1-3, 105 +0.03, +0.05, 0, the other four unchanged at
 *   seed 1, in 0.1-2.0 s. With each shift's template kept (dates alone) 107 gained 0.18 at seed 1,
 *   and 0.07 when that ran before the dates polish.
 */
function polishBlocks(state: RosterState, random: () => number, wall: Wall, acrossDates: boolean): void {
  const { problem } = state;
  const templates = problem.templates.length;
  const dates = Array.from({ length: problem.periodDays }, (_, d) => d);
  descend(state, wall, function* () {
    for (const day of dates)
      for (const toDay of acrossDates ? dates.filter((d) => d !== day) : [day])
        for (let from = 0; from < templates; from++)
          for (let to = 0; to < templates; to++) if (toDay !== day || from !== to) yield () => state.moveBlock(day, from, to, random, toDay);
  });
}

/**
 * Which counts the roster starts from, by the calls each answers: the relaxation committed to the
 * priced dates' peaks (every row of the count model kept), else the dates' own counts, each only
 * when it answers PRICED_MARGIN of the offered calls more than the LP's committed counts.
 */
export function startingCounts(answered: { committed: number; priced: number; lp: number }, offered: number): "committed" | "priced" | "lp" {
  const clearlyMore = (v: number) => v > answered.lp + PRICED_MARGIN * offered;
  return clearlyMore(answered.committed) ? "committed" : clearlyMore(answered.priced) ? "priced" : "lp";
}

function shiftsValue(problem: CallsProblem, queues: IntervalQueues, shifts: readonly NurseShift[]): number {
  const staffed = new Array<number>(problem.intervals.length).fill(0);
  for (const s of shifts) for (const i of staffedIntervals(problem, s.start, s.end, s.breakStart, s.breakEnd)) staffed[i]!++;
  return staffed.reduce((sum, n, i) => sum + queues.value(i, n), 0);
}


/** Nurses on each interval by a count model's solution (fractional when it is a relaxation's). */
function staffedBy(problem: CallsProblem, options: readonly ShiftOption[], counts: LpSolution): number[] {
  const staffed = new Array<number>(problem.intervals.length).fill(0);
  for (const o of options) {
    const x = counts.values.get(o.name) ?? 0;
    if (x > 1e-9) for (const i of o.covered) staffed[i]! += x;
  }
  return staffed;
}
