import { groupBy } from "../../src/common/group.js";
import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import type { LpSolution } from "../common/lp.js";
import type { ShiftGroup } from "./assignment-model.js";
import { classShare } from "./nurse-classes.js";
import { dayTemplateKey, type ShiftOption } from "./shift-options.js";
import { envelopeSlopes } from "./staffing-model.js";

/** The count model's shifts by date and template, each with its break positions and its worth at the counted staffing. */
export type CountedGroup = ShiftGroup & { options: ShiftOption[]; every: ShiftOption[] };

export function countedGroups(problem: CallsProblem, queues: IntervalQueues, all: readonly ShiftOption[], counts: LpSolution, classIndex: number, members: readonly number[]): CountedGroup[] {
  const staffed = new Array<number>(problem.intervals.length).fill(0);
  const counted = all.flatMap((o) => Array.from({ length: Math.round(counts.values.get(o.name) ?? 0) }, () => o));
  for (const o of counted) for (const i of o.covered) staffed[i]!++;
  const countedByKey = groupBy(counted, dayTemplateKey);
  const inClass = new Set(members);
  return [...groupBy(all, dayTemplateKey)].flatMap(([key, every]) => {
    const eligible = every[0]!.eligible.filter((n) => inClass.has(n));
    if (!eligible.length) return [];
    const count = Math.round(counts.values.get(classShare(classIndex, key)) ?? 0);
    // which break positions this class's shifts take: the class's share of the date's, in class order
    const before = Array.from({ length: classIndex }, (_, c) => Math.round(counts.values.get(classShare(c, key)) ?? 0)).reduce((a, b) => a + b, 0);
    const mine = (countedByKey.get(key) ?? []).slice(before, before + count);
    // the worth of 0, 1, 2, ... of this class's nurses on it, everyone else as counted
    const o = mine[0] ?? every[0]!;
    const base = o.covered.map((i) => staffed[i]! - count);
    const value = Array.from({ length: eligible.length + 1 }, (_, k) => o.covered.reduce((sum, i, j) => sum + queues.value(i, Math.max(0, base[j]! + k)), 0));
    const worths = envelopeSlopes(value).filter((w) => w > 1e-9);
    return worths.length ? [{ key, placement: o.placement, eligible, worths, options: mine, every }] : [];
  });
}

/** Every option each nurse may work. */
export function optionsByNurse(problem: CallsProblem, all: readonly ShiftOption[]): ShiftOption[][] {
  const own: ShiftOption[][] = problem.nurses.map(() => []);
  for (const o of all) for (const n of o.eligible) own[n]!.push(o);
  return own;
}
