import { groupBy } from "../src/group.js";
import type { CallsProblem } from "../src/calls/model.js";
import type { ShiftPlacement } from "../src/calls/shifts.js";
import type { LpModel, LpRow, LpVariable } from "./lp.js";

/**
 * Who works the counted shifts: y[n,g] = 1 when nurse n works one of group g's shifts (a date and
 * template), at most count[g] per group, each weighted by what a shift of that group is worth.
 * Every rule of a nurse's roster is in it:
 *  - templates, unavailable dates: only eligible y exist; one shift per nurse and date; maxShifts;
 *  - daily rest: shifts whose [start, end + rest) overlap exclude each other, one row per nurse and
 *    shift start (the cliques of an interval graph);
 *  - weekly rest: per nurse and calendar week one rest window r[n,w,s] of minWeeklyRestHours is
 *    chosen among those starting at the week's start or at a shift's end, and no shift overlaps it;
 *  - contract: at most +10 %; minutes outside ±5 % cost `softWeight` each, below −10 % `hardWeight`
 *    (the counted shifts may not suffice; the search then adds what is missing).
 */

export interface ShiftGroup {
  key: string;
  placement: ShiftPlacement;
  count: number;
  eligible: number[];
  /** what one more shift of this group is worth (answered calls) */
  worth: number;
}

export function assignmentModel(problem: CallsProblem, groups: readonly ShiftGroup[], softWeight: number, hardWeight: number): { model: LpModel; y: Map<string, { nurse: number; group: ShiftGroup }> } {
  const variables: LpVariable[] = [];
  const rows: LpRow[] = [];
  const y = new Map<string, { nurse: number; group: ShiftGroup }>();
  const byNurse = problem.nurses.map(() => [] as { name: string; placement: ShiftPlacement }[]);
  for (const g of groups) {
    if (g.count <= 0) continue;
    const terms: [string, number][] = [];
    for (const n of g.eligible) {
      const name = `y_${n}_${g.key}`;
      variables.push({ name, objective: g.worth, upper: 1, integer: true });
      y.set(name, { nurse: n, group: g });
      byNurse[n]!.push({ name, placement: g.placement });
      terms.push([name, 1]);
    }
    rows.push({ name: `count_${g.key}`, terms, max: g.count });
  }
  const rest = problem.rules.dailyRestMinutes;
  const weekly = problem.rules.weeklyRestMinutes;
  problem.nurses.forEach((nurse, n) => {
    const own = byNurse[n]!;
    if (!own.length) return;
    for (const [d, same] of groupBy(own, (s) => s.placement.dayIndex))
      if (same.length > 1) rows.push({ name: `day_${n}_${d}`, terms: same.map((s): [string, number] => [s.name, 1]), max: 1 });
    for (const t of new Set(own.map((s) => s.placement.start))) {
      const terms = own.filter((s) => s.placement.start <= t && t < s.placement.end + rest).map((s): [string, number] => [s.name, 1]);
      if (terms.length > 1) rows.push({ name: `rest_${n}_${t}`, terms, max: 1 });
    }
    problem.weeks.forEach((week, w) => {
      const candidates = [week.start, ...own.map((s) => s.placement.end)].filter((r, k, all) => r >= week.start && r + weekly <= week.end && all.indexOf(r) === k);
      const choice: [string, number][] = [];
      for (const r of candidates) {
        const overlapping = own.filter((s) => s.placement.start < r + weekly && s.placement.end > r);
        const name = `r_${n}_${w}_${r}`;
        variables.push({ name, objective: 0, upper: 1, integer: true });
        choice.push([name, 1]);
        // each overlapping shift forbids the window (one row per pair: tight where a big-M row is weak)
        overlapping.forEach((s, k) => rows.push({ name: `free_${n}_${w}_${r}_${k}`, terms: [[s.name, 1], [name, 1]], max: 1 }));
      }
      rows.push({ name: `week_${n}_${w}`, terms: choice, min: 1 });
    });
    const ys = own.map((s): [string, number] => [s.name, 1]);
    if (nurse.maxShifts !== null) rows.push({ name: `max_${n}`, terms: ys, max: nurse.maxShifts });
    const c = nurse.contractMinutes;
    const over = `over_${n}`;
    const under = `under_${n}`;
    // the counted shifts may not carry everyone to −10 %: the shortfall below it is allowed but dear
    const short = `short_${n}`;
    variables.push(
      { name: over, objective: -softWeight, upper: 0.05 * c },
      { name: under, objective: -softWeight, upper: 0.05 * c },
      { name: short, objective: -hardWeight, upper: 0.9 * c },
    );
    rows.push({ name: `contract_${n}`, terms: [...own.map((s): [string, number] => [s.name, s.placement.paidMinutes]), [over, -1], [under, 1], [short, 1]], min: 0.95 * c, max: 1.05 * c });
  });
  return { model: { sense: "max", variables, rows }, y };
}
