import { groupBy } from "../../src/common/group.js";
import { CONTRACT_AIM, CONTRACT_BAND } from "../../src/calls/rules.js";
import type { CallsProblem } from "../../src/calls/model.js";
import { reachablePaidMinutes } from "../../src/calls/shifts.js";
import type { LpModel, LpRow, LpVariable } from "../common/lp.js";
import { classRows, oneShiftADate, templatesOf } from "./nurse-classes.js";
import { dayTemplateKey, type ShiftOption } from "./shift-options.js";
import type { IntervalQueues } from "../../src/calls/queues.js";

/** Answered calls a paid minute outside ±5 % of the contract costs (the aim: rarely worth breaking). */
export const SOFT_WEIGHT = 1;
/** ... per minute below −10 % (not allowed: only to keep a model solvable while it lasts) */
export const HARD_WEIGHT = 10;

/** Slopes of the upper concave envelope of n ↦ value(i, n), n = 0..max (index k = the k-th nurse). */
export function envelopeSlopes(values: readonly number[]): number[] {
  const hull: number[] = [0];
  for (let n = 1; n < values.length; n++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // drop b when it lies on or below the chord from a to n
      if ((values[b]! - values[a]!) * (n - a) <= (values[n]! - values[a]!) * (b - a)) hull.pop();
      else break;
    }
    hull.push(n);
  }
  const slopes: number[] = [];
  for (let h = 1; h < hull.length; h++) {
    const a = hull[h - 1]!;
    const b = hull[h]!;
    const slope = (values[b]! - values[a]!) / (b - a);
    for (let n = a; n < b; n++) slopes.push(slope);
  }
  return slopes;
}

/**
 * The shift-count model: how many shifts of each template start on each date, with their breaks
 * at which grid position (x[d,t,b], integers), so as to maximize the calls answered within the
 * threshold. The answered calls of an interval are a function of its staffed nurses that is not
 * concave (zero until the load is covered), so the model uses its upper concave envelope: one
 * variable z[i,k] ∈ [0,1] per extra nurse with the envelope's slope as objective. Nurses are pooled:
 * the model knows each (date, template)'s eligible nurses, the contract minutes in total and per
 * template, but not who works what; assigning the counts to nurses is the next step.
 *
 * With `bound` the model is a relaxation of every roster whose paid minutes stay within `tolerance`
 * of the contracts: each of its rows holds for every such roster (nurse-classes.ts says which rows
 * assume one shift per nurse and date, and when), every count is an integer, and the envelope is at
 * least the answered calls. So no such roster answers more calls than the model's optimum, and
 * HiGHS's dual bound on it (valid even when the solve stops at its time limit) divided by the offered
 * calls bounds their call-weighted service level. At 10 % that is every valid roster; at 5 %, every
 * roster that meets the aim. Its LP relaxation is looser: a contract met in whole shifts is where it
 * loses (89.7 against 89.1 % on the bundled region).
 */
export function countModel(
  problem: CallsProblem,
  queues: IntervalQueues,
  options: readonly ShiftOption[],
  bound: boolean,
  tolerance = bound ? CONTRACT_BAND : CONTRACT_AIM,
  valueSlopes: (i: number, values: number[]) => number[] = (_, values) => envelopeSlopes(values),
): LpModel {
  const maxNurses = problem.nurses.length;
  const variables: LpVariable[] = [];
  const rows: LpRow[] = [];
  const coverTerms: [string, number][][] = problem.intervals.map(() => []);
  for (const o of options) {
    variables.push({ name: o.name, objective: 0, upper: o.eligible.length, integer: true });
    for (const i of o.covered) coverTerms[i]!.push([o.name, -1]);
  }
  const byDayTemplate = groupBy(options, dayTemplateKey);
  problem.intervals.forEach((_, i) => {
    if (queues.inputs[i]!.offered <= 0 || !coverTerms[i]!.length) return;
    const values = queues.valuesToFullService(i, maxNurses);
    const slopes = valueSlopes(i, values);
    slopes.forEach((slope, k) => {
      if (slope <= 1e-9) return;
      const name = `z_${i}_${k}`;
      variables.push({ name, objective: slope, upper: 1 });
      coverTerms[i]!.push([name, 1]);
    });
    if (coverTerms[i]!.some(([, c]) => c > 0)) rows.push({ name: `cover_${i}`, terms: coverTerms[i]!, max: 0 });
  });
  for (const [key, group] of byDayTemplate) rows.push({ name: `dt_${key}`, terms: group.map((o) => [o.name, 1]), max: group[0]!.eligible.length });
  // the solver works one shift per nurse and date; the bound only where daily rest forces it
  const ranges = problem.nurses.map((n) => paidRange(problem, n.index, tolerance, !bound || oneShiftADate(problem, templatesOf(problem, n.index))));
  const classes = classRows(
    problem,
    byDayTemplate,
    ranges,
    bound ? null : { floor: problem.nurses.map((n) => paidRange(problem, n.index, CONTRACT_BAND)), softWeight: SOFT_WEIGHT, hardWeight: HARD_WEIGHT },
    bound,
  );
  variables.push(...classes.variables);
  rows.push(...classes.rows);
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const paidTerms = options.map((o): [string, number] => [o.name, o.placement.paidMinutes]);
  rows.push({ name: "paid", terms: paidTerms, min: sum(ranges.map((r) => r?.min ?? 0)), max: sum(ranges.map((r) => r?.max ?? 0)) });
  problem.templates.forEach((t) => {
    const eligible = problem.nurses.filter((n) => !n.templates || n.templates.has(t.index)).map((n) => ranges[n.index]?.max ?? 0);
    const terms = options.filter((o) => o.placement.template === t.index).map((o): [string, number] => [o.name, o.placement.paidMinutes]);
    if (terms.length) rows.push({ name: `tpl_${t.index}`, terms, max: sum(eligible) });
  });
  if (problem.nurses.every((n) => n.maxShifts !== null))
    rows.push({ name: "maxShifts", terms: options.map((o) => [o.name, 1]), max: problem.nurses.reduce((s, n) => s + n.maxShifts!, 0) });
  if (!bound) {
    // assignment works one shift per nurse and date; the bound does not assume it
    for (let d = 0; d < problem.periodDays; d++) {
      const day = options.filter((o) => o.placement.dayIndex === d);
      const available = new Set(day.flatMap((o) => o.eligible)).size;
      if (day.length) rows.push({ name: `day_${d}`, terms: day.map((o) => [o.name, 1]), max: available });
    }
  }
  return { sense: "max", variables, rows };
}

/**
 * The calls the count model's envelope credits to one of its solutions: the objective without the
 * contract penalties (the z variables of countModel, each one more nurse on an interval at its slope).
 */
export function envelopeCalls(model: LpModel, values: ReadonlyMap<string, number>): number {
  return model.variables.reduce((sum, v) => (v.name.startsWith("z_") ? sum + v.objective * (values.get(v.name) ?? 0) : sum), 0);
}

/**
 * The fewest and most paid minutes a nurse can work within ±tolerance of the contract, given the
 * paid lengths of their templates, maxShifts and their available dates (with `oneADate`, one shift
 * a date; else as many as the date has templates). Within ±5 %, when no combination lands inside,
 * the nearest totals on either side within ±10 %; null when none does.
 * Bounds the count model per nurse rather than pooled.
 */
export function paidRange(problem: CallsProblem, nurse: number, tolerance: number, oneADate = true): { min: number; max: number } | null {
  const n = problem.nurses[nurse]!;
  const lo = n.contractMinutes * (1 - tolerance) - 1e-9;
  const hi = n.contractMinutes * (1 + tolerance) + 1e-9;
  if (n.contractMinutes === 0) return { min: 0, max: 0 };
  const inBand = reachablePaidMinutes(problem, nurse, hi, oneADate).filter((r) => r >= lo);
  if (inBand.length) return { min: Math.min(...inBand), max: Math.max(...inBand) };
  if (tolerance >= CONTRACT_BAND) return null;
  // no whole number of shifts lands within the aim (a 3,840-minute contract in 600-minute nights):
  // the nearest totals on either side that the rules allow, which is what "within ±5 %" can mean for them
  const allowed = reachablePaidMinutes(problem, nurse, n.contractMinutes * (1 + CONTRACT_BAND) + 1e-9, oneADate).filter((r) => r >= n.contractMinutes * (1 - CONTRACT_BAND) - 1e-9);
  const below = allowed.filter((r) => r < lo).pop();
  const above = allowed.find((r) => r > hi);
  return below === undefined && above === undefined ? null : { min: below ?? above!, max: above ?? below! };
}

/**
 * Slopes for an interval the count model commits to or abandons, after a solve that staffed it
 * with `staffed` nurses. The envelope pays every nurse of an understaffed peak as if each answered
 * calls, where in truth none does until the nurses carry the load: the counts it gives spread a
 * shortage thinly over many peaks, each then worth nothing. So each interval is decided: below
 * `share` of the nurses where its gain is steepest, it is abandoned (no value: its nurses are
 * free to go where they count); else committed: every nurse up to that point is worth the steepest
 * gain, a shortfall costs that much (a concave function below the true one), and the envelope of
 * the rest above it. Either way the model's value is at most the true one.
 */
export function committedSlopes(values: readonly number[], staffed: number, share: number): number[] {
  const gains = values.slice(1).map((v, k) => v - values[k]!);
  if (!gains.length) return [];
  let steepest = 0;
  for (let k = 1; k < gains.length; k++) if (gains[k]! > gains[steepest]!) steepest = k;
  if (staffed < share * (steepest + 1)) return [];
  const rest = envelopeSlopes(values.slice(steepest + 1).map((v) => v - values[steepest + 1]!));
  return [...new Array<number>(steepest + 1).fill(gains[steepest]!), ...rest];
}
