import type { CallsProblem, NurseShift } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { toRosterShifts, validateStaffing, withAbsences, type Absence } from "../../src/calls/rules.js";
import { paidMinutes, placementTable, staffedCounts, staffedIntervals, toNurseShift, workable } from "../../src/calls/shifts.js";

/**
 * A nurse's absence filled with the fewest changes (issue 18): her shifts in [from, to) go, then,
 * one change at a time, the change that wins back the most calls answered within the threshold:
 * call in a nurse with hours left (a shift of a template she works, on a day she is free), or
 * move another nurse's shift that day to another template (earlier, later, longer). Each change is
 * kept only if the whole roster still passes every rule of calls.md (validateStaffing, the same
 * predicates as `validate-staffing`). It stops when the period's service level is back where it
 * was, or no change helps.
 */

export type RestaffChange =
  | { kind: "callIn"; nurse: number; shift: NurseShift }
  | { kind: "move"; nurse: number; from: NurseShift; shift: NurseShift };

export interface RestaffResult {
  /** the problem the new roster is valid for: the absent nurse unavailable, her lost hours counted as paid leave */
  problem: CallsProblem;
  absence: Absence;
  removed: NurseShift[];
  shifts: NurseShift[];
  changes: RestaffChange[];
  /** the period's service level: as published, with the gap, after the changes */
  serviceLevel: { published: number; withGap: number; after: number };
  /** the same over the days the absence touches, where the manager feels it */
  absenceDays: { published: number; withGap: number; after: number };
}

/** More changes than this per removed shift is not "the fewest"; the manager re-runs `staff` instead. */
const CHANGES_PER_REMOVED_SHIFT = 3;

export function restaff(problem: CallsProblem, queues: IntervalQueues, published: readonly NurseShift[], absent: number, from: number, to: number): RestaffResult {
  const removed = published.filter((s) => s.nurse === absent && s.start < to && s.end > from);
  const lostPaid = removed.reduce((sum, s) => sum + paidMinutes(problem, s), 0);
  // sick leave is paid: her contract band counts the lost hours as worked, and she is not called back those days
  const absence: Absence = { nurse: absent, from, to, paidMinutes: lostPaid };
  const changed = withAbsences(problem, [absence]);
  let shifts = published.filter((s) => !removed.includes(s));
  const counts = staffedCounts(problem, shifts);
  const answered = (c: number[]) => c.reduce((sum, n, i) => sum + queues.value(i, n), 0);
  const offered = queues.inputs.reduce((sum, q) => sum + q.offered, 0) || 1;
  const publishedCounts = staffedCounts(problem, published);
  const publishedLevel = answered(publishedCounts) / offered;
  const withGap = answered(counts) / offered;
  // the absence's days: the intervals of the local days [from, to) touches
  const onDays = problem.intervals.filter((iv) => problem.days.some((d) => d.start < to && d.end > from && iv.start >= d.start && iv.start < d.end)).map((iv) => iv.index);
  const dayLevel = (c: number[]) => onDays.reduce((sum, i) => sum + queues.value(i, c[i]!), 0) / (onDays.reduce((sum, i) => sum + queues.inputs[i]!.offered, 0) || 1);
  const daysWithGap = dayLevel(counts);
  const placements = placementTable(problem);
  const days = [...new Set(removed.map((s) => s.dayIndex))];
  const changes: RestaffChange[] = [];
  const cover = (s: NurseShift) => staffedIntervals(problem, s.start, s.end, s.breakStart, s.breakEnd);
  const gain = (add: NurseShift, drop?: NurseShift) => {
    const delta = new Map<number, number>();
    for (const i of cover(add)) delta.set(i, (delta.get(i) ?? 0) + 1);
    if (drop) for (const i of cover(drop)) delta.set(i, (delta.get(i) ?? 0) - 1);
    let g = 0;
    for (const [i, d] of delta) if (d) g += queues.value(i, counts[i]! + d) - queues.value(i, counts[i]!);
    return g;
  };
  /** The template's shift for a nurse with its break where it wins most, on the counts as they stand. */
  const bestShift = (nurse: number, template: number, day: number): NurseShift | null => {
    const p = placements[day]?.[template];
    if (!workable(p ?? null, problem)) return null;
    const options = p!.breakStarts.length ? p!.breakStarts : [null];
    let best: NurseShift | null = null;
    let bestGain = -Infinity;
    for (const b of options) {
      const s = toNurseShift(nurse, p!, b, problem);
      const g = gain(s);
      if (g > bestGain) {
        best = s;
        bestGain = g;
      }
    }
    return best;
  };
  const allowed = (nurse: number, template: number) => problem.nurses[nurse]!.templates?.has(template) ?? true;

  while (changes.length < CHANGES_PER_REMOVED_SHIFT * removed.length && answered(counts) / offered < publishedLevel - 1e-9) {
    const candidates: { change: RestaffChange; gain: number }[] = [];
    for (const day of days) {
      const working = new Set(shifts.filter((s) => s.dayIndex === day).map((s) => s.nurse));
      for (const n of changed.nurses) {
        if (n.index === absent) continue;
        for (const t of problem.templates) {
          if (!allowed(n.index, t.index)) continue;
          if (!working.has(n.index)) {
            const s = bestShift(n.index, t.index, day);
            if (s) candidates.push({ change: { kind: "callIn", nurse: n.index, shift: s }, gain: gain(s) });
          } else {
            const current = shifts.find((s) => s.nurse === n.index && s.dayIndex === day)!;
            if (current.template === t.index) continue;
            const s = bestShift(n.index, t.index, day);
            if (s) candidates.push({ change: { kind: "move", nurse: n.index, from: current, shift: s }, gain: gain(s, current) });
          }
        }
      }
    }
    candidates.sort((a, b) => b.gain - a.gain || a.change.nurse - b.change.nurse);
    let taken = false;
    for (const c of candidates) {
      if (c.gain <= 1e-9) break;
      const next = c.change.kind === "move" ? [...shifts.filter((s) => s !== (c.change as { from: NurseShift }).from), c.change.shift] : [...shifts, c.change.shift];
      if (validateStaffing(changed, toRosterShifts(changed, sorted(next))).length) continue;
      if (c.change.kind === "move") for (const i of cover(c.change.from)) counts[i]!--;
      for (const i of cover(c.change.shift)) counts[i]!++;
      shifts = next;
      changes.push(c.change);
      taken = true;
      break;
    }
    if (!taken) break;
  }
  return { problem: changed, absence, removed, shifts: sorted(shifts), changes, serviceLevel: { published: publishedLevel, withGap, after: answered(counts) / offered },
    absenceDays: { published: dayLevel(publishedCounts), withGap: daysWithGap, after: dayLevel(counts) },
  };
}

const sorted = (shifts: readonly NurseShift[]) => [...shifts].sort((a, b) => a.start - b.start || a.nurse - b.nurse);
