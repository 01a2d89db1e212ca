import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { CONTRACT_AIM, CONTRACT_BAND } from "../../src/calls/rules.js";
import { priceByParts } from "../common/lagrangian.js";
import { integerBoundsInWorker, type LpModel } from "../common/lp.js";
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
 * The upper bounds, in worker threads (the second core) while the caller assigns and searches:
 *  - ±5 %: the count model as a relaxation of every roster within the aim (staffing-model.ts), an
 *    integer model whose dual bound holds even when its time limit stops it;
 *  - ±5 % by date (bound-by-date.ts): the same model with the true curve on each date's intervals,
 *    split by date and priced by its LP relaxation's duals (a first worker, started at once), each
 *    date an integer model of its own;
 *  - ±10 %: the count model's LP relaxation.
 * Both ±5 % bounds hold, so the tighter is the bound. `seconds` is shared: half for the whole
 * model, half for the dates. The integer models start once `integersAfter` has settled (the caller's
 * own integer solves done). The caller cancels what it no longer needs.
 */
export function upperBoundsInWorker(problem: CallsProblem, queues: IntervalQueues, options: readonly ShiftOption[], seconds: number, integersAfter: Promise<unknown> = Promise.resolve()): { result: Promise<UpperBounds>; cancel(): void } {
  const aimModel = countModel(problem, queues, options, true, CONTRACT_AIM);
  const hardModel = countModel(problem, queues, options, true, CONTRACT_BAND);
  const dated = datedBoundModel(problem, queues, options, aimModel);
  let cancelled = false;
  let running = integerBoundsInWorker([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: seconds, mipGap: 0.001 });
  const result = running.result.then(async ([lp]) => {
    await integersAfter;
    if (cancelled) throw new Error("cancelled");
    const priced = lp?.duals ? priceByParts(dated.model, new Map(lp.duals), dated.partOf) : null;
    const parts = priced ? [...priced.parts.values()] : [];
    running = integerBoundsInWorker(
      [
        { model: aimModel, timeLimitSeconds: seconds / 2 },
        { model: hardModel, relax: true },
        ...parts.map((model) => ({ model, timeLimitSeconds: seconds / 2 / parts.length })),
      ],
      { timeLimitSeconds: seconds, mipGap: 0.001 },
    );
    const [aim, hard, ...byParts] = await running.result;
    const datedBound = priced && byParts.every((b) => b.bound !== null) ? byParts.reduce((s, b) => s + b.bound!, 0) + priced.constant + priced.free : null;
    const models: BoundModelRun[] = [
      { name: "bound ±5 %", status: aim!.detail, integers: integers(aimModel), variables: aimModel.variables.length, seconds: aim!.seconds },
      {
        name: `bound ±5 % by date (${parts.length} integer models, priced by the LP's duals)`,
        status: !priced ? `LP ${lp?.detail ?? "not solved"}` : datedBound === null ? "a date without a bound" : byParts.every((b) => b.detail === "optimal") ? "optimal" : byParts.find((b) => b.detail !== "optimal")!.detail,
        integers: integers(dated.model),
        variables: dated.model.variables.length,
        seconds: (lp?.seconds ?? 0) + byParts.reduce((s, b) => s + b.seconds, 0),
      },
      { name: "bound ±10 % (LP)", status: hard!.detail, integers: 0, variables: hardModel.variables.length, seconds: hard!.seconds },
    ];
    const tighter = [aim!.bound, datedBound].filter((b): b is number => b !== null);
    return { aim: tighter.length ? Math.min(...tighter) : null, hard: hard!.bound, models };
  });
  result.catch(() => undefined);
  return {
    result,
    cancel: () => {
      cancelled = true;
      running.cancel();
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
 * `secondsPerDate`, its dual bound), the dates shared among `workers` threads. A run's own bound
 * gives each date about half a second (its models share min(15 s, limit / 4)), which leaves most
 * dates of the outside regions far from solved: solved, region 105's bound falls from 84.4 to
 * 80.1 % and region 107's from 85.4 to 81.7 % (2026-12-07, scripts over these models). That takes
 * about 100 s of solving on region 105 (3-13 s a date) and 27 s on 107, too long for every run, so the
 * benchmark reports it beside the run's bound. The same prices (the LP's duals) and the same split
 * as the run's, so it holds by the same argument (bound-by-date.ts, lagrangian.ts).
 */
export async function solvedDatedBound(problem: CallsProblem, queues: IntervalQueues, options: readonly ShiftOption[], secondsPerDate: number, workers: number): Promise<SolvedDatedBound> {
  const started = Date.now();
  const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, CONTRACT_AIM));
  const [lp] = await integerBoundsInWorker([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: 120, mipGap: 0.001 }).result;
  if (!lp?.duals) return { calls: null, stopped: 0, dates: 0, seconds: (Date.now() - started) / 1000 };
  const priced = priceByParts(dated.model, new Map(lp.duals), dated.partOf);
  const parts = [...priced.parts.values()];
  // every worker-th date to each worker: neighbouring dates are alike in size
  const shares = Array.from({ length: Math.max(1, workers) }, (_, w) => parts.filter((_, k) => k % Math.max(1, workers) === w));
  const solved = (await Promise.all(shares.map((share) => integerBoundsInWorker(share.map((model) => ({ model })), { timeLimitSeconds: secondsPerDate, mipGap: 0.001 }).result))).flat();
  const calls = solved.every((b) => b.bound !== null) ? solved.reduce((s, b) => s + b.bound!, 0) + priced.constant + priced.free : null;
  return { calls, stopped: solved.filter((b) => b.detail !== "optimal").length, dates: parts.length, seconds: (Date.now() - started) / 1000 };
}
