import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { CONTRACT_AIM, CONTRACT_BAND } from "../../src/calls/rules.js";
import { groupBy } from "../../src/common/group.js";
import { priceByParts, type PricedParts } from "../common/lagrangian.js";
import { integerBoundsInWorker, rowSides, solveWithHighs, type IntegerBound, type LpModel } from "../common/lp.js";
import { datedBoundModel, datePart, partDay, type DatedBoundModel } from "./bound-by-date.js";
import { countsValue } from "./counted-groups.js";
import type { ShiftOption } from "./shift-options.js";
import { countModel } from "./staffing-model.js";

/** One bound model as the staffing file's `solver.models` lists it. */
export interface BoundModelRun {
  name: string;
  status: string;
  integers: number;
  variables: number;
  seconds: number;
}

export interface UpperBounds {
  /** calls answered within the threshold, at most, by a roster within ±5 % of every contract: the tighter of the two bounds below */
  aim: number | null;
  /** ... within ±10 % (every roster the rules allow): the LP relaxation */
  hard: number | null;
  models: BoundModelRun[];
}

const integers = (m: LpModel) => m.variables.filter((v) => v.integer).length;

/**
 * Each date's priced integer model (bound-by-date.ts) stops at this relative gap. Its solution is
 * the counts the roster starts from (solveStaffing), its dual bound a part of the bound by date.
 * Region 105, seed 1 (a script over solveStaffing, 2026-12-07): the roster from these counts
 * answered 74.8 % at 5 % (dates 2.5-10 s each), where the LP's committed counts gave 72.1 %; at
 * 0.1 % the dates take 3-13 s each. A node limit does not help: HiGHS finds no solution at the
 * root of these models (none at 1 or 20 nodes).
 */
const DATE_GAP = 0.05;
/** A safety net per date, not the plan: a date stopped by it makes the counts depend on the machine. */
const DATE_SECONDS = 30;
/** Threads for the dates: both cores, since the caller waits for the counts. */
const DATE_WORKERS = 2;

/**
 * The dates are priced apart, and the LP's duals price the row of all paid minutes at nothing (its
 * relaxation spreads fractional nurses over the peaks and never fills the contracts), so the dates'
 * counts may pay far more minutes than the nurses' contracts hold: on region 107, 602,010 against
 * 527,040 (14 % over; the count model's rows keep at most 87.5 % of them). Beyond this share over, the dates
 * are solved once more with each paid minute priced (paidMinutePrice). Any price of that sign keeps
 * the bound a bound (lagrangian.ts), so the tighter of the two rounds is taken. Region 107 (seed 1,
 * scripts over these models, 2026-12-07): at 0.01 calls a minute the dates' counts paid 508,980
 * minutes and answered 77.4 %, committed to (solveStaffing) 78.2 %, and the roster rose from 75.2 to
 * 76.7 %; the bound by date fell from 82.3 to 81.4 %. The other five bench regions' dates overran by
 * -1 to 5.4 % (105: 5.4 %, where the counts committed to them keep every row already), and a second
 * round there took 78 s on region 105 (dates at a price are slower to close), so it runs only beyond
 * this share. (Solved to 0.1 %, the benchmark's column, region 105's dates overrun by more.) Prices tried on 107: 0.005 (bound 81.46 %, counts 79.5 % but 2 % over), 0.01 (81.41 %),
 * 0.015 (82.29 %, counts 51 %, below the contracts' minimum), 0.02 and more (worse still).
 */
const OVERRUN_LIMIT = 0.1;

/**
 * The price of a paid minute for the dates' second round, in calls: what the first round's counts
 * answer per paid minute times the share by which they overran the contracts (a subgradient step on
 * that one row, scaled by the value of a minute); 0 when they overran by OVERRUN_LIMIT or less. On
 * region 107 this is 0.0096 calls a minute (14 % over).
 */
export function paidMinutePrice(answered: number, paid: number, most: number, limit = OVERRUN_LIMIT): number {
  const overrun = most > 0 ? paid / most - 1 : 0;
  return overrun > Math.max(0, limit) && paid > 0 ? (answered / paid) * overrun : 0;
}

export interface PricedDates {
  /** the price of a paid minute in the dates' second round; 0 when there was none */
  paidPrice: number;
  /** the dates' best solutions together (their counts x and class shares w by name): null when no date has one */
  counts: Map<string, number> | null;
  /** the dates (parts, `d3`) without a solution: not started before the deadline, or stopped before HiGHS found one */
  unsolved: Set<string>;
  /** the dates stopped before their gap (DATE_GAP) by the deadline or DATE_SECONDS: every unsolved date, and those cut with a solution */
  stopped: Set<string>;
  /** the date (part) of a variable, null when it joins dates */
  partOf: DatedBoundModel["partOf"];
  /** the same count or class share on another date (bound-by-date.ts) */
  onDate: DatedBoundModel["onDate"];
  /** the bound by date: the dates' dual bounds with the prices' constant and the free variables (null when a date has none) */
  bound: number | null;
  run: BoundModelRun;
}

/**
 * The upper bounds, in worker threads (the second core) while the caller assigns and searches:
 *  - ±5 %: the count model as a relaxation of every roster within the aim (staffing-model.ts), an
 *    integer model whose dual bound holds even when its time limit stops it;
 *  - ±5 % by date (bound-by-date.ts): the same model with the true curve on each date's intervals,
 *    split by date and priced by its LP relaxation's duals (a first worker, started at once), each
 *    date an integer model of its own, solved to DATE_GAP on both cores (`dates`: their solutions
 *    are also the caller's counts);
 *  - ±10 %: the count model's LP relaxation.
 * Both ±5 % bounds hold, so the tighter is the bound. `seconds` limits the LP and the whole ±5 %
 * model, which starts once the dates are solved and `integersAfter` has settled (the caller's own
 * solves done). No date of the first round starts after `datesBy.first` (epoch ms) or runs past it,
 * none of the second round (pricedRounds) after `datesBy.second`: the caller's time limit is a
 * wall. A date cut short gives its dual bound and its best solution if it has one; a date without a
 * dual bound counts in the bound at its LP relaxation (pricedRounds), one without a solution leaves
 * its counts to the caller (`unsolved`); a second round cut short keeps its dates' counts and the
 * first round's for the others (secondRoundCounts; the bound is the tighter of the two rounds'
 * either way). The caller cancels what it no
 * longer needs, or only the dates (`skipDates`): the bound is then the whole ±5 % model's, which
 * starts at once.
 */
export function upperBoundsInWorker(
  problem: CallsProblem,
  queues: IntervalQueues,
  options: readonly ShiftOption[],
  seconds: number,
  integersAfter: Promise<unknown> = Promise.resolve(),
  datesBy: { first: number; second: number } = { first: Infinity, second: Infinity },
): { dates: Promise<PricedDates>; result: Promise<UpperBounds>; cancel(): void; skipDates(reason: string): void } {
  const aimModel = countModel(problem, queues, options, true, CONTRACT_AIM);
  const hardModel = countModel(problem, queues, options, true, CONTRACT_BAND);
  const dated = datedBoundModel(problem, queues, options, aimModel);
  let cancelled = false;
  let skipped: string | null = null;
  // each running solve, and whether it is one of the dates' (which skipDates stops)
  const running = new Map<ReturnType<typeof integerBoundsInWorker>, boolean>();
  const solving =
    (ofDates: boolean) =>
    (...args: Parameters<typeof integerBoundsInWorker>) => {
      if (cancelled) throw new Error("cancelled");
      if (ofDates && skipped !== null) throw new Error("the dates were skipped");
      const r = integerBoundsInWorker(...args);
      running.set(r, ofDates);
      return r.result.finally(() => running.delete(r));
    };
  const [solve, solveDate] = [solving(false), solving(true)];
  const dates = solveDate([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: seconds, mipGap: 0.001 }).then(async ([lp]): Promise<PricedDates> => {
    const rounds = lp?.duals
      ? await pricedRounds(problem, queues, options, dated, lp.duals, (parts, round) =>
          solveSpread(parts, DATE_WORKERS, { timeLimitSeconds: DATE_SECONDS, mipGap: DATE_GAP, deadlineSeconds: Math.max(0, ((round === 1 ? datesBy.first : datesBy.second) - Date.now()) / 1000) }, true, solveDate),
        )
      : null;
    const stopped = rounds?.solved.find((b) => b.detail !== "optimal");
    return {
      counts: rounds?.counts ?? null,
      unsolved: rounds?.unsolved ?? new Set(),
      stopped: rounds?.stopped ?? new Set(),
      partOf: dated.partOf,
      onDate: dated.onDate,
      bound: rounds?.bound ?? null,
      paidPrice: rounds?.paidPrice ?? 0,
      run: {
        name: `bound ±5 % by date (${rounds?.dates ?? 0} integer models, priced by the LP's duals${rounds?.paidPrice ? `, again with a paid minute at ${rounds.paidPrice.toFixed(4)} calls` : ""})`,
        status: !rounds
          ? `LP ${lp?.detail ?? "not solved"}`
          : rounds.bound === null
            ? "a date without a bound"
            : `${stopped?.detail ?? "optimal"}${rounds.relaxed ? `; ${rounds.relaxed} date(s) bounded by their LP relaxation` : ""}`,
        integers: integers(dated.model),
        variables: dated.model.variables.length,
        seconds: (lp?.seconds ?? 0) + (rounds?.solved.reduce((s, b) => s + b.seconds, 0) ?? 0),
      },
    };
  });
  const datesOrSkipped = dates.catch((error: unknown): PricedDates => {
    if (skipped === null) throw error;
    const run = { name: "bound ±5 % by date", status: `not solved: ${skipped}`, integers: integers(dated.model), variables: dated.model.variables.length, seconds: 0 };
    return { counts: null, unsolved: new Set(), stopped: new Set(), partOf: dated.partOf, onDate: dated.onDate, bound: null, paidPrice: 0, run };
  });
  datesOrSkipped.catch(() => undefined);
  const result = Promise.all([datesOrSkipped, integersAfter]).then(async ([byDate]): Promise<UpperBounds> => {
    const [aim, hard] = await solve([{ model: aimModel }, { model: hardModel, relax: true }], { timeLimitSeconds: seconds, mipGap: 0.001 });
    const models: BoundModelRun[] = [
      { name: "bound ±5 %", status: aim!.detail, integers: integers(aimModel), variables: aimModel.variables.length, seconds: aim!.seconds },
      byDate.run,
      { name: "bound ±10 % (LP)", status: hard!.detail, integers: 0, variables: hardModel.variables.length, seconds: hard!.seconds },
    ];
    const tighter = [aim!.bound, byDate.bound].filter((b): b is number => b !== null);
    return { aim: tighter.length ? Math.min(...tighter) : null, hard: hard!.bound, models };
  });
  result.catch(() => undefined);
  return {
    dates: datesOrSkipped,
    result,
    cancel: () => {
      cancelled = true;
      for (const r of running.keys()) r.cancel();
    },
    // dates solved already stay: their bound holds
    skipDates: (reason: string) => {
      skipped = reason;
      for (const [r, ofDates] of running) if (ofDates) r.cancel();
    },
  };
}

/**
 * The dates' counts, for the roster to start from when the deadline stopped some dates before
 * their gap. Such a date takes the counts of the date a week before or after it (the same weekday)
 * where that one was solved to its gap, each count capped by the nurses eligible on its own date
 * (`weekApart`: those dates); else its own best solution; else `fallback`'s (the caller's own
 * counts: the LP's for every date).
 * - The dates' solutions staff a weekday alike from week to week: on region 105 they leave Mondays
 *   and Tuesdays at 41-50 % of calls answered and staff the other days at 88-96 %. The second week's
 *   counts taken from the first's answered 77.7 % where its own answer 78.4 % (the LP's 68.5 %), the
 *   rosters from them 76.32, 76.30, 76.21 % against 76.23, 76.17, 76.01 at seeds 1-3 (2026-12-07,
 *   every date solved, then the second week's replaced).
 * - A date cut with a solution comes second: region 105 with another solve on the second core
 *   (2026-12-07), its two dates cut at the deadline kept their own solutions and the dates' counts
 *   answered 66.0 % (the roster 70.3 %); taken from the week before, 77.8 % (75.7 %).
 * - Not everywhere: on region 107 the first week's Friday was left at 50 %, the second's staffed at
 *   91 %, and the first week's counts answered 73.6 % against 77.5 % (rosters 76.4 against 77.6 %).
 *   So it stands in for dates the deadline stopped; it is no way to skip solving them.
 */
export function withUnsolvedDates(dates: Pick<PricedDates, "counts" | "unsolved" | "stopped" | "partOf" | "onDate">, fallback: ReadonlyMap<string, number>): { counts: Map<string, number>; weekApart: string[] } {
  // each date's own values, grouped once
  const byDate = groupBy(dates.counts ?? [], ([name]) => dates.partOf(name));
  const counts = new Map(dates.counts ?? []);
  const weekApart: string[] = [];
  const stopped = new Set([...dates.stopped, ...dates.unsolved]);
  for (const part of stopped) {
    const day = partDay(part);
    const source = [day - 7, day + 7].map(datePart).find((p) => !stopped.has(p) && byDate.has(p));
    if (source === undefined) {
      if (dates.unsolved.has(part)) for (const [name, value] of fallback) if (dates.partOf(name) === part) counts.set(name, value);
      continue;
    }
    for (const [name] of byDate.get(part) ?? []) counts.delete(name);
    for (const [name, value] of byDate.get(source)!) {
      const moved = dates.onDate(name, day);
      if (moved && dates.partOf(moved.name) === part) counts.set(moved.name, Math.min(value, moved.upper));
    }
    weekApart.push(part);
  }
  return { counts, weekApart };
}

export interface SolvedDatedBound {
  /** calls answered within the threshold, at most, by a roster within ±5 % of every contract (null: a date without a bound) */
  calls: number | null;
  /** dates whose integer model stopped at its time limit (their dual bound stands in) */
  stopped: number;
  dates: number;
  seconds: number;
}

/**
 * The bound by date with every date's integer model solved to HiGHS's 0.1 % gap (or, past
 * `secondsPerDate`, its dual bound), the dates shared among `workers` threads. A run solves each
 * date to DATE_GAP (5 %) only, whose dual bound is looser. Until 2026-12-07 a run gave each date
 * about half a second; solved, region 105's bound fell from 84.4 to 80.1 % and region 107's from
 * 85.4 to 81.7 % (scripts over these models). Solving to 0.1 % takes about 100 s on region 105
 * (3-13 s a date) and 27 s on 107, too long for every run, so the benchmark reports it beside the
 * run's bound. The same prices (the LP's duals) and the same split
 * as the run's, so it holds by the same argument (bound-by-date.ts, lagrangian.ts).
 */
export async function solvedDatedBound(problem: CallsProblem, queues: IntervalQueues, options: readonly ShiftOption[], secondsPerDate: number, workers: number): Promise<SolvedDatedBound> {
  const started = Date.now();
  const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, CONTRACT_AIM));
  const [lp] = await integerBoundsInWorker([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: 120, mipGap: 0.001 }).result;
  if (!lp?.duals) return { calls: null, stopped: 0, dates: 0, seconds: (Date.now() - started) / 1000 };
  const rounds = await pricedRounds(problem, queues, options, dated, lp.duals, (parts) => solveSpread(parts, workers, { timeLimitSeconds: secondsPerDate, mipGap: 0.001 }, true));
  return { calls: rounds.bound, stopped: rounds.solved.filter((b) => b.detail !== "optimal").length, dates: rounds.dates, seconds: (Date.now() - started) / 1000 };
}

/**
 * The bound by date at the LP's duals and, where its counts overran the contracts by more than
 * `overrunLimit` (paidMinutePrice), once more with the paid row's price raised: the tighter bound of
 * the two (a date without a dual bound counts at its LP relaxation, `relaxed` of them; null when
 * HiGHS solves not even that), the counts (the first round's, the dates that have one, the others
 * `unsolved`; after a second round, secondRoundCounts; `stopped`: not solved to their gap), every
 * date solved (both rounds), and the price used (0: one round). The price needs every date's
 * counts: the first round cut short has no second.
 */
export async function pricedRounds(
  problem: CallsProblem,
  queues: IntervalQueues,
  options: readonly ShiftOption[],
  dated: DatedBoundModel,
  duals: readonly [string, number][],
  solveDates: (parts: readonly LpModel[], round: 1 | 2) => Promise<IntegerBound[]>,
  overrunLimit = OVERRUN_LIMIT,
): Promise<{ bound: number | null; counts: Map<string, number> | null; unsolved: Set<string>; stopped: Set<string>; solved: IntegerBound[]; dates: number; relaxed: number; paidPrice: number }> {
  const round = async (prices: Map<string, number>, which: 1 | 2) => {
    const priced = priceByParts(dated.model, prices, dated.partOf);
    const names = [...priced.parts.keys()];
    const parts = [...priced.parts.values()];
    const solved = await solveDates(parts, which);
    const unsolved = new Set(names.filter((_, k) => !solved[k]!.values));
    const stopped = new Set(names.filter((_, k) => solved[k]!.detail !== "optimal"));
    // a date the deadline cut before HiGHS had a dual bound is bounded by its LP relaxation: looser,
    // but the bound by date stays, where the whole ±5 % model, which starts after the dates, may not
    // end within the time limit either (region 105 in a slow hour: no bound at all)
    const bounds = await Promise.all(solved.map(async (b, k) => b.bound ?? (await relaxedBound(parts[k]!))));
    return {
      bound: names.length ? pricedSum(priced, bounds) : null,
      relaxed: solved.filter((b, k) => b.bound === null && bounds[k] !== null).length,
      counts: unsolved.size < names.length ? new Map(solved.flatMap((b) => b.values ?? [])) : null,
      unsolved,
      stopped,
      solved,
      dates: names.length,
    };
  };
  const first = await round(new Map(duals), 1);
  const paidRow = dated.model.rows.find((r) => r.name === "paid");
  const most = paidRow ? rowSides(paidRow).find((side) => side.side === "hi") : undefined;
  const paid = (counts: ReadonlyMap<string, number>) => options.reduce((s, o) => s + Math.round(counts.get(o.name) ?? 0) * o.placement.paidMinutes, 0);
  const price = first.counts && !first.unsolved.size && most ? paidMinutePrice(countsValue(problem, queues, options, first.counts), paid(first.counts), most.rhs, overrunLimit) : 0;
  if (!price || !most) return { ...first, paidPrice: 0 };
  const again = await round(new Map([...duals, [most.name, Math.max(0, new Map(duals).get(most.name) ?? 0) + price]]), 2);
  const bounds = [first.bound, again.bound].filter((b): b is number => b !== null);
  const last = secondRoundCounts(first, again, dated.partOf);
  return {
    bound: bounds.length ? Math.min(...bounds) : null,
    counts: last.counts,
    unsolved: last.unsolved,
    stopped: last.stopped,
    solved: [...first.solved, ...again.solved],
    dates: first.dates,
    relaxed: first.relaxed + again.relaxed,
    paidPrice: price,
  };
}

type RoundCounts = { counts: Map<string, number> | null; unsolved: Set<string>; stopped: Set<string> };

/**
 * The counts after the second round (a paid minute priced): its own where every date has a
 * solution; where the deadline stopped some before HiGHS found one, those dates keep the first
 * round's counts and count as stopped, so that withUnsolvedDates gives them the second round's
 * counts of the same weekday a week apart where it has them; the first round's alone when the
 * second has no solution at all.
 * Region 107, the only bench region with a second round, seed 1 with 4, 7 and 11 of its 14 second-round
 * dates dropped as if not started (2026-12-08, a script over solveStaffing): the roster answered 75.98,
 * 76.36 and 75.16 % this way, 73.78 % from the first round's counts (which overran the contracts
 * by 14 %); 77.63 % with every date of the second round. Filling the dates without a week apart from the
 * LP's counts instead of the first round's: 71.07 % with 11 dropped.
 */
export function secondRoundCounts(first: RoundCounts, again: RoundCounts, partOf: DatedBoundModel["partOf"]): RoundCounts {
  if (!again.unsolved.size) return again;
  if (!again.counts) return first;
  const counts = new Map(again.counts);
  for (const [name, value] of first.counts ?? []) {
    const part = partOf(name);
    if (part !== null && again.unsolved.has(part)) counts.set(name, value);
  }
  return { counts, unsolved: new Set([...again.unsolved].filter((p) => first.unsolved.has(p))), stopped: new Set([...again.stopped, ...again.unsolved]) };
}

/**
 * The dates' models spread over `workers` threads, every workers-th date to each (neighbouring dates
 * are alike in size), the results back in the dates' order; with `values`, each date's best solution too.
 */
async function solveSpread(
  parts: readonly LpModel[],
  workers: number,
  options: { timeLimitSeconds: number; mipGap: number; deadlineSeconds?: number },
  values = false,
  solve: (...args: Parameters<typeof integerBoundsInWorker>) => Promise<IntegerBound[]> = (...args) => integerBoundsInWorker(...args).result,
): Promise<IntegerBound[]> {
  const threads = Math.max(1, workers);
  const shares = Array.from({ length: threads }, (_, w) => parts.filter((_, k) => k % threads === w));
  const byShare = await Promise.all(shares.map((share) => (share.length ? solve(share.map((model) => ({ model, values })), options) : Promise.resolve([]))));
  return parts.map((_, k) => byShare[k % threads]![Math.floor(k / threads)]!);
}

/** The bound by date: the dates' bounds, the priced rows' constant and the free variables (null when a date has no bound). */
function pricedSum(priced: PricedParts, bounds: readonly (number | null)[]): number | null {
  return bounds.every((b) => b !== null) ? bounds.reduce<number>((s, b) => s + b!, 0) + priced.constant + priced.free : null;
}

/** A date's LP relaxation optimum (at least its integer optimum), null when HiGHS does not solve it. */
async function relaxedBound(part: LpModel): Promise<number | null> {
  const lp = await solveWithHighs(part, { timeLimitSeconds: 10, relax: true });
  return lp.status === "optimal" ? lp.objective : null;
}
