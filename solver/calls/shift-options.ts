import type { CallsProblem } from "../../src/calls/model.js";
import { staffedIntervals, workable, type ShiftPlacement } from "../../src/calls/shifts.js";

/** A shift the models may count: a template on a date with one of its break positions, and the intervals it staffs. */
export interface ShiftOption {
  name: string;
  placement: ShiftPlacement;
  breakStart: number | null;
  covered: number[];
  /** the covered intervals as runs [from, to) of consecutive ones (a break splits a shift in two): the search sums a shift's gain in two lookups a run */
  runs: Int32Array;
  /** nurses who may work this template on this date */
  eligible: number[];
}

/** The (date, template) an option belongs to: its break position aside. */
export const dayTemplateKey = (o: ShiftOption) => `${o.placement.dayIndex}_${o.placement.template}`;

export function shiftOptions(problem: CallsProblem, placements: (ShiftPlacement | null)[][]): ShiftOption[] {
  const options: ShiftOption[] = [];
  placements.forEach((row, d) =>
    row.forEach((p, t) => {
      if (!workable(p, problem)) return;
      const template = problem.templates[t]!;
      const eligible = problem.nurses
        .filter((n) => (!n.templates || n.templates.has(t)) && !n.unavailable.has(problem.days[d]!.date) && n.contractMinutes > 0)
        .map((n) => n.index);
      if (!eligible.length) return;
      const breaks = template.breakMinutes ? p.breakStarts : [null];
      breaks.forEach((b, k) => {
        const covered = staffedIntervals(problem, p.start, p.end, b, b === null ? null : b + template.breakMinutes);
        options.push({ name: `x_${d}_${t}_${k}`, placement: p, breakStart: b, covered, runs: runsOf(covered), eligible });
      });
    }),
  );
  return options;
}

/** Ascending interval indexes as runs [from, to) of consecutive ones, flat. */
function runsOf(covered: readonly number[]): Int32Array {
  const flat: number[] = [];
  for (const i of covered) {
    if (flat.length && flat[flat.length - 1] === i) flat[flat.length - 1] = i + 1;
    else flat.push(i, i + 1);
  }
  return Int32Array.from(flat);
}
