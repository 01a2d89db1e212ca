import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { CONTRACT_AIM, CONTRACT_BAND, restKept } from "../../src/calls/rules.js";
import type { ShiftOption } from "./shift-options.js";
import { HARD_WEIGHT, SOFT_WEIGHT } from "./staffing-model.js";

/** A shift a nurse works in the search: its option and, for quick reading, its span and date. */
export interface Slot {
  option: ShiftOption;
  start: number;
  end: number;
  day: number;
}

/** The roster being searched: nurses' shifts, staffed counts and the objective, kept incrementally. */
export class RosterState {
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
    return paid < this.problem.nurses[nurse]!.contractMinutes * (1 - CONTRACT_BAND) - 1e-9;
  }

  private penaltyOf(nurse: number, paid: number): number {
    const c = this.problem.nurses[nurse]!.contractMinutes;
    const outside = Math.max(0, Math.abs(paid - c) - CONTRACT_AIM * c);
    return SOFT_WEIGHT * outside + HARD_WEIGHT * Math.max(0, (1 - CONTRACT_BAND) * c - paid);
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
    if (from === to ? !this.canAdd(to, o, CONTRACT_BAND, slot) : !this.canAdd(to, o, CONTRACT_BAND)) return null;
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
      if (delta > bestDelta && this.canAdd(nurse, o, CONTRACT_BAND)) {
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
