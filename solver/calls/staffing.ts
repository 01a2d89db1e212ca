import { groupBy } from "../../src/common/group.js";
import type { CallsProblem, NurseShift } from "../../src/calls/model.js";
import { restKept } from "../../src/calls/rules.js";
import { placementTable, staffedIntervals, toNurseShift } from "../../src/calls/shifts.js";
import { DEFAULTS } from "../../src/common/defaults.js";
import { seededRandom } from "../../src/common/random.js";
import { integerBoundsInWorker, solveWithHighs, solveWithJsLp, type IntegerBound, type LpModel, type LpSolution } from "../common/lp.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { assignmentModel, type ShiftGroup } from "./assignment-model.js";
import { classShare, nurseClasses } from "./nurse-classes.js";
import { countModel, envelopeSlopes, HARD_WEIGHT, SOFT_WEIGHT } from "./staffing-model.js";
import { dayTemplateKey, shiftOptions, type ShiftOption } from "./shift-options.js";

/**
 * Nurse shift scheduling (`kontinuum staff`), in three steps:
 *  1. the shift-count model (staffing-model.ts): how many shifts of each template and break position
 *     on each date, and how many of them each class of nurses (nurse-classes.ts: nurses by the
 *     templates they work) takes, with each nurse's template mix over the period; an ILP solved by
 *     HiGHS (javascript-lp-solver, which has no time limit, stalls on them even for 10 nurses and
 *     3 days: `npm run bench` shows it);
 *  2. the assignment model (assignment-model.ts), one per class: which nurse works which shift, an
 *     ILP with every roster rule in it, each shift worth what it adds given the counted others; when
 *     it yields nothing in time, a greedy assignment in time order to the eligible nurse furthest
 *     below contract;
 *  3. local search (simulated annealing, cooled by move count, deterministic per seed) on the true
 *     objective: calls answered within the threshold, minus a penalty for paid minutes outside ±5 %
 *     of the contract (a heavy one below −10 %). Moves: move a shift in time or template, move its
 *     break, hand it to another nurse, add one, drop one. Every move keeps templates, availability,
 *     maxShifts, +10 % of the contract, one shift per date and both rest rules.
 * The upper bounds are the count model as a relaxation of every roster (staffing-model.ts), solved in
 * a worker thread beside steps 2 and 3: HiGHS's dual bound on it with contracts at ±5 % (the aim), its
 * LP relaxation at ±10 % (every roster the rules allow).
 * Each model stops at its gap (0.5 % counts, 2 % assignment) or, as a safety net, at its time
 * limit; only a model cut by the time limit (HiGHS returns its best solution) makes the result
 * depend on the machine. The search after it is deterministic per seed.
 */

export interface StaffingProgress {
  phase: "model" | "assign" | "search" | "done";
  fraction: number;
  /** call-weighted service level of the best roster so far */
  serviceLevel: number;
  elapsedMs: number;
}

export interface StaffingOptions {
  seed?: number;
  timeLimitSeconds?: number;
  /** local-search moves (the deterministic budget); default 300,000 */
  moves?: number;
  /** which solver takes the count model; default HiGHS; javascript-lp-solver only for comparison */
  modelSolver?: "highs" | "jslp";
  /** time for each integer model; default min(8 s, a sixth of the time limit) for the counts, min(45 s, three quarters) for the assignment */
  modelSeconds?: number;
  onProgress?: (p: StaffingProgress) => void;
}

export interface StaffingSolution {
  shifts: NurseShift[];
  /** upper bound on the call-weighted service level of rosters within ±5 % of every contract */
  upperBound: number | null;
  /** the same within ±10 %: every roster the rules allow */
  upperBoundHard: number | null;
  /** the integer models solved on the way, for the benchmark and the staffing file */
  models: { name: string; solver: "highs" | "jslp"; status: string; integers: number; variables: number; seconds: number }[];
  moves: number;
}

interface Slot {
  option: ShiftOption;
  start: number;
  end: number;
  day: number;
}




export async function solveStaffing(problem: CallsProblem, queues: IntervalQueues, options: StaffingOptions = {}): Promise<StaffingSolution> {
  const started = Date.now();
  const timeLimitMs = (options.timeLimitSeconds ?? DEFAULTS.calls.timeLimitSeconds) * 1000;
  const random = seededRandom(options.seed ?? DEFAULTS.seed);
  const totalOffered = queues.totalOffered;
  const report = (phase: StaffingProgress["phase"], fraction: number, value: number) =>
    options.onProgress?.({ phase, fraction, serviceLevel: totalOffered > 0 ? value / totalOffered : 1, elapsedMs: Date.now() - started });

  const placements = placementTable(problem);
  const allOptions = shiftOptions(problem, placements);
  const optionsByDayTemplate = groupBy(allOptions, dayTemplateKey);
  report("model", 0, 0);
  let bounds: ReturnType<typeof integerBoundsInWorker> | null = null;
  try {
    // 1. the count model
    const model = countModel(problem, queues, allOptions, false);
    // A solve that ends by its gap is deterministic; one cut by the time limit is not, so the limit is a
    // safety net, not the plan (on the 60-nurse bench region every model ends by its gap).
    // the assignment models (one per class) share one budget
    let assignmentSeconds = 0;
    const secondsFor = (name: string) =>
      options.modelSeconds ?? (name === "counts" ? Math.min(8, timeLimitMs / 6000) : Math.max(0.5, Math.min(45, (timeLimitMs * 0.75) / 1000) - assignmentSeconds));
    const models: StaffingSolution["models"] = [];
    const solveModel = async (name: string, m: LpModel, gap: number): Promise<LpSolution> => {
      const started = Date.now();
      const ints = m.variables.filter((v) => v.integer).length;
      // javascript-lp-solver stalls on these models even for a 10-nurse, 3-day period (see the benchmark)
      const solver = options.modelSolver ?? "highs";
      const result = solver === "jslp" ? solveWithJsLp(m) : await solveWithHighs(m, { timeLimitSeconds: secondsFor(name), mipGap: gap });
      const seconds = (Date.now() - started) / 1000;
      if (name !== "counts") assignmentSeconds += seconds;
      models.push({ name, solver, status: result.detail, integers: ints, variables: m.variables.length, seconds });
      return result;
    };
    const counts = await solveModel("counts", model, 0.005);

    // the upper bounds, on the other core while the assignment and the search go on (not beside the
    // count model: two HiGHS solves at once slowed it by a quarter). The time limit is a safety net
    // here too, and the dual bound of a solve it stops still holds, only less tight. ±10 %, which
    // only says what the rules allow, is the LP relaxation.
    const boundModels = totalOffered > 0 ? [{ model: countModel(problem, queues, allOptions, true, 0.05) }, { model: countModel(problem, queues, allOptions, true, 0.1), relax: true }] : [];
    bounds = integerBoundsInWorker(boundModels, { timeLimitSeconds: Math.max(2, Math.min(15, timeLimitMs / 4000)), mipGap: 0.001 });

    // 2. assignment: who works the counted shifts, one ILP per nurse class (the count model split the
    // shifts between classes, so the classes do not interact); greedy where a model finds nothing
    const state = new RosterState(problem, queues, optionsByNurse(problem, allOptions));
    const leftOver: ShiftOption[] = [];
    for (const [c, k] of nurseClasses(problem).entries()) {
      const groups = countedGroups(problem, queues, allOptions, counts, c, k.members);
      if (!groups.length) continue;
      const assignment = assignmentModel(problem, groups, SOFT_WEIGHT, HARD_WEIGHT);
      const assigned = await solveModel(`assignment ${k.key}`, assignment.model, 0.02);
      const used = new Map<CountedGroup, number>();
      if (assigned.status === "optimal" || assigned.status === "feasible") {
        for (const [name, { nurse, group }] of assignment.y) {
          if ((assigned.values.get(name) ?? 0) < 0.5) continue;
          // the count model's break positions first, then each position in turn
          const g = group as CountedGroup;
          const taken = used.get(g) ?? 0;
          used.set(g, taken + 1);
          const option = g.options[taken] ?? g.every[(taken - g.options.length) % g.every.length]!;
          if (state.canAdd(nurse, option, 0.1)) state.add(nurse, option);
        }
      } else leftOver.push(...groups.flatMap((g) => g.options));
    }
    let remaining = leftOver.sort((a, b) => a.placement.start - b.placement.start || b.placement.paidMinutes - a.placement.paidMinutes);
    for (const tolerance of [0.05, 0.1]) {
      remaining = remaining.filter((o) => {
        const nurse = pickNurse(state, o, tolerance, random);
        if (nurse !== null) state.add(nurse, o);
        return nurse === null;
      });
    }
    // nurses still below −10 % of contract take the best shifts the rules leave them
    for (const n of problem.nurses) while (state.isShort(n.index, state.paid[n.index]!) && state.relocateBest(n.index, null, random));
    report("assign", 0.05, state.value);

    // 3. local search
    const moves = options.moves ?? DEFAULTS.calls.moves;
    const t0 = 0.3;
    const t1 = 0.005;
    let best = state.feasible ? state.objective : -Infinity;
    let bestShifts = state.snapshot();
    let done = 0;
    const nurses = problem.nurses.filter((n) => n.contractMinutes > 0).map((n) => n.index);
    for (; done < moves; done++) {
      if ((done & 4095) === 0) {
        if (Date.now() - started > timeLimitMs) break;
        if ((done & 32767) === 0) report("search", 0.05 + (0.95 * done) / moves, Math.max(best, state.value));
      }
      const temperature = t0 * Math.pow(t1 / t0, done / moves);
      const before = state.objective;
      const undo = proposeMove(state, nurses, optionsByDayTemplate, allOptions, random);
      if (!undo) continue;
      const delta = state.objective - before;
      if (delta >= 0 || random() < Math.exp(delta / temperature)) {
        if (state.feasible && state.objective > best + 1e-9) {
          best = state.objective;
          bestShifts = state.snapshot();
        }
      } else undo();
    }
    if (!Number.isFinite(best)) bestShifts = state.snapshot();

    const found = await bounds.result;
    found.forEach((b, k) => {
      const { model: m, relax } = boundModels[k]!;
      models.push({ name: `bound ±${k ? 10 : 5} %${relax ? " (LP)" : ""}`, solver: "highs", status: b.detail, integers: relax ? 0 : m.variables.filter((v) => v.integer).length, variables: m.variables.length, seconds: b.seconds });
    });
    const serviceLevelBound = (b: IntegerBound | undefined) => (!b ? 1 : b.bound === null ? null : Math.min(1, b.bound / totalOffered));
    const shifts = bestShifts.map(({ nurse, slot }) => toNurseShift(nurse, slot.option.placement, slot.option.breakStart, problem)).sort((a, b) => a.start - b.start || a.nurse - b.nurse);
    const finalValue = shifts.length ? shiftsValue(problem, queues, shifts) : 0;
    report("done", 1, finalValue);
    return {
      shifts,
      upperBound: serviceLevelBound(found[0]),
      upperBoundHard: serviceLevelBound(found[1]),
      models,
      moves: done,
    };
  } finally {
    bounds?.cancel();
  }
}

function shiftsValue(problem: CallsProblem, queues: IntervalQueues, shifts: readonly NurseShift[]): number {
  const staffed = new Array<number>(problem.intervals.length).fill(0);
  for (const s of shifts) for (const i of staffedIntervals(problem, s.start, s.end, s.breakStart, s.breakEnd)) staffed[i]!++;
  return staffed.reduce((sum, n, i) => sum + queues.value(i, n), 0);
}

/** The count model's shifts by date and template, each with its break positions and its worth at the counted staffing. */
type CountedGroup = ShiftGroup & { options: ShiftOption[]; every: ShiftOption[] };

function countedGroups(problem: CallsProblem, queues: IntervalQueues, all: readonly ShiftOption[], counts: LpSolution, classIndex: number, members: readonly number[]): CountedGroup[] {
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

function optionsByNurse(problem: CallsProblem, all: readonly ShiftOption[]): ShiftOption[][] {
  const own: ShiftOption[][] = problem.nurses.map(() => []);
  for (const o of all) for (const n of o.eligible) own[n]!.push(o);
  return own;
}

function pickNurse(state: RosterState, o: ShiftOption, tolerance: number, random: () => number): number | null {
  let best: number | null = null;
  let bestScore = -Infinity;
  for (const n of o.eligible) {
    if (!state.canAdd(n, o, tolerance)) continue;
    const contract = state.problem.nurses[n]!.contractMinutes;
    const score = (contract - state.paid[n]!) / contract + random() * 1e-6;
    if (score > bestScore) {
      bestScore = score;
      best = n;
    }
  }
  return best;
}

/** One random move; applies it and returns its undo, or null when the move was not possible. */
function proposeMove(
  state: RosterState,
  nurses: number[],
  byDayTemplate: Map<string, ShiftOption[]>,
  all: ShiftOption[],
  random: () => number,
): (() => void) | null {
  const r = random();
  const nurse = nurses[Math.floor(random() * nurses.length)]!;
  const own = state.slots[nurse]!;
  const pickOption = (day: number): ShiftOption | undefined => {
    const t = Math.floor(random() * state.problem.templates.length);
    const list = byDayTemplate.get(`${day}_${t}`);
    return list?.[Math.floor(random() * list.length)];
  };
  if (r < 0.25) {
    // the best place for one of the nurse's shifts (or for a new one, when below contract)
    return own.length && random() < 0.8 ? state.relocateBest(nurse, own[Math.floor(random() * own.length)]!, random) : state.relocateBest(nurse, null, random);
  }
  if (r < 0.5) {
    // move a shift: another date nearby, another template, another break
    if (!own.length) return null;
    const slot = own[Math.floor(random() * own.length)]!;
    const shiftBy = random() < 0.8 ? Math.floor(random() * 3) - 1 : Math.floor(random() * 7) - 3;
    const day = slot.day + shiftBy;
    if (day < 0 || day >= state.problem.periodDays) return null;
    const next = pickOption(day);
    if (!next || !next.eligible.includes(nurse)) return null;
    return state.replace(nurse, slot, nurse, next);
  }
  if (r < 0.65) {
    // move the break
    if (!own.length) return null;
    const slot = own[Math.floor(random() * own.length)]!;
    const list = byDayTemplate.get(`${slot.day}_${slot.option.placement.template}`)!;
    if (list.length < 2) return null;
    return state.replace(nurse, slot, nurse, list[Math.floor(random() * list.length)]!);
  }
  if (r < 0.8) {
    // hand a shift to another nurse
    if (!own.length) return null;
    const slot = own[Math.floor(random() * own.length)]!;
    const other = slot.option.eligible[Math.floor(random() * slot.option.eligible.length)]!;
    if (other === nurse) return null;
    return state.replace(nurse, slot, other, slot.option);
  }
  if (r < 0.9) {
    const o = random() < 0.5 ? all[Math.floor(random() * all.length)]! : pickOption(Math.floor(random() * state.problem.periodDays));
    if (!o || !o.eligible.includes(nurse) || !state.canAdd(nurse, o, 0.1)) return null;
    const slot = state.add(nurse, o);
    return () => state.remove(nurse, slot);
  }
  if (!own.length) return null;
  const slot = own[Math.floor(random() * own.length)]!;
  state.remove(nurse, slot);
  return () => void state.add(nurse, slot.option);
}

/** The roster being searched: nurses' shifts, staffed counts and the objective, kept incrementally. */
class RosterState {
  readonly slots: Slot[][];
  readonly paid: number[];
  readonly staffed: Int32Array;
  private readonly values: Float64Array[];
  value = 0;
  penalty = 0;
  /** nurses below −10 % of their contract */
  short = 0;

  constructor(
    readonly problem: CallsProblem,
    private readonly queues: IntervalQueues,
    /** every option each nurse may work */
    private readonly ownOptions: ShiftOption[][],
  ) {
    this.slots = problem.nurses.map(() => []);
    this.paid = problem.nurses.map(() => 0);
    this.staffed = new Int32Array(problem.intervals.length);
    this.values = problem.intervals.map(() => new Float64Array(problem.nurses.length + 2).fill(NaN));
    for (const n of problem.nurses) {
      this.penalty += this.penaltyOf(n.index, 0);
      if (this.isShort(n.index, 0)) this.short++;
    }
    for (let i = 0; i < problem.intervals.length; i++) this.value += this.valueAt(i, 0);
  }

  get objective(): number {
    return this.value - this.penalty;
  }

  get feasible(): boolean {
    return this.short === 0;
  }

  private valueAt(i: number, n: number): number {
    const row = this.values[i]!;
    let v = row[n]!;
    if (Number.isNaN(v)) {
      v = this.queues.value(i, n);
      row[n] = v;
    }
    return v;
  }

  isShort(nurse: number, paid: number): boolean {
    return paid < this.problem.nurses[nurse]!.contractMinutes * 0.9 - 1e-9;
  }

  private penaltyOf(nurse: number, paid: number): number {
    const c = this.problem.nurses[nurse]!.contractMinutes;
    const outside = Math.max(0, Math.abs(paid - c) - 0.05 * c);
    return SOFT_WEIGHT * outside + HARD_WEIGHT * Math.max(0, 0.9 * c - paid);
  }

  private setPaid(nurse: number, paid: number): void {
    this.penalty += this.penaltyOf(nurse, paid) - this.penaltyOf(nurse, this.paid[nurse]!);
    this.short += (this.isShort(nurse, paid) ? 1 : 0) - (this.isShort(nurse, this.paid[nurse]!) ? 1 : 0);
    this.paid[nurse] = paid;
  }

  /** Whether `nurse` may take option `o` on top of their shifts: every hard rule, contract + tolerance. */
  canAdd(nurse: number, o: ShiftOption, tolerance: number, without?: Slot): boolean {
    const n = this.problem.nurses[nurse]!;
    const own = this.slots[nurse]!;
    const count = own.length - (without ? 1 : 0);
    if (n.maxShifts !== null && count + 1 > n.maxShifts) return false;
    const paid = this.paid[nurse]! - (without ? without.option.placement.paidMinutes : 0) + o.placement.paidMinutes;
    if (paid > n.contractMinutes * (1 + tolerance) + 1e-9) return false;
    const list: { start: number; end: number }[] = [];
    let inserted = false;
    for (const s of own) {
      if (s === without) continue;
      if (s.day === o.placement.dayIndex) return false;
      if (!inserted && o.placement.start < s.start) {
        list.push(o.placement);
        inserted = true;
      }
      list.push(s);
    }
    if (!inserted) list.push(o.placement);
    return restKept(this.problem, list);
  }

  add(nurse: number, o: ShiftOption): Slot {
    const slot: Slot = { option: o, start: o.placement.start, end: o.placement.end, day: o.placement.dayIndex };
    const own = this.slots[nurse]!;
    let k = own.length;
    while (k > 0 && own[k - 1]!.start > slot.start) k--;
    own.splice(k, 0, slot);
    for (const i of o.covered) {
      const s = this.staffed[i]!;
      this.value += this.valueAt(i, s + 1) - this.valueAt(i, s);
      this.staffed[i] = s + 1;
    }
    this.setPaid(nurse, this.paid[nurse]! + o.placement.paidMinutes);
    return slot;
  }

  remove(nurse: number, slot: Slot): void {
    const own = this.slots[nurse]!;
    own.splice(own.indexOf(slot), 1);
    for (const i of slot.option.covered) {
      const s = this.staffed[i]!;
      this.value += this.valueAt(i, s - 1) - this.valueAt(i, s);
      this.staffed[i] = s - 1;
    }
    this.setPaid(nurse, this.paid[nurse]! - slot.option.placement.paidMinutes);
  }

  /** Replaces `slot` of `from` by option `o` for `to` when every rule allows it; returns the undo. */
  replace(from: number, slot: Slot, to: number, o: ShiftOption): (() => void) | null {
    if (from === to ? !this.canAdd(to, o, 0.1, slot) : !this.canAdd(to, o, 0.1)) return null;
    this.remove(from, slot);
    const added = this.add(to, o);
    return () => {
      this.remove(to, added);
      this.add(from, slot.option);
    };
  }

  /**
   * Takes `slot` (or nothing) off `nurse` and puts the best option the rules allow in its place,
   * judged by the exact objective; returns the undo, or null when nothing beats leaving it.
   */
  relocateBest(nurse: number, slot: Slot | null, random: () => number): (() => void) | null {
    const before = this.objective;
    if (slot) this.remove(nurse, slot);
    const basePaid = this.paid[nurse]!;
    let best: ShiftOption | null = null;
    let bestDelta = slot ? -Infinity : 1e-9;
    for (const o of this.ownOptions[nurse]!) {
      let delta = this.penaltyOf(nurse, basePaid) - this.penaltyOf(nurse, basePaid + o.placement.paidMinutes);
      for (const i of o.covered) {
        const s = this.staffed[i]!;
        delta += this.valueAt(i, s + 1) - this.valueAt(i, s);
      }
      delta += random() * 1e-9;
      if (delta > bestDelta && this.canAdd(nurse, o, 0.1)) {
        best = o;
        bestDelta = delta;
      }
    }
    if (!best) {
      if (slot) this.add(nurse, slot.option);
      return null;
    }
    const added = this.add(nurse, best);
    if (this.objective < before - 1e-9 && !slot) {
      this.remove(nurse, added);
      return null;
    }
    return () => {
      this.remove(nurse, added);
      if (slot) this.add(nurse, slot.option);
    };
  }

  snapshot(): { nurse: number; slot: Slot }[] {
    return this.slots.flatMap((own, nurse) => own.map((slot) => ({ nurse, slot: { ...slot } })));
  }
}

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
