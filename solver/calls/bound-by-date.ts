import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import type { LpModel, LpRow, LpVariable } from "../common/lp.js";
import type { ShiftOption } from "./shift-options.js";
import { envelopeSlopes } from "./staffing-model.js";

/**
 * The bound by date. The count model's bound (staffing-model.ts) pays every interval by the concave
 * envelope of its answered calls, which pays a half-staffed peak for calls it would not answer: on
 * an outside region that cannot staff both daily peaks it stood 16 points above every roster found.
 * Here each interval whose nurses all come from one date's shifts gets the true curve besides: a
 * staircase of binaries u[i,m] ("at least m nurses", m from where the curve passes half a call up
 * to the point from which the envelope is the curve) caps the answered calls at the curve's value
 * at the staffing reached. Every row holds for every roster: set u[i,m] = 1 exactly when it has m
 * nurses there, and the envelope's z[i,k] filled in order up to the calls it truly answers.
 *
 * Solving that as one integer model stalls (3,418 binaries on region 105: its dual bound moved from
 * 87.0 to 86.1 % in 120 s). So the model is split by date (solver/common/lagrangian.ts): the count
 * variables, the class shares and the intervals of a date form its part; the rows that join dates
 * (contracts, the template mix, weekly and daily rest across midnight, the nights' early intervals)
 * are priced by the LP relaxation's duals. Each date is then a small integer model whose dual bound
 * is quickly near its optimum, and their sum bounds the whole.
 */

/** Answered calls below this are not worth a binary: the staircase starts where the curve passes it. */
const STEP_FLOOR_CALLS = 0.5;

/** A date's part: `d3` for dayIndex 3. */
export const datePart = (day: number) => `d${day}`;
/** The dayIndex of a date's part (datePart). */
export const partDay = (part: string) => Number(part.slice(1));

export interface DatedBoundModel {
  model: LpModel;
  /** the part of each variable: its date, or null (the nurses' template mix, the intervals two dates reach) */
  partOf: (variable: string) => string | null;
  /**
   * The same count (x, its template and break position) or class share (w, its class and template)
   * on another date, with its upper bound there (the nurses eligible that date); null for other
   * variables and where that date has no such variable.
   */
  onDate: (variable: string, day: number) => { name: string; upper: number } | null;
}

/** The staircase rows of interval i on `values` (answered calls at 0, 1, ... nurses), with the cover's count terms; none where the envelope is the curve. */
export function staircase(i: number, values: readonly number[], counts: readonly [string, number][]): { variables: LpVariable[]; rows: LpRow[] } {
  const slopes = envelopeSlopes(values);
  // the last staffing at which the envelope lies above the curve
  let envelope = values[0]!;
  let last = 0;
  slopes.forEach((s, k) => {
    envelope += s;
    if (envelope - values[k + 1]! > 0.01) last = k + 1;
  });
  if (!last) return { variables: [], rows: [] };
  const tangent = last + 1;
  const first = Math.max(1, values.findIndex((v) => v > STEP_FLOOR_CALLS));
  if (first > tangent) return { variables: [], rows: [] };
  const variables: LpVariable[] = [];
  const rows: LpRow[] = [];
  const capped: [string, number][] = slopes.flatMap((s, k): [string, number][] => (s > 1e-9 ? [[`z_${i}_${k}`, s]] : []));
  const reach: [string, number][] = [...counts];
  let previous: string | null = null;
  for (let m = first; m <= tangent; m++) {
    const u = `u_${i}_${m}`;
    variables.push({ name: u, objective: 0, upper: 1, integer: true });
    // reaching m nurses adds the curve's step; the last step releases the envelope above it
    capped.push([u, -(m === tangent ? values[values.length - 1]! - values[m - 1]! : values[m]! - values[m - 1]!)]);
    // with the chain below, Σ counts ≥ first·u[first] + Σ_{m > first} u[m] says u[m] = 1 needs m nurses
    reach.push([u, -(m === first ? m : 1)]);
    if (previous) rows.push({ name: `chain_${i}_${m}`, terms: [[previous, 1], [u, -1]], min: 0 });
    previous = u;
  }
  rows.push({ name: `stairs_${i}`, terms: capped, max: values[first - 1]! }, { name: `reach_${i}`, terms: reach, min: 0 });
  return { variables, rows };
}

/** The bound model `model` (countModel in bound mode) with the true curve on each date's own intervals, and its parts by date. */
export function datedBoundModel(problem: CallsProblem, queues: IntervalQueues, options: readonly ShiftOption[], model: LpModel): DatedBoundModel {
  const dates = problem.intervals.map(() => new Set<number>());
  const counts: [string, number][][] = problem.intervals.map(() => []);
  for (const o of options)
    for (const i of o.covered) {
      dates[i]!.add(o.placement.dayIndex);
      counts[i]!.push([o.name, 1]);
    }
  const variables = [...model.variables];
  const rows = [...model.rows];
  const names = new Set(variables.map((v) => v.name));
  problem.intervals.forEach((_, i) => {
    if (dates[i]!.size !== 1 || !names.has(`z_${i}_0`)) return;
    const extra = staircase(i, queues.valuesToFullService(i, problem.nurses.length), counts[i]!);
    variables.push(...extra.variables);
    rows.push(...extra.rows);
  });
  const dayOfOption = new Map(options.map((o) => [o.name, o.placement.dayIndex]));
  const partOf = (name: string): string | null => {
    const [kind, a, b] = name.split("_");
    if (kind === "x") return datePart(dayOfOption.get(name)!);
    // w_{class}_{date}_{template}: a class's share of a date's shifts
    if (kind === "w") return datePart(Number(b));
    if (kind === "z" || kind === "u") {
      const only = dates[Number(a)]!;
      return only.size === 1 ? datePart([...only][0]!) : null;
    }
    return null;
  };
  const upperOf = new Map(variables.map((v) => [v.name, v.upper ?? Infinity]));
  const onDate = (name: string, day: number) => {
    const bits = name.split("_");
    // x_{date}_{template}_{break}, w_{class}_{date}_{template}
    const moved = bits[0] === "x" ? `x_${day}_${bits[2]}_${bits[3]}` : bits[0] === "w" ? `w_${bits[1]}_${day}_${bits[3]}` : null;
    const upper = moved === null ? undefined : upperOf.get(moved);
    return moved === null || upper === undefined ? null : { name: moved, upper };
  };
  return { model: { sense: "max", variables, rows }, partOf, onDate };
}
