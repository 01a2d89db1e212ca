import { groupBy } from "../../src/common/group.js";
import { CONTRACT_AIM, CONTRACT_BAND } from "../../src/calls/rules.js";
import type { CallsProblem } from "../../src/calls/model.js";
import type { ShiftPlacement } from "../../src/calls/shifts.js";
import type { LpModel, LpRow, LpVariable } from "../common/lp.js";

/**
 * Who works which shifts: y[n,g] = 1 when nurse n works one of group g's shifts (a date and
 * template). The k-th nurse on a group is worth worths[k] (answered calls, falling with k), through
 * continuous s[g,k] with sum_n y[n,g] = sum_k s[g,k]: moving many shifts from one template to
 * another then costs what it really does, which one worth per shift would hide.
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
  eligible: number[];
  /** what the first, second, ... nurse on this group is worth (answered calls), non-increasing */
  worths: number[];
}

export function assignmentModel(problem: CallsProblem, groups: readonly ShiftGroup[], softWeight: number, hardWeight: number): { model: LpModel; y: Map<string, { nurse: number; group: ShiftGroup }> } {
  const variables: LpVariable[] = [];
  const rows: LpRow[] = [];
  const y = new Map<string, { nurse: number; group: ShiftGroup }>();
  const byNurse = problem.nurses.map(() => [] as { name: string; placement: ShiftPlacement }[]);
  for (const g of groups) {
    if (!g.worths.length) continue;
    const terms: [string, number][] = [];
    for (const n of g.eligible) {
      const name = `y_${n}_${g.key}`;
      variables.push({ name, objective: 0, upper: 1, integer: true });
      y.set(name, { nurse: n, group: g });
      byNurse[n]!.push({ name, placement: g.placement });
      terms.push([name, 1]);
    }
    g.worths.forEach((worth, k) => {
      variables.push({ name: `s_${g.key}_${k}`, objective: worth, upper: 1 });
      terms.push([`s_${g.key}_${k}`, -1]);
    });
    rows.push({ name: `count_${g.key}`, terms, min: 0, max: 0 });
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
      const byDate = freeDateWeek(problem, own, week);
      if (byDate) {
        freeDateRows(n, w, week, byDate, weekly, variables, rows);
        return;
      }
      const candidates = [week.start, ...own.map((s) => s.placement.end)].filter((r, k, all) => r >= week.start && r + weekly <= week.end && all.indexOf(r) === k);
      const choice: [string, number][] = [];
      for (const r of candidates) {
        const overlapping = own.filter((s) => s.placement.start < r + weekly && s.placement.end > r);
        const name = `r_${n}_${w}_${r}`;
        variables.push({ name, objective: 0, upper: 1, integer: true });
        choice.push([name, 1]);
        // a shift overlapping the window forbids it: one row per date, whose shifts exclude each other
        // anyway (a clique: tighter than a row per shift and far tighter than a big-M row)
        for (const [d, same] of groupBy(overlapping, (s) => s.placement.dayIndex))
          rows.push({ name: `free_${n}_${w}_${r}_${d}`, terms: [...same.map((s): [string, number] => [s.name, 1]), [name, 1]], max: 1 });
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
      { name: over, objective: -softWeight, upper: CONTRACT_AIM * c },
      { name: under, objective: -softWeight, upper: CONTRACT_AIM * c },
      { name: short, objective: -hardWeight, upper: (1 - CONTRACT_BAND) * c },
    );
    rows.push({ name: `contract_${n}`, terms: [...own.map((s): [string, number] => [s.name, s.placement.paidMinutes]), [over, -1], [under, 1], [short, 1]], min: (1 - CONTRACT_AIM) * c, max: (1 + CONTRACT_AIM) * c });
  });
  return { model: { sense: "max", variables, rows }, y };
}

export type OwnShift = { name: string; placement: ShiftPlacement };

/**
 * A nurse's shifts by date over a whole calendar week (its dates and one either side), when the
 * week's rest can be written as "some date of the week is free, and the shifts around it leave
 * the rest": that holds when no rest window fits between shifts on consecutive dates or at the
 * week's edges, and every window spanning two free dates does. Null otherwise (the general
 * windows of `assignmentModel` then apply).
 */
export function freeDateWeek(problem: CallsProblem, own: readonly OwnShift[], week: { start: number; end: number }): OwnShift[][] | null {
  const weekly = problem.rules.weeklyRestMinutes;
  const dates = problem.days.slice(0, problem.periodDays).flatMap((day, d) => (day.start >= week.start && day.start < week.end ? [d] : []));
  if (dates.length !== 7 || week.start < problem.start || week.end > problem.end || weekly <= 25 * 60) return null;
  const first = dates[0]! - 1;
  const byDate = Array.from({ length: 9 }, (_, k) => own.filter((s) => s.placement.dayIndex === first + k));
  const left = (s: OwnShift) => Math.max(s.placement.end, week.start);
  const right = (s: OwnShift) => Math.min(s.placement.start, week.end);
  for (let k = 0; k + 1 < 9; k++) for (const a of byDate[k]!) for (const b of byDate[k + 1]!) if (right(b) - left(a) >= weekly) return null;
  for (let k = 0; k + 3 < 9; k++) for (const a of byDate[k]!) for (const b of byDate[k + 3]!) if (right(b) - left(a) < weekly) return null;
  // two free dates at the week's edges
  if (byDate[3]!.some((b) => right(b) - week.start < weekly) || byDate[5]!.some((a) => week.end - left(a) < weekly)) return null;
  return byDate;
}

/**
 * Weekly rest as a free date: f[d] = 1 picks date d of the week as free, and no shift the day before
 * may pair with one the day after (or with the week's edge) closer than the rest: for each shift a
 * before, f + y[a] + the y of its conflicting shifts after <= 2 (they exclude each other on a date).
 */
export function freeDateRows(n: number, w: number, week: { start: number; end: number }, byDate: OwnShift[][], weekly: number, variables: LpVariable[], rows: LpRow[]): void {
  const left = (s: OwnShift) => Math.max(s.placement.end, week.start);
  const right = (s: OwnShift) => Math.min(s.placement.start, week.end);
  const choice: [string, number][] = [];
  for (let k = 1; k <= 7; k++) {
    const f = `f_${n}_${w}_${k}`;
    variables.push({ name: f, objective: 0, upper: 1, integer: true });
    choice.push([f, 1]);
    const today = byDate[k]!;
    if (today.length) rows.push({ name: `${f}_free`, terms: [...today.map((s): [string, number] => [s.name, 1]), [f, 1]], max: 1 });
    const before = byDate[k - 1]!;
    const after = byDate[k + 1]!;
    for (const a of before) {
      if (k === 7) {
        // the last date: the week ends the rest
        if (week.end - left(a) < weekly) rows.push({ name: `${f}_end_${a.name}`, terms: [[a.name, 1], [f, 1]], max: 1 });
        continue;
      }
      const conflicting = after.filter((b) => right(b) - left(a) < weekly);
      if (conflicting.length) rows.push({ name: `${f}_${a.name}`, terms: [[a.name, 1], ...conflicting.map((b): [string, number] => [b.name, 1]), [f, 1]], max: 2 });
    }
    if (k === 1) {
      // the first date: the week starts the rest
      const early = after.filter((b) => right(b) - week.start < weekly);
      if (early.length) rows.push({ name: `${f}_start`, terms: [...early.map((b): [string, number] => [b.name, 1]), [f, 1]], max: 1 });
    }
  }
  rows.push({ name: `week_${n}_${w}`, terms: choice, min: 1 });
}
