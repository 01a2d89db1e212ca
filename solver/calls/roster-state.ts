import type { CallsProblem } from "../../src/calls/model.js";
import type { IntervalQueues } from "../../src/calls/queues.js";
import { CONTRACT_AIM, CONTRACT_BAND, restKept } from "../../src/calls/rules.js";
import type { ShiftOption } from "./shift-options.js";
import { envelopeSlopes, HARD_WEIGHT, SOFT_WEIGHT } from "./staffing-model.js";

/** A shift a nurse works in the search: its option and, for quick reading, its span and date. */
export interface Slot {
  option: ShiftOption;
  start: number;
  end: number;
  day: number;
}

/**
 * The roster being searched: nurses' shifts, staffed counts and the objective, kept incrementally.
 *
 * Answered calls as a function of an interval's nurses are zero until the nurses carry the load,
 * then rise steeply (Erlang C/A): a flat plateau where one more nurse on an understaffed peak is
 * worth nothing, so single-shift moves cannot climb out of it (on an outside region the search
 * left Friday's morning peak with no one). `smoothing` (0..1) blends in the count model's concave
 * envelope of that function, which pays each nurse on the way up; the search starts smoothed and
 * ends on the true value (a continuation). `value` and `objective` are always the true figures;
 * `searchObjective` is the blend the search accepts moves by.
 */
export class RosterState {
  readonly slots: Slot[][];
  readonly paid: number[];
  readonly staffed: Int32Array;
  private readonly values: Float64Array[];
  private readonly envelopes: (Float64Array | undefined)[];
  /** relocateBest's scratch: one more nurse's gain per interval, summed from the start */
  private readonly prefixGains: Float64Array;
  /**
   * What one more nurse adds on each interval at its staffed count, by the true value and by the
   * envelope, and the intervals whose count changed since they were last computed: the search's
   * best-place moves read every interval's gain, and a move changes a few dozen.
   */
  private readonly trueGains: Float64Array;
  private readonly envelopeGains: Float64Array;
  private readonly stale: Int32Array;
  private readonly staleFlag: Uint8Array;
  private staleCount = 0;
  /** relocateDates's options per nurse and date */
  private readonly ownByDay: ShiftOption[][][] = [];
  /** answered calls (the true figure) */
  value = 0;
  /** the same by the concave envelope */
  envelopeValue = 0;
  /** weight of the envelope in searchObjective: 1 the envelope only, 0 the true value only */
  smoothing = 0;
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
    this.envelopes = new Array(problem.intervals.length);
    this.prefixGains = new Float64Array(problem.intervals.length + 1);
    this.trueGains = new Float64Array(problem.intervals.length);
    this.envelopeGains = new Float64Array(problem.intervals.length);
    this.stale = new Int32Array(problem.intervals.length);
    this.staleFlag = new Uint8Array(problem.intervals.length);
    for (let i = 0; i < problem.intervals.length; i++) this.markStale(i);
    for (const n of problem.nurses) {
      this.penalty += this.penaltyOf(n.index, 0);
      if (this.isShort(n.index, 0)) this.short++;
    }
    for (let i = 0; i < problem.intervals.length; i++) this.value += this.valueAt(i, 0);
  }

  get objective(): number {
    return this.value - this.penalty;
  }

  get searchObjective(): number {
    return this.value + this.smoothing * (this.envelopeValue - this.value) - this.penalty;
  }

  /** The concave envelope of interval i's answered calls at n nurses (equal at 0 and from full service on). */
  private envelopeAt(i: number, n: number): number {
    let row = this.envelopes[i];
    if (!row) {
      const values = this.queues.valuesToFullService(i, this.problem.nurses.length);
      row = new Float64Array(this.problem.nurses.length + 2);
      const slopes = envelopeSlopes(values);
      for (let k = 1; k < row.length; k++) row[k] = k <= slopes.length ? row[k - 1]! + slopes[k - 1]! : values[values.length - 1]!;
      this.envelopes[i] = row;
    }
    return row[n]!;
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
      this.envelopeValue += this.envelopeAt(i, s + 1) - this.envelopeAt(i, s);
      this.staffed[i] = s + 1;
      this.markStale(i);
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
      this.envelopeValue += this.envelopeAt(i, s - 1) - this.envelopeAt(i, s);
      this.staffed[i] = s - 1;
      this.markStale(i);
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
   * judged by searchObjective; returns the undo, or null when nothing beats leaving it.
   */
  relocateBest(nurse: number, slot: Slot | null, random: () => number): (() => void) | null {
    const before = this.searchObjective;
    if (slot) this.remove(nurse, slot);
    const basePaid = this.paid[nurse]!;
    let best: ShiftOption | null = null;
    let bestDelta = slot ? -Infinity : 1e-9;
    // this loop is most of the search's time: each option's gain in two lookups a run
    const gains = this.fillPrefixGains();
    const basePenalty = this.penaltyOf(nurse, basePaid);
    for (const o of this.ownOptions[nurse]!) {
      let delta = basePenalty - this.penaltyOf(nurse, basePaid + o.placement.paidMinutes) + this.gainOf(o, gains);
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
    if (this.searchObjective < before - 1e-9 && !slot) {
      this.remove(nurse, added);
      return null;
    }
    return () => {
      this.remove(nurse, added);
      if (slot) this.add(nurse, slot.option);
    };
  }

  /**
   * Takes `nurse`'s shifts on the `span` dates from `day` off and puts back the best combination the
   * rules allow (each date a template at its best break, or free), judged by searchObjective;
   * returns the undo. One shift at a time cannot do it where the rules tie neighbouring dates: a
   * late shift on one date asks for a late start on the next (daily rest), and a free date moves
   * only with its neighbour (weekly rest). Null when the nurse works none of the dates and no
   * combination beats that.
   */
  relocateDates(nurse: number, day: number, span: number, random: () => number): (() => void) | null {
    const before = this.searchObjective;
    const last = Math.min(day + span, this.problem.periodDays) - 1;
    const removed = this.slots[nurse]!.filter((s) => s.day >= day && s.day <= last);
    for (const s of removed) this.remove(nurse, s);
    const basePaid = this.paid[nurse]!;
    const gains = this.fillPrefixGains();
    // each date's best break per template (the break leaves the rules as they are), and the free
    // date; the combinations of the dates so far as a tree (up to 8^span of them: kept in flat
    // arrays, each its parent combination and its last date's option, read back only when tried)
    let gain = [0];
    let paid = [0];
    const parent: number[][] = [];
    const chosen: (ShiftOption | null)[][] = [];
    for (let d = day; d <= last; d++) {
      const best = new Map<number, { option: ShiftOption; gain: number }>();
      for (const o of this.optionsOn(nurse, d)) {
        const g = this.gainOf(o, gains) + random() * 1e-9;
        const t = o.placement.template;
        if (g > (best.get(t)?.gain ?? -Infinity)) best.set(t, { option: o, gain: g });
      }
      const choices = [...best.values()];
      const size = gain.length * (choices.length + 1);
      const nextGain = new Array<number>(size);
      const nextPaid = new Array<number>(size);
      const from = new Array<number>(size);
      const option = new Array<ShiftOption | null>(size);
      let k = 0;
      for (let c = 0; c < gain.length; c++) {
        // each combination free on this date, then with each template's best option
        nextGain[k] = gain[c]!;
        nextPaid[k] = paid[c]!;
        from[k] = c;
        option[k++] = null;
        for (const b of choices) {
          nextGain[k] = gain[c]! + b.gain;
          nextPaid[k] = paid[c]! + b.option.placement.paidMinutes;
          from[k] = c;
          option[k++] = b.option;
        }
      }
      gain = nextGain;
      paid = nextPaid;
      parent.push(from);
      chosen.push(option);
    }
    const penalty = this.penaltyOf(nurse, basePaid);
    const delta = gain.map((g, c) => g + penalty - this.penaltyOf(nurse, basePaid + paid[c]!));
    // best first, ties in the order made
    const ranked = delta.map((_, c) => c).sort((x, y) => delta[y]! - delta[x]! || x - y);
    const optionsOf = (c: number): ShiftOption[] => {
      const options: ShiftOption[] = [];
      for (let level = chosen.length - 1; level >= 0; level--) {
        const o = chosen[level]![c]!;
        if (o) options.push(o);
        c = parent[level]![c]!;
      }
      return options.reverse();
    };
    const putBack = () => {
      for (const s of removed) this.add(nurse, s.option);
    };
    for (const c of ranked) {
      if (!removed.length && delta[c]! <= 1e-9) break;
      const options = optionsOf(c);
      const added: Slot[] = [];
      for (const o of options) {
        if (!this.canAdd(nurse, o, CONTRACT_BAND)) break;
        added.push(this.add(nurse, o));
      }
      if (added.length < options.length) {
        for (const s of added) this.remove(nurse, s);
        continue;
      }
      if (!removed.length && this.searchObjective < before - 1e-9) {
        for (const s of added) this.remove(nurse, s);
        return null;
      }
      return () => {
        for (const s of added) this.remove(nurse, s);
        putBack();
      };
    }
    putBack();
    return null;
  }

  /**
   * Moves date `day`'s shifts of template `from` to template `to` on date `toDay` (by default the
   * same date), one nurse at a time (the one whose move leaves searchObjective highest, each at the
   * break that gains most; to another date only nurses free that date), and keeps the number of
   * them that leaves it highest; returns the undo, or null when no number beats moving none. A peak
   * short by many nurses answers almost nothing until they are all there: one shift at a time, the
   * search sees no gain in moving the first.
   */
  moveBlock(day: number, from: number, to: number, random: () => number, toDay = day): (() => void) | null {
    const before = this.searchObjective;
    const steps: (() => void)[] = [];
    const moved = new Set<number>();
    let keep = 0;
    let bestValue = before;
    for (;;) {
      const gains = this.fillPrefixGains();
      let choice: { nurse: number; option: ShiftOption } | null = null;
      let choiceValue = -Infinity;
      for (const n of this.problem.nurses) {
        if (moved.has(n.index)) continue;
        const slot = this.slots[n.index]!.find((s) => s.day === day);
        if (slot?.option.placement.template !== from) continue;
        if (toDay !== day && this.slots[n.index]!.some((s) => s.day === toDay)) continue;
        let option: ShiftOption | null = null;
        let gain = -Infinity;
        for (const o of this.optionsOn(n.index, toDay)) {
          if (o.placement.template !== to) continue;
          const g = this.gainOf(o, gains) + random() * 1e-9;
          if (g > gain) [option, gain] = [o, g];
        }
        if (!option) continue;
        const undo = this.replace(n.index, slot, n.index, option);
        if (!undo) continue;
        const value = this.searchObjective + random() * 1e-9;
        undo();
        if (value > choiceValue) [choice, choiceValue] = [{ nurse: n.index, option }, value];
      }
      if (!choice) break;
      // (an undo puts the shift back as a new slot: the nurse's slot is found again)
      const slot = this.slots[choice.nurse]!.find((s) => s.day === day && s.option.placement.template === from)!;
      steps.push(this.replace(choice.nurse, slot, choice.nurse, choice.option)!);
      moved.add(choice.nurse);
      if (this.searchObjective > bestValue + 1e-9) [keep, bestValue] = [steps.length, this.searchObjective];
    }
    while (steps.length > keep) steps.pop()!();
    if (!keep) return null;
    return () => {
      while (steps.length) steps.pop()!();
    };
  }

  /** The options `nurse` may work on date `day` (kept per nurse and date once asked for). */
  private optionsOn(nurse: number, day: number): ShiftOption[] {
    let byDay = this.ownByDay[nurse];
    if (!byDay) {
      byDay = Array.from({ length: this.problem.periodDays }, () => [] as ShiftOption[]);
      for (const o of this.ownOptions[nurse]!) byDay[o.placement.dayIndex]!.push(o);
      this.ownByDay[nurse] = byDay;
    }
    return byDay[day] ?? [];
  }

  /** What one more nurse adds on each interval, summed from the start, in prefixGains (an option's gain is then its runs' differences). */
  private fillPrefixGains(): Float64Array {
    const { trueGains, envelopeGains, stale, staleFlag, staffed } = this;
    for (let k = 0; k < this.staleCount; k++) {
      const i = stale[k]!;
      const s = staffed[i]!;
      trueGains[i] = this.valueAt(i, s + 1) - this.valueAt(i, s);
      envelopeGains[i] = this.envelopeAt(i, s + 1) - this.envelopeAt(i, s);
      staleFlag[i] = 0;
    }
    this.staleCount = 0;
    const gains = this.prefixGains;
    const smoothing = this.smoothing;
    if (smoothing === 0) for (let i = 0; i < staffed.length; i++) gains[i + 1] = gains[i]! + trueGains[i]!;
    else for (let i = 0; i < staffed.length; i++) gains[i + 1] = gains[i]! + (trueGains[i]! + smoothing * (envelopeGains[i]! - trueGains[i]!));
    return gains;
  }

  /** Interval i's staffed count changed: its gains are computed again when next read. */
  private markStale(i: number): void {
    if (this.staleFlag[i]) return;
    this.staleFlag[i] = 1;
    this.stale[this.staleCount++] = i;
  }

  /** An option's gain on searchObjective from prefixGains (two lookups a run, not one per interval). */
  private gainOf(o: ShiftOption, gains: Float64Array): number {
    const runs = o.runs;
    let gain = 0;
    for (let r = 0; r < runs.length; r += 2) gain += gains[runs[r + 1]!]! - gains[runs[r]!]!;
    return gain;
  }

  /** Puts the roster back to a snapshot: every shift off, the snapshot's on. */
  restore(shifts: readonly { nurse: number; slot: Slot }[]): void {
    for (const [nurse, own] of this.slots.entries()) for (const slot of [...own]) this.remove(nurse, slot);
    for (const { nurse, slot } of shifts) this.add(nurse, slot.option);
  }

  snapshot(): { nurse: number; slot: Slot }[] {
    return this.slots.flatMap((own, nurse) => own.map((slot) => ({ nurse, slot: { ...slot } })));
  }
}
