import type { CallsProblem } from "../../src/calls/model.js";
import { placementTable, templatePaidMinutes, workable } from "../../src/calls/shifts.js";
import type { LpRow, LpVariable } from "../common/lp.js";
import type { ShiftOption } from "./shift-options.js";

/**
 * Nurses pooled by the templates they work: the count model sees each class's contracts, dates and
 * rest, so that the shifts it counts can be handed out without leaving a class short (pooled over
 * all nurses, the night nurses' minutes went to day shifts and the night nurses ended up far below
 * their contracts).
 *
 * w[k,d,t] is how many of the shifts of template t on date d class k works; v[n,t] how many of
 * template t nurse n works over the period, so that each contract is met in whole shifts. The rows:
 *  - the class's w sum, per template, to its nurses' v (integers: a 4,800-minute contract takes ten
 *    480-minute shifts, or eleven only if eight are 450, which a sum over the class hides);
 *  - each nurse's paid minutes within the tolerance of the contract (in the solver's model, below it
 *    at a cost), at most maxShifts and one shift per available date;
 *  - per date, at most the class's available nurses work;
 *  - a calendar week wholly in the period: a nurse working every date of it would have no weekly rest
 *    (checked from the class's shift times), so each leaves one date free;
 *  - a shift on date d and one on d+1 closer than the daily rest exclude each other (in the solver's
 *    model also all of them at once: restAcrossMidnight).
 * In `bound` mode the model must hold every valid roster, and "one shift per nurse and date" is a
 * rule only where daily rest forbids two shifts on one date: the rows that assume it are kept only
 * for a class whose shift times force it on every date (as on the bundled region).
 */

/** The templates nurse n may work. */
export const templatesOf = (problem: CallsProblem, nurse: number): number[] =>
  problem.templates.map((t) => t.index).filter((t) => !problem.nurses[nurse]!.templates || problem.nurses[nurse]!.templates!.has(t));

/** Whether daily rest leaves a nurse who works `templates` at most one shift on every date (any two of a date's shifts too close). */
export function oneShiftADate(problem: CallsProblem, templates: readonly number[]): boolean {
  const rest = problem.rules.dailyRestMinutes;
  return placementTable(problem).every((row) => {
    const ps = templates.map((t) => row[t] ?? null).filter((p) => workable(p, problem));
    return allTooClose(ps, rest);
  });
}

type Span = { start: number; end: number };
/** Two shifts closer than the daily rest: no nurse works both. */
const tooClose = (a: Span, b: Span, rest: number) => a.start < b.end + rest && b.start < a.end + rest;
/** Every two of the shifts too close: a nurse works at most one of them. */
const allTooClose = (ps: readonly Span[], rest: number) => ps.every((a, i) => ps.every((b, j) => i === j || tooClose(a, b, rest)));

export interface NurseClass {
  key: string;
  members: number[];
  templates: number[];
}

export function nurseClasses(problem: CallsProblem): NurseClass[] {
  const classes = new Map<string, NurseClass>();
  for (const n of problem.nurses) {
    if (n.contractMinutes <= 0) continue;
    const templates = templatesOf(problem, n.index);
    const key = templates.join("_");
    const k = classes.get(key) ?? { key, members: [], templates };
    k.members.push(n.index);
    classes.set(key, k);
  }
  return [...classes.values()];
}

/** The count model's variable: how many of the (date, template) `key`'s shifts class c works. */
export const classShare = (c: number, key: string) => `w_${c}_${key}`;

export interface PaidRange {
  min: number;
  max: number;
}

/** Variables and rows tying the count model's x[d,t,b] to the classes. */
export function classRows(
  problem: CallsProblem,
  byDayTemplate: Map<string, ShiftOption[]>,
  ranges: readonly (PaidRange | null)[],
  soft: { floor: readonly (PaidRange | null)[]; softWeight: number; hardWeight: number } | null,
  bound: boolean,
): { variables: LpVariable[]; rows: LpRow[] } {
  const variables: LpVariable[] = [];
  const rows: LpRow[] = [];
  const classes = nurseClasses(problem);
  const classOf = new Map<number, number>();
  classes.forEach((k, c) => k.members.forEach((n) => classOf.set(n, c)));
  // w names per class, date and template
  const w = classes.map(() => new Map<number, Map<number, string>>());
  for (const [key, group] of byDayTemplate) {
    const { dayIndex: d, template: t } = group[0]!.placement;
    const perClass = new Map<number, number>();
    for (const n of group[0]!.eligible) if (classOf.has(n)) perClass.set(classOf.get(n)!, (perClass.get(classOf.get(n)!) ?? 0) + 1);
    const split: [string, number][] = group.map((o) => [o.name, 1]);
    for (const [c, count] of perClass) {
      const name = classShare(c, key);
      variables.push({ name, objective: 0, upper: count, integer: true });
      split.push([name, -1]);
      const days = w[c]!;
      if (!days.has(d)) days.set(d, new Map());
      days.get(d)!.set(t, name);
    }
    rows.push({ name: `split_${key}`, terms: split, min: 0, max: 0 });
  }
  const placement = (d: number, t: number) => byDayTemplate.get(`${d}_${t}`)?.[0]!.placement;
  const available = (n: number, d: number) => !problem.nurses[n]!.unavailable.has(problem.days[d]!.date);
  const rest = problem.rules.dailyRestMinutes;

  classes.forEach((k, c) => {
    const days = w[c]!;
    const all = [...days.values()].flatMap((m) => [...m.values()]);
    if (!all.length) return;
    const terms = (names: string[]): [string, number][] => names.map((name) => [name, 1]);
    // one shift a date
    for (const [d, byTemplate] of days) {
      if (bound && !allTooClose([...byTemplate.keys()].map((t) => placement(d, t)!), rest)) continue;
      rows.push({ name: `kday_${c}_${d}`, terms: terms([...byTemplate.values()]), max: k.members.filter((n) => available(n, d)).length });
    }
    // the rows below count dates as shifts: in the bound, only where one shift a date is forced
    const byDates = !bound || oneShiftADate(problem, k.templates);
    const dates = Array.from({ length: problem.periodDays }, (_, d) => d);
    const wholeWeeks = !byDates
      ? []
      : problem.weeks
          .map((week) => dates.filter((d) => problem.days[d]!.start >= week.start && problem.days[d]!.start < week.end))
          .filter((inWeek, wk) => {
            const week = problem.weeks[wk]!;
            if (inWeek.length < 7 || week.start < problem.start || week.end > problem.end) return false;
            return longestGapWorkingDaily(inWeek.map((d) => k.templates.map((t) => placement(d, t)).filter((p) => p !== undefined)), week) < problem.rules.weeklyRestMinutes;
          });
    /** the most shifts nurse n can work: maxShifts, and (one a date) available dates less a date off in each whole week */
    const mostShifts = (n: number) =>
      Math.min(
        problem.nurses[n]!.maxShifts ?? Infinity,
        byDates ? dates.filter((d) => available(n, d)).length - wholeWeeks.filter((inWeek) => inWeek.every((d) => available(n, d))).length : Infinity,
      );
    // each nurse's mix of templates over the period
    const perTemplate = new Map<number, [string, number][]>();
    for (const [, byTemplate] of days) for (const [t, name] of byTemplate) perTemplate.set(t, [...(perTemplate.get(t) ?? []), [name, -1]]);
    for (const n of k.members) {
      const c_n = problem.nurses[n]!.contractMinutes;
      const most = mostShifts(n);
      const mix: [string, number][] = [];
      const paid: [string, number][] = [];
      for (const [t, list] of perTemplate) {
        const name = `v_${n}_${t}`;
        variables.push({ name, objective: 0, ...(Number.isFinite(most) ? { upper: most } : {}), integer: true });
        list.push([name, 1]);
        mix.push([name, 1]);
        paid.push([name, templatePaidMinutes(problem.templates[t]!)]);
      }
      if (Number.isFinite(most)) rows.push({ name: `nmax_${n}`, terms: mix, max: most });
      const slack: [string, number][] = [];
      if (soft) {
        const under = `nunder_${n}`;
        const short = `nshort_${n}`;
        variables.push({ name: under, objective: -soft.softWeight, upper: Math.max(0, (ranges[n]?.min ?? 0) - (soft.floor[n]?.min ?? 0)) }, { name: short, objective: -soft.hardWeight });
        slack.push([under, 1], [short, 1]);
      }
      rows.push({ name: `npaid_${n}`, terms: [...paid, ...slack], min: ranges[n]?.min ?? 0 });
      rows.push({ name: `npaidmax_${n}`, terms: paid, max: ranges[n]?.max ?? c_n });
    }
    for (const [t, list] of perTemplate) rows.push({ name: `mix_${c}_${t}`, terms: list, min: 0, max: 0 });
    // weekly rest: a date off in each whole week, where working every date would leave no rest
    wholeWeeks.forEach((inWeek, wk) => {
      const names = inWeek.flatMap((d) => [...(days.get(d)?.values() ?? [])]);
      const most = k.members.reduce((s, n) => s + Math.min(inWeek.length - 1, inWeek.filter((d) => available(n, d)).length), 0);
      if (names.length) rows.push({ name: `kweek_${c}_${wk}`, terms: terms(names), max: most });
    });
    // daily rest across midnight: a shift on d and a conflicting one on d+1
    for (const [d, today] of days) {
      const tomorrow = days.get(d + 1);
      if (!tomorrow) continue;
      const members = k.members.filter((n) => available(n, d) || available(n, d + 1)).length;
      for (const [t2, next] of tomorrow) {
        const before = [...today].filter(([t1]) => tooClose(placement(d, t1)!, placement(d + 1, t2)!, rest));
        const exclusive = allTooClose(before.map(([t1]) => placement(d, t1)!), rest);
        if (before.length && (exclusive || byDates)) rows.push({ name: `krest_${c}_${d}_${t2}`, terms: terms([...before.map(([, name]) => name), next]), max: members });
      }
      if (!bound && byDates) rows.push(...restAcrossMidnight(c, d, today, tomorrow, placement, rest, members));
    }
  });
  return { variables, rows };
}

/**
 * Daily rest across midnight for all the class's shifts at once, in the solver's count model. The
 * rows krest take one template of d+1 at a time: for a class of 10 nurses they allow 6 on kvall
 * (ending 23:00) and 3 each on dag (07:00) and fm (08:00) the next day (each row 9), where only the
 * 4 not on kvall can work either. A nurse works one shift a date, and every shift of d ending at
 * or after `end` is too close to every shift of d+1 starting less than the rest after it; so for
 * each end on d, those two sets together take at most the class's nurses (Hall's condition for
 * these nested sets: for the two dates alone and this rule alone, enough to hand the counts out;
 * over a run of dates and with the weekly rest, not always). Every roster
 * keeps these rows, but the bound leaves them out: priced apart by date (bound-by-date.ts), region
 * 105's dates were slower and its bound by date 0.2 points looser at the LP's duals. With them the
 * counts answer more once committed to (region 105: 78.1 against 76.8 %), and the roster on
 * region 107 rose from 76.6 to 77.6 % (seed 1). (2026-12-07, `node dist/bench/run.js --calls` and
 * scripts over solveStaffing; README, "Rest in the counts".)
 */
function restAcrossMidnight(
  c: number,
  d: number,
  today: ReadonlyMap<number, string>,
  tomorrow: ReadonlyMap<number, string>,
  placement: (d: number, t: number) => Span | undefined,
  rest: number,
  members: number,
): LpRow[] {
  return [...new Set([...today.keys()].map((t) => placement(d, t)!.end))].flatMap((end): LpRow[] => {
    const late = [...today].filter(([t]) => placement(d, t)!.end >= end);
    const early = [...tomorrow].filter(([t]) => placement(d + 1, t)!.start < end + rest);
    // a single pair is the row krest already has
    return early.length && late.length + early.length > 2 ? [{ name: `krestall_${c}_${d}_${end}`, terms: [...late, ...early].map(([, name]): [string, number] => [name, 1]), max: members }] : [];
  });
}

/** The longest rest in `week` a nurse could have while working one shift of each date (shifts per date listed). */
function longestGapWorkingDaily(perDate: { start: number; end: number }[][], week: { start: number; end: number }): number {
  if (perDate.some((ps) => !ps.length)) return Infinity;
  const latestStart = (ps: { start: number }[]) => Math.max(...ps.map((p) => p.start));
  const earliestEnd = (ps: { end: number }[]) => Math.min(...ps.map((p) => p.end));
  let gap = latestStart(perDate[0]!) - week.start;
  for (let i = 1; i < perDate.length; i++) gap = Math.max(gap, latestStart(perDate[i]!) - earliestEnd(perDate[i - 1]!));
  return Math.max(gap, week.end - earliestEnd(perDate[perDate.length - 1]!));
}
