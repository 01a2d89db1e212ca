import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { CONTRACT_AIM, CONTRACT_BAND } from "../../src/calls/rules.js";
import { priceByParts, type PricedParts } from "../common/lagrangian.js";
import { integerBoundsInWorker, type IntegerBound, type LpModel } from "../common/lp.js";
import { datedBoundModel } from "./bound-by-date.js";
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

export interface PricedDates {
  /** every date's best solution together (its counts x and class shares w by name): null when a date has none */
  counts: Map<string, number> | null;
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
 * solves done). The caller cancels what it no longer needs.
 */
export function upperBoundsInWorker(
  problem: CallsProblem,
  queues: IntervalQueues,
  options: readonly ShiftOption[],
  seconds: number,
  integersAfter: Promise<unknown> = Promise.resolve(),
): { dates: Promise<PricedDates>; result: Promise<UpperBounds>; cancel(): void } {
  const aimModel = countModel(problem, queues, options, true, CONTRACT_AIM);
  const hardModel = countModel(problem, queues, options, true, CONTRACT_BAND);
  const dated = datedBoundModel(problem, queues, options, aimModel);
  let cancelled = false;
  const running = new Set<ReturnType<typeof integerBoundsInWorker>>();
  const solve = (...args: Parameters<typeof integerBoundsInWorker>) => {
    if (cancelled) throw new Error("cancelled");
    const r = integerBoundsInWorker(...args);
    running.add(r);
    return r.result.finally(() => running.delete(r));
  };
  const dates = solve([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: seconds, mipGap: 0.001 }).then(async ([lp]): Promise<PricedDates> => {
    const priced = lp?.duals ? priceByParts(dated.model, new Map(lp.duals), dated.partOf) : null;
    const parts = priced ? [...priced.parts.values()] : [];
    const solved = await solveSpread(parts, DATE_WORKERS, { timeLimitSeconds: DATE_SECONDS, mipGap: DATE_GAP }, true, solve);
    const complete = priced !== null && parts.length > 0;
    const bound = complete ? pricedSum(priced, solved) : null;
    const counts = complete && solved.every((b) => b.values) ? new Map(solved.flatMap((b) => b.values!)) : null;
    const stopped = solved.find((b) => b.detail !== "optimal");
    return {
      counts,
      bound,
      run: {
        name: `bound ±5 % by date (${parts.length} integer models, priced by the LP's duals)`,
        status: !priced ? `LP ${lp?.detail ?? "not solved"}` : bound === null ? "a date without a bound" : (stopped?.detail ?? "optimal"),
        integers: integers(dated.model),
        variables: dated.model.variables.length,
        seconds: (lp?.seconds ?? 0) + solved.reduce((s, b) => s + b.seconds, 0),
      },
    };
  });
  dates.catch(() => undefined);
  const result = Promise.all([dates, integersAfter]).then(async ([byDate]): Promise<UpperBounds> => {
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
    dates,
    result,
    cancel: () => {
      cancelled = true;
      for (const r of running) r.cancel();
    },
  };
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
  const priced = priceByParts(dated.model, new Map(lp.duals), dated.partOf);
  const parts = [...priced.parts.values()];
  const solved = await solveSpread(parts, workers, { timeLimitSeconds: secondsPerDate, mipGap: 0.001 });
  const calls = pricedSum(priced, solved);
  return { calls, stopped: solved.filter((b) => b.detail !== "optimal").length, dates: parts.length, seconds: (Date.now() - started) / 1000 };
}

/**
 * The dates' models spread over `workers` threads, every workers-th date to each (neighbouring dates
 * are alike in size), the results back in the dates' order; with `values`, each date's best solution too.
 */
async function solveSpread(
  parts: readonly LpModel[],
  workers: number,
  options: { timeLimitSeconds: number; mipGap: number },
  values = false,
  solve: (...args: Parameters<typeof integerBoundsInWorker>) => Promise<IntegerBound[]> = (...args) => integerBoundsInWorker(...args).result,
): Promise<IntegerBound[]> {
  const threads = Math.max(1, workers);
  const shares = Array.from({ length: threads }, (_, w) => parts.filter((_, k) => k % threads === w));
  const byShare = await Promise.all(shares.map((share) => (share.length ? solve(share.map((model) => ({ model, values })), options) : Promise.resolve([]))));
  return parts.map((_, k) => byShare[k % threads]![Math.floor(k / threads)]!);
}

/** The bound by date: the dates' dual bounds, the priced rows' constant and the free variables (null when a date has no bound). */
function pricedSum(priced: PricedParts, solved: readonly IntegerBound[]): number | null {
  return solved.every((b) => b.bound !== null) ? solved.reduce((s, b) => s + b.bound!, 0) + priced.constant + priced.free : null;
}
