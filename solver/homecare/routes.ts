import type { Occurrence, Roster } from "../../src/homecare/model.js";
import { qualified } from "../../src/homecare/rules.js";
import { breakFits, lowerBound, shiftContaining, stopsOverlapping, type Stop } from "../../src/homecare/timeline.js";
import type { TravelMatrix } from "../../src/homecare/travel.js";

/**
 * Caregivers' routes under construction, with exact insertion checks that mirror the validator's
 * hard rules: shift containment, skills, exclusions, travel between neighbours, room for the
 * floating break, maxMinutes and minGapAfter.
 */

export interface PlacedStop extends Stop {
  occurrence: number;
}

export class RouteState {
  readonly stops: PlacedStop[][];
  /** visit plus route-travel minutes per caregiver (the maxMinutes measure) */
  readonly worked: number[];
  /** start of each occurrence once placed, and its caregivers */
  readonly start: Int32Array;
  readonly assigned: number[][];
  /** occurrences whose minGapAfter refers to the key occurrence */
  private readonly dependents: number[][];
  /** scratch for rangesInto */
  private readonly ranges: number[] = [];
  /** scratch for keepsBreakAndHours */
  private readonly scratchInside: PlacedStop[] = [];
  private readonly scratchStop: PlacedStop = { key: "", client: 0, start: 0, end: 0, occurrence: 0 };
  /** occurrences placed or removed since the last drainChanged(), each once (flagged in `isChanged`) */
  private changed: number[] = [];
  private readonly isChanged: Uint8Array;
  /** the longest visit, in minutes (how far before a shift a stop reaching into it can start) */
  private readonly longest: number;
  /** the longest shift of anyone, in minutes (how far before a time a shift reaching it can start) */
  private readonly longestShift: number;

  constructor(
    readonly roster: Roster,
    readonly travel: TravelMatrix,
  ) {
    this.stops = roster.caregivers.map(() => []);
    this.longest = roster.occurrences.reduce((m, o) => Math.max(m, o.duration), 0);
    this.longestShift = roster.caregivers.reduce((m, c) => c.shifts.reduce((x, s) => Math.max(x, s.end - s.start), m), 0);
    this.worked = roster.caregivers.map(() => 0);
    this.start = new Int32Array(roster.occurrences.length).fill(-1);
    this.isChanged = new Uint8Array(roster.occurrences.length);
    this.assigned = roster.occurrences.map(() => []);
    this.dependents = roster.occurrences.map(() => []);
    for (const o of roster.occurrences) if (o.gapAfter) this.dependents[o.gapAfter.occurrence]!.push(o.index);
  }

  /** Whether a caregiver may do the visit at all: skills and exclusions (rule 1, static part). */
  eligible(cg: number, o: Occurrence): boolean {
    return qualified(this.roster, this.roster.caregivers[cg]!, o);
  }

  /** The start range allowed by minGapAfter in both directions, given what is placed. */
  gapBounds(o: Occurrence): [number, number] {
    return [this.gapLo(o), this.gapHi(o)];
  }

  /** gapBounds' lower end (apart, so the hot paths build no pair) */
  private gapLo(o: Occurrence): number {
    return o.gapAfter && this.start[o.gapAfter.occurrence]! >= 0 ? Math.max(o.earliest, this.start[o.gapAfter.occurrence]! + o.gapAfter.minutes) : o.earliest;
  }

  /** gapBounds' upper end */
  private gapHi(o: Occurrence): number {
    let hi = o.latest;
    const deps = this.dependents[o.index]!;
    for (let k = 0; k < deps.length; k++) {
      const d = deps[k]!;
      if (this.start[d]! >= 0) hi = Math.min(hi, this.start[d]! - this.roster.occurrences[d]!.gapAfter!.minutes);
    }
    return hi;
  }

  /** Disjoint start intervals at which `cg` could slot the visit between its current stops. */
  startRanges(cg: number, o: Occurrence, lo: number, hi: number): [number, number][] {
    const n = this.rangesInto(cg, o, lo, hi);
    const out: [number, number][] = new Array(n);
    for (let k = 0; k < n; k++) out[k] = [this.ranges[2 * k]!, this.ranges[2 * k + 1]!];
    return out;
  }

  /**
   * startRanges into `this.ranges` (start, end, start, end, ...), returning how many: the search
   * asks this for every caregiver it tries, and one list reused is a tenth less garbage to collect.
   */
  private rangesInto(cg: number, o: Occurrence, lo: number, hi: number): number {
    const c = this.roster.caregivers[cg]!;
    const stops = this.stops[cg]!;
    const out = this.ranges;
    let n = 0;
    // only the shifts that can meet [lo, hi]: shifts are sorted by start, so from the first that
    // starts at most the longest shift before lo (binary search) to the last that starts by hi
    // (every shift of two weeks was looked at: a sixth of a generated district's search)
    const shifts = c.shifts;
    let k = 0;
    for (let top = shifts.length; k < top; ) {
      const mid = (k + top) >> 1;
      if (shifts[mid]!.start < lo - this.longestShift) k = mid + 1;
      else top = mid;
    }
    for (; k < shifts.length && shifts[k]!.start <= hi; k++) {
      const shift = shifts[k]!;
      const sLo = Math.max(lo, shift.start);
      const sHi = Math.min(hi, shift.end - o.duration);
      if (sLo > sHi) continue;
      // gaps between stops around [sLo, sHi + duration]: from the first stop that starts at most the
      // longest visit before sLo (an earlier one ends before sLo, so its gap ends before sLo too;
      // this scanned from a day before, two travel lookups a gap, for the same ranges)
      let i = lowerBound(stops, sLo - this.longest);
      for (; i <= stops.length; i++) {
        const prev = i > 0 ? stops[i - 1] : undefined;
        const next = stops[i];
        if (prev && prev.start > sHi) break;
        // both drives read from the visit's own row (TravelMatrix: symmetric), which stays in cache
        const a = Math.max(sLo, prev ? prev.end + this.travel.between(o.client, prev.client) : sLo);
        const b = Math.min(sHi, next ? next.start - o.duration - this.travel.between(o.client, next.client) : sHi);
        if (a <= b) {
          out[2 * n] = a;
          out[2 * n + 1] = b;
          n++;
        }
        if (next && next.start > sHi + o.duration) break;
      }
    }
    return n;
  }

  /** Whether inserting the visit at `start` keeps cg's break and maxMinutes (the non-local rules). */
  keepsBreakAndHours(cg: number, o: Occurrence, start: number): boolean {
    const c = this.roster.caregivers[cg]!;
    const k = shiftContaining(c.shifts, start, start + o.duration);
    if (k < 0) return false;
    const shift = c.shifts[k]!;
    const stops = this.stops[cg]!;
    const pos = lowerBound(stops, start);
    if (shift.break) {
      // the stops that overlap the shift, with the visit among them in order; one scratch list and
      // one scratch stop, reused: breakFits reads them and keeps neither
      const candidate = this.scratchStop;
      candidate.key = o.key;
      candidate.client = o.client;
      candidate.start = start;
      candidate.end = start + o.duration;
      candidate.occurrence = o.index;
      const inside = stopsOverlapping(stops, shift.start, shift.end, this.longest, this.scratchInside);
      insertAt(inside, lowerBound(inside, start), candidate);
      if (!breakFits(shift, inside, this.travel)) return false;
    }
    if (c.maxMinutes !== undefined && this.worked[cg]! + this.insertionCost(cg, o, pos, shift.start, shift.end) > c.maxMinutes) return false;
    return true;
  }

  /** Minutes added to cg's worked time: the visit plus the change in route travel within the shift. */
  insertionCost(cg: number, o: Occurrence, pos: number, shiftStart: number, shiftEnd: number): number {
    const stops = this.stops[cg]!;
    const prev = pos > 0 ? stops[pos - 1] : undefined;
    const next = stops[pos];
    // (plain conditions, no closure: this runs on every insertion the search tries)
    const prevIn = prev !== undefined && prev.start >= shiftStart && prev.end <= shiftEnd;
    const nextIn = next !== undefined && next.start >= shiftStart && next.end <= shiftEnd;
    let delta = o.duration;
    if (prevIn) delta += this.travel.between(o.client, prev.client);
    if (nextIn) delta += this.travel.between(o.client, next.client);
    if (prevIn && nextIn) delta -= this.travel.between(prev.client, next.client);
    return delta;
  }

  /** Earliest start at which all of `cgs` can do the visit together, or null. */
  findStart(cgs: readonly number[], o: Occurrence, prefer?: number): number | null {
    const [lo, hi] = this.gapBounds(o);
    if (lo > hi) return null;
    let ranges = this.startRanges(cgs[0]!, o, lo, hi);
    for (const cg of cgs.slice(1)) ranges = intersect(ranges, this.startRanges(cg, o, lo, hi));
    const candidates: number[] = [];
    for (const [a, b] of ranges) {
      if (prefer !== undefined && prefer >= a && prefer <= b) candidates.unshift(prefer);
      candidates.push(a);
      if (b !== a) candidates.push(b, Math.floor((a + b) / 2));
    }
    for (const s of candidates) if (cgs.every((cg) => this.keepsBreakAndHours(cg, o, s))) return s;
    return null;
  }

  /**
   * The start at which the visit adds the least travel to cg's route, over every gap it fits in
   * (any start inside one gap adds the same travel; the first that keeps the break and maxMinutes
   * is taken), or null when it fits nowhere.
   */
  cheapestInsertion(cg: number, o: Occurrence): { start: number; travel: number } | null {
    const lo = this.gapLo(o);
    const hi = this.gapHi(o);
    if (lo > hi) return null;
    const shifts = this.roster.caregivers[cg]!.shifts;
    let bestStart = -1;
    let bestTravel = Infinity;
    const n = this.rangesInto(cg, o, lo, hi);
    for (let k = 0; k < n; k++) {
      // rangesInto is not called again below, so this.ranges holds still
      const a = this.ranges[2 * k]!;
      const b = this.ranges[2 * k + 1]!;
      const mid = Math.floor((a + b) / 2);
      const start = this.keepsBreakAndHours(cg, o, a) ? a : this.keepsBreakAndHours(cg, o, b) ? b : this.keepsBreakAndHours(cg, o, mid) ? mid : -1;
      if (start < 0) continue;
      const shift = shifts[shiftContaining(shifts, start, start + o.duration)]!;
      const travel = this.insertionCost(cg, o, lowerBound(this.stops[cg]!, start), shift.start, shift.end) - o.duration;
      if (travel < bestTravel) {
        bestStart = start;
        bestTravel = travel;
      }
    }
    return bestStart < 0 ? null : { start: bestStart, travel: bestTravel };
  }

  place(cgs: readonly number[], o: Occurrence, start: number): void {
    for (let k = 0; k < cgs.length; k++) {
      const cg = cgs[k]!;
      const c = this.roster.caregivers[cg]!;
      const shift = c.shifts[shiftContaining(c.shifts, start, start + o.duration)]!;
      const stops = this.stops[cg]!;
      const pos = lowerBound(stops, start);
      this.worked[cg]! += this.insertionCost(cg, o, pos, shift.start, shift.end);
      insertAt(stops, pos, { key: o.key, client: o.client, start, end: start + o.duration, occurrence: o.index });
    }
    this.start[o.index] = start;
    this.assigned[o.index] = [...cgs];
    this.noteChanged(o.index);
  }

  remove(o: Occurrence): void {
    const start = this.start[o.index]!;
    const cgs = this.assigned[o.index]!;
    for (let k = 0; k < cgs.length; k++) {
      const cg = cgs[k]!;
      const c = this.roster.caregivers[cg]!;
      const stops = this.stops[cg]!;
      const pos = stops.findIndex((s) => s.occurrence === o.index);
      removeAt(stops, pos);
      const shift = c.shifts[shiftContaining(c.shifts, start, start + o.duration)]!;
      this.worked[cg]! -= this.insertionCost(cg, o, pos, shift.start, shift.end);
    }
    this.start[o.index] = -1;
    this.assigned[o.index] = [];
    this.noteChanged(o.index);
  }

  private noteChanged(occurrence: number): void {
    if (this.isChanged[occurrence]) return;
    this.isChanged[occurrence] = 1;
    this.changed.push(occurrence);
  }

  /**
   * The occurrences placed or removed since the last call (in any order, each once; maybe back
   * where they were): what a copy of the state taken then must update to be a copy of it now.
   */
  drainChanged(): number[] {
    const out = this.changed;
    for (let k = 0; k < out.length; k++) this.isChanged[out[k]!] = 0;
    this.changed = [];
    return out;
  }
}

/** Inserts at `pos`, moving the rest up: as splice, without the array of removed items splice allocates on every call. */
function insertAt<T>(list: T[], pos: number, item: T): void {
  list.push(item);
  for (let i = list.length - 1; i > pos; i--) list[i] = list[i - 1]!;
  list[pos] = item;
}

/** Removes the item at `pos` (as splice(pos, 1), without allocating). */
function removeAt<T>(list: T[], pos: number): void {
  for (let i = pos; i < list.length - 1; i++) list[i] = list[i + 1]!;
  list.pop();
}


function intersect(a: [number, number][], b: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a0, a1] of a)
    for (const [b0, b1] of b) {
      const lo = Math.max(a0, b0);
      const hi = Math.min(a1, b1);
      if (lo <= hi) out.push([lo, hi]);
    }
  return out.sort((x, y) => x[0] - y[0]);
}
