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

/** The count model's shifts of class c, by (date, template): the class's share of each date's, in class order. */
export function classCountedShifts(all: readonly ShiftOption[], counts: LpSolution, classIndex: number): Map<string, ShiftOption[]> {
  const counted = all.flatMap((o) => Array.from({ length: Math.round(counts.values.get(o.name) ?? 0) }, () => o));
  const mine = new Map<string, ShiftOption[]>();
  for (const [key, list] of groupBy(counted, dayTemplateKey)) {
    const count = Math.round(counts.values.get(classShare(classIndex, key)) ?? 0);
    const before = Array.from({ length: classIndex }, (_, c) => Math.round(counts.values.get(classShare(c, key)) ?? 0)).reduce((a, b) => a + b, 0);
    if (count > 0) mine.set(key, list.slice(before, before + count));
  }
  return mine;
}

/** Nurses on each interval by a list of shifts. */
export function staffedByOptions(problem: CallsProblem, shifts: Iterable<ShiftOption>): number[] {
  const staffed = new Array<number>(problem.intervals.length).fill(0);
  for (const o of shifts) for (const i of o.covered) staffed[i]!++;
  return staffed;
}

/** Calls answered within the threshold by a count model's shifts (`counts`: x by name), each count rounded as the assignment takes it (classCountedShifts). */
export function countsValue(problem: CallsProblem, queues: IntervalQueues, options: readonly ShiftOption[], counts: ReadonlyMap<string, number>): number {
  const staffed = staffedByOptions(problem, options.flatMap((o) => Array.from({ length: Math.round(counts.get(o.name) ?? 0) }, () => o)));
  return staffed.reduce((sum, n, i) => sum + queues.value(i, n), 0);
}

/**
 * The groups class c's assignment chooses from: every (date, template) its members may work,
 * each worth what 0, 1, 2, ... of the class's nurses on it add to `others`: the staffing of every
 * other class (those assigned already as assigned, the rest as counted). The classes are assigned
 * one after another on what the earlier ones did: valued against the counts of all, two classes
 * each moved their evening shifts to the same morning peak, which then had too many and the
 * evenings none (region 105: the counts answered 68 % of calls, the assigned roster 60 %).
 */
export function countedGroups(problem: CallsProblem, queues: IntervalQueues, all: readonly ShiftOption[], mine: ReadonlyMap<string, ShiftOption[]>, others: readonly number[], members: readonly number[]): CountedGroup[] {
  const inClass = new Set(members);
  const ownStaffed = staffedByOptions(problem, [...mine.values()].flat());
  return [...groupBy(all, dayTemplateKey)].flatMap(([key, every]) => {
    const eligible = every[0]!.eligible.filter((n) => inClass.has(n));
    if (!eligible.length) return [];
    const counted = mine.get(key) ?? [];
    const o = counted[0] ?? every[0]!;
    // this class's other counted shifts stay: its count on this group is what the choice is about
    const inGroup = new Map<number, number>();
    for (const c of counted) for (const i of c.covered) inGroup.set(i, (inGroup.get(i) ?? 0) + 1);
    const base = o.covered.map((i) => others[i]! + ownStaffed[i]! - (inGroup.get(i) ?? 0));
    const value = Array.from({ length: eligible.length + 1 }, (_, k) => o.covered.reduce((sum, i, j) => sum + queues.value(i, Math.max(0, base[j]! + k)), 0));
    const worths = envelopeSlopes(value).filter((w) => w > 1e-9);
    return worths.length ? [{ key, placement: o.placement, eligible, worths, options: counted, every }] : [];
  });
}

/** Every option each nurse may work. */
export function optionsByNurse(problem: CallsProblem, all: readonly ShiftOption[]): ShiftOption[][] {
  const own: ShiftOption[][] = problem.nurses.map(() => []);
  for (const o of all) for (const n of o.eligible) own[n]!.push(o);
  return own;
}
