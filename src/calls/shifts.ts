import { wallToAbs, type LocalDay } from "../common/time.js";
import type { CallsProblem, NurseShift, Template } from "./model.js";

/**
 * Where a template's shift lies on a date, and where its break may go: calls.md's rules in
 * absolute minutes. A shift starts at its template's local start and lasts lengthMinutes of elapsed
 * time; the break's window is taken at its first occurrence at or after the shift's start.
 */

export interface ShiftPlacement {
  template: number;
  dayIndex: number;
  start: number;
  end: number;
  paidMinutes: number;
  /** allowed break starts on the interval grid (or the window's first minute if none is); [] = no break */
  breakStarts: number[];
  /** earliest and latest allowed break start (absolute), for the validator */
  breakWindow: { earliest: number; latest: number } | null;
}

/** First absolute minute at or after `notBefore` whose wall clock reads `wall` (the next existing minute on a spring day). */
function firstAtOrAfter(days: readonly LocalDay[], dayIndex: number, wall: number, notBefore: number): number | null {
  for (let d = dayIndex; d < Math.min(days.length, dayIndex + 2); d++) {
    let abs: number | null = null;
    for (let w = wall; abs === null && w < wall + 61 && w < 1440; w++) abs = wallToAbs(days[d]!, w);
    if (abs !== null && abs >= notBefore) return abs;
  }
  return null;
}

/** The shift of `template` on period day `dayIndex`; null when its start does not exist that day. */
export function placeShift(problem: CallsProblem, template: Template, dayIndex: number): ShiftPlacement | null {
  const start = wallToAbs(problem.days[dayIndex]!, template.startMinute);
  if (start === null) return null;
  const end = start + template.lengthMinutes;
  const placement: ShiftPlacement = {
    template: template.index,
    dayIndex,
    start,
    end,
    paidMinutes: templatePaidMinutes(template),
    breakStarts: [],
    breakWindow: null,
  };
  if (!template.breakMinutes) return placement;
  const earliest = firstAtOrAfter(problem.days, dayIndex, template.breakEarliest!, start);
  const latestRaw = firstAtOrAfter(problem.days, dayIndex, template.breakLatest!, start);
  if (earliest === null || latestRaw === null) return placement;
  const latest = Math.min(latestRaw, end - template.breakMinutes);
  if (latest < earliest) return placement;
  placement.breakWindow = { earliest, latest };
  const step = problem.intervalMinutes;
  const firstOnGrid = problem.start + Math.ceil((earliest - problem.start) / step) * step;
  for (let t = firstOnGrid; t <= latest; t += step) placement.breakStarts.push(t);
  if (!placement.breakStarts.length) placement.breakStarts.push(earliest);
  return placement;
}

/** Every template's placement on every day of the period: [dayIndex][template]. */
export function placementTable(problem: CallsProblem): (ShiftPlacement | null)[][] {
  return Array.from({ length: problem.periodDays }, (_, d) => problem.templates.map((t) => placeShift(problem, t, d)));
}

/** A template with a break but no room for it on that date cannot be worked there. */
export const workable = (p: ShiftPlacement | null, problem: CallsProblem): p is ShiftPlacement =>
  p !== null && (problem.templates[p.template]!.breakMinutes === 0 || p.breakStarts.length > 0);

export function toNurseShift(nurse: number, p: ShiftPlacement, breakStart: number | null, problem: CallsProblem): NurseShift {
  const minutes = problem.templates[p.template]!.breakMinutes;
  return {
    nurse,
    template: p.template,
    dayIndex: p.dayIndex,
    start: p.start,
    end: p.end,
    breakStart: minutes ? breakStart : null,
    breakEnd: minutes && breakStart !== null ? breakStart + minutes : null,
  };
}

/**
 * The period's intervals in which a nurse on this shift counts as staffed: on shift for the whole
 * interval, on break for no part of it.
 */
export function staffedIntervals(problem: CallsProblem, start: number, end: number, breakStart: number | null, breakEnd: number | null): number[] {
  const step = problem.intervalMinutes;
  const first = Math.max(0, Math.ceil((start - problem.start) / step));
  const last = Math.min(problem.intervals.length, Math.floor((end - problem.start) / step));
  const out: number[] = [];
  for (let i = first; i < last; i++) {
    const s = problem.start + i * step;
    if (breakStart !== null && breakEnd !== null && s < breakEnd && s + step > breakStart) continue;
    out.push(i);
  }
  return out;
}

/** Staffed nurses per interval for a whole roster. */
export function staffedCounts(problem: CallsProblem, shifts: readonly NurseShift[]): number[] {
  const counts = new Array<number>(problem.intervals.length).fill(0);
  for (const s of shifts) for (const i of staffedIntervals(problem, s.start, s.end, s.breakStart, s.breakEnd)) counts[i]!++;
  return counts;
}

/** Paid minutes of a worked shift: its length in absolute minutes (an hour more or less over a DST change) less its template's break. */
export const paidMinutes = (problem: CallsProblem, s: { template: number; start: number; end: number }): number => s.end - s.start - problem.templates[s.template]!.breakMinutes;

/** Paid minutes of a template as written (its wall-clock length less the break): what the models count per shift. */
export const templatePaidMinutes = (t: { lengthMinutes: number; breakMinutes: number }): number => t.lengthMinutes - t.breakMinutes;

/**
 * Every total of paid minutes up to `most` a nurse can reach in whole shifts of their templates
 * (as written), within maxShifts and their available dates (with `oneADate`, one shift a date; else
 * as many as a date has templates). Says whether a contract band can be met at all: a night nurse
 * on 600-minute shifts with a 3,840-minute contract has 3,600 or 4,200, both outside ±5 %.
 */
export function reachablePaidMinutes(problem: CallsProblem, nurse: number, most: number, oneADate = true): number[] {
  const n = problem.nurses[nurse]!;
  const templates = problem.templates.filter((t) => !n.templates || n.templates.has(t.index));
  const lengths = [...new Set(templates.map(templatePaidMinutes))];
  const days = problem.days.slice(0, problem.periodDays).filter((d) => !n.unavailable.has(d.date)).length;
  const maxShifts = Math.min(days * (oneADate ? 1 : templates.length), n.maxShifts ?? Infinity);
  let frontier = new Set([0]);
  const all = new Set<number>();
  for (let k = 1; k <= maxShifts && frontier.size; k++) {
    const next = new Set<number>();
    for (const r of frontier) for (const l of lengths) if (r + l <= most) next.add(r + l);
    for (const r of next) all.add(r);
    frontier = next;
  }
  return [...all].sort((a, b) => a - b);
}
