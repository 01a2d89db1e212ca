import type { CallsProblem, NurseShift } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { placementTable, staffedIntervals, toNurseShift } from "../../src/calls/shifts.js";

/**
 * Breaks for a given roster (today's: the input does not say where its breaks are): each shift's
 * break goes where it costs the fewest answered calls given the others, in two passes.
 */
export function placeBreaks(problem: CallsProblem, queues: IntervalQueues, entries: readonly { nurse: number; template: number; dayIndex: number }[]): NurseShift[] {
  const placements = placementTable(problem);
  const shifts = entries.flatMap((e) => {
    const p = placements[e.dayIndex]?.[e.template];
    if (!p) return [];
    return [toNurseShift(e.nurse, p, p.breakStarts[0] ?? null, problem)];
  });
  const staffed = new Array<number>(problem.intervals.length).fill(0);
  const cover = (s: NurseShift, b: number | null) => staffedIntervals(problem, s.start, s.end, b, b === null ? null : b + problem.templates[s.template]!.breakMinutes);
  for (const s of shifts) for (const i of cover(s, s.breakStart)) staffed[i]!++;
  for (let pass = 0; pass < 2; pass++) {
    shifts.forEach((s, k) => {
      const options = placements[s.dayIndex]![s.template]!.breakStarts;
      if (s.breakStart === null || options.length < 2) return;
      for (const i of cover(s, s.breakStart)) staffed[i]!--;
      const valueWith = (b: number) => cover(s, b).reduce((sum, i) => sum + queues.value(i, staffed[i]! + 1) - queues.value(i, staffed[i]!), 0);
      let best = s.breakStart;
      let bestValue = valueWith(best);
      for (const b of options) {
        const v = valueWith(b);
        if (v > bestValue + 1e-12) {
          best = b;
          bestValue = v;
        }
      }
      shifts[k] = toNurseShift(s.nurse, placements[s.dayIndex]![s.template]!, best, problem);
      for (const i of cover(shifts[k]!, best)) staffed[i]!++;
    });
  }
  return shifts;
}
