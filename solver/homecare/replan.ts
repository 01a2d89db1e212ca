import type { Occurrence, Roster, Schedule } from "../../src/homecare/model.js";
import { occurrenceKey } from "../../src/homecare/model.js";
import { TravelMatrix } from "../../src/homecare/travel.js";
import { Wall } from "../common/anneal.js";
import { byDifficulty, candidatesByDay, toSchedule } from "./construct.js";
import { RouteState } from "./routes.js";
import { blockingStops, describeObstacle, obstacleFor } from "./why-not.js";

/**
 * Re-planning a published schedule for a changed roster (shared/spec/replan.md). Objective in the
 * spec's order: fewest unassigned, then fewest caregivers new to a client, then fewest changed
 * assignments, then least travel. Greedy, as a scheduler does it on the phone at 06:30:
 *   1. the frozen past (started before `now`) is placed exactly as published;
 *   2. every other published assignment that is still valid is kept as it stands;
 *   3. each visit left open (its assignment made invalid, new, or unassigned before) goes to the
 *      caregiver the client knows best who can take it, else to one the client knows after moving
 *      one or two of that caregiver's later visits to someone their clients know, else to anyone;
 *      between equals the one that adds least travel.
 * Every placement is an exact insertion (routes.ts), so the result keeps every hard rule.
 */

export interface ReplanOptions {
  timeLimitSeconds?: number;
  onProgress?: (p: ReplanProgress) => void;
}

export interface ReplanProgress {
  phase: "replan";
  /** open visits placed so far, of all */
  done: number;
  total: number;
  fraction: number;
  elapsedMs: number;
}

export interface ReplanResult {
  schedule: Schedule;
  /** occurrences the search moved to make room for another, by key: which one */
  madeRoomFor: Map<string, string>;
  elapsedMs: number;
}

/** A caregiver's visits this far from the one to place are the ones an ejection may move (minutes). */
const EJECT_MAX = 2;
/** For a visit nobody can take otherwise, a peak's back-to-back visits: an uncovered visit is worth more moves. */
const EJECT_MAX_UNCOVERED = 4;
/** Caregivers the client knows tried with ejection, best known first: enough for a team, bounded for the 5 s target. */
const EJECT_CANDIDATES = 6;

export function replanSchedule(roster: Roster, published: Schedule, now: number, options: ReplanOptions = {}): ReplanResult {
  const started = Date.now();
  const wall = new Wall(started, (options.timeLimitSeconds ?? 30) * 1000, 1);
  const travel = new TravelMatrix(roster.clients, roster.travel);
  const state = new RouteState(roster, travel);
  const byKey = new Map(roster.occurrences.map((o) => [o.key, o]));
  const caregiverIndex = new Map(roster.caregivers.map((c) => [c.id, c.index]));
  const candidates = candidatesByDay(state);
  const pinned = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));

  // who each client met in the published schedule, and how often: the continuity to keep
  const met = roster.clients.map(() => new Map<number, number>());
  const frozen: { o: Occurrence; cgs: number[]; start: number }[] = [];
  const rest: { o: Occurrence; cgs: number[]; start: number }[] = [];
  for (const a of published.assignments) {
    const o = byKey.get(occurrenceKey(a.client, a.visit, a.date));
    const cgs = a.caregivers.map((id) => caregiverIndex.get(id));
    if (!o || cgs.some((c) => c === undefined)) continue; // removed by a change
    for (const cg of cgs) met[o.client]!.set(cg!, (met[o.client]!.get(cg!) ?? 0) + 1);
    (a.start < now ? frozen : rest).push({ o, cgs: cgs as number[], start: a.start });
  }
  const knows = (client: number, cg: number) => met[client]!.has(cg);

  const fits = (o: Occurrence, cgs: number[], start: number) => {
    const [lo, hi] = state.gapBounds(o);
    if (start < lo || start > hi) return false;
    if (!cgs.every((cg) => candidates(o).includes(cg))) return false;
    if (pinned.has(o.index) && pinned.get(o.index)!.some((cg) => !cgs.includes(cg))) return false;
    return cgs.every((cg) => state.startRanges(cg, o, start, start).length > 0 && state.keepsBreakAndHours(cg, o, start));
  };

  // 1 and 2: frozen first (kept even where a rule of the changed roster would now refuse it), then the valid rest
  const open: Occurrence[] = [];
  for (const f of frozen.sort((a, b) => a.start - b.start))
    if (f.cgs.every((cg) => roster.caregivers[cg]!.shifts.some((s) => s.start <= f.start && f.start + f.o.duration <= s.end))) state.place(f.cgs, f.o, f.start);
    else open.push(f.o);
  for (const r of rest.sort((a, b) => a.start - b.start)) {
    if (fits(r.o, r.cgs, r.start)) state.place(r.cgs, r.o, r.start);
    else open.push(r.o);
  }
  const opened = new Set(open);
  for (const o of roster.occurrences) if (state.start[o.index]! < 0 && !opened.has(o)) open.push(o);
  // an open occurrence whose window closed before now cannot be staffed any more: it stays unassigned
  const todo = byDifficulty(open).filter((o) => o.latest >= now).map(fromNow);

  const openOf = new Map<number, Occurrence[]>();
  for (const o of todo) {
    const list = openOf.get(o.client);
    if (list) list.push(o);
    else openOf.set(o.client, [o]);
  }
  const madeRoomFor = new Map<string, string>();
  let done = 0;
  for (const o of todo) {
    if (wall.passed(done)) break;
    place(o);
    done++;
    options.onProgress?.({ phase: "replan", done, total: todo.length, fraction: done / todo.length, elapsedMs: Date.now() - started });
  }
  return { schedule: withReasons(), madeRoomFor, elapsedMs: Date.now() - started };

  /** The occurrence as it can still be planned: nothing starts in the past. */
  function fromNow(o: Occurrence): Occurrence {
    return o.earliest < now ? { ...o, earliest: now } : o;
  }

  /** The client's caregivers first, most visits first; then everyone else who may serve it. */
  function ranked(o: Occurrence): number[] {
    const m = met[o.client]!;
    const fixed = pinned.get(o.index) ?? [];
    const pool = candidates(o).filter((cg) => !fixed.includes(cg));
    return pool.sort((a, b) => (m.get(b) ?? 0) - (m.get(a) ?? 0) || a - b);
  }

  /** Cheapest direct insertion: [caregivers, start, new faces, travel] or null. */
  function direct(o: Occurrence, order: number[]): { cgs: number[]; start: number; fresh: number; travel: number } | null {
    const fixed = pinned.get(o.index) ?? [];
    let best: { cgs: number[]; start: number; fresh: number; cover: number; travel: number } | null = null;
    const consider = (cgs: number[], start: number, extra: number) => {
      const fresh = cgs.filter((cg) => !knows(o.client, cg)).length;
      if (best && fresh > best.fresh) return;
      // a new face should be one who can also take the client's other open visits: one new face, not three
      const cover = fresh ? cgs.reduce((n, cg) => n + (openOf.get(o.client) ?? []).filter((x) => x !== o && state.start[x.index]! < 0 && state.cheapestInsertion(cg, x) !== null).length, 0) : 0;
      if (!best || fresh < best.fresh || cover > best.cover || (cover === best.cover && extra < best.travel)) best = { cgs, start, fresh, cover, travel: extra };
    };
    if (o.staff - fixed.length <= 0) {
      const start = state.findStart(fixed, o);
      if (start !== null) consider(fixed, start, 0);
      return best;
    }
    if (o.staff - fixed.length === 1) {
      for (const cg of order) {
        if (fixed.length) {
          const start = state.findStart([...fixed, cg], o);
          if (start !== null) consider([...fixed, cg], start, 0);
          continue;
        }
        const ins = state.cheapestInsertion(cg, o);
        if (ins) consider([cg], ins.start, ins.travel);
      }
      return best;
    }
    for (let i = 0; i < order.length; i++)
      for (let j = i + 1; j < order.length; j++) {
        const start = state.findStart([order[i]!, order[j]!], o);
        if (start !== null) consider([order[i]!, order[j]!], start, 0);
      }
    return best;
  }

  /**
   * Places and remembers: a caregiver new to the client is new once (the objective counts pairs),
   * so the client's next open visits prefer the substitute it already has over a third face.
   */
  function meet(cgs: number[], o: Occurrence, start: number): void {
    state.place(cgs, o, start);
    remember(cgs, o);
  }

  function remember(cgs: number[], o: Occurrence): void {
    for (const cg of cgs) met[o.client]!.set(cg, (met[o.client]!.get(cg) ?? 0) + 1);
  }

  function place(o: Occurrence): void {
    const order = ranked(o);
    const first = direct(o, order);
    if (first && first.fresh === 0) return meet(first.cgs, o, first.start);
    // a caregiver the client knows, once one or two of her visits go to someone their clients know
    if (o.staff === 1 && !pinned.has(o.index)) {
      for (const cg of order.filter((c) => knows(o.client, c)).slice(0, EJECT_CANDIDATES))
        if (withEjection(o, cg, true)) return;
    }
    if (first) return meet(first.cgs, o, first.start);
    // nobody free: anyone whose visits in the way others can take (every visit covered where the roster allows it)
    if (o.staff === 1 && !pinned.has(o.index)) for (const max of [EJECT_MAX, EJECT_MAX_UNCOVERED]) for (const cg of order) if (withEjection(o, cg, false, max)) return;
  }

  /**
   * Moves cg's visits in the way (not frozen, not pinned, at most `most`) to others, places o
   * with cg, then re-places the moved ones; with `familiarOnly` each must go to a caregiver its
   * client knows. Undone whole when any step fails.
   */
  function withEjection(o: Occurrence, cg: number, familiarOnly: boolean, most = EJECT_MAX): boolean {
    const ob = obstacleFor(state, cg, o);
    if (!ob || ob.kind !== "busy") return false;
    const blockers = blockingStops(state, cg, o).map((s) => roster.occurrences[s.occurrence]!);
    if (!blockers.length || blockers.length > most || blockers.some((b) => state.start[b.index]! < now || pinned.has(b.index))) return false;
    const saved: { b: Occurrence; cgs: number[]; start: number }[] = blockers.map((b) => ({ b, cgs: [...state.assigned[b.index]!], start: state.start[b.index]! }));
    for (const b of blockers) state.remove(b);
    const start = state.findStart([cg], o);
    if (start === null) {
      for (const s of saved) state.place(s.cgs, s.b, s.start);
      return false;
    }
    state.place([cg], o, start);
    const moved: { b: Occurrence; cgs: number[] }[] = [];
    for (const s of saved) {
      s.b = fromNow(s.b);
      const order = ranked(s.b).filter((c) => c !== cg);
      const ins = direct(s.b, familiarOnly ? order.filter((c) => knows(s.b.client, c)) : order);
      if (!ins || (familiarOnly && ins.fresh > 0)) {
        for (const m of moved) state.remove(m.b);
        state.remove(o);
        for (const t of saved) state.place(t.cgs, t.b, t.start);
        return false;
      }
      state.place(ins.cgs, s.b, ins.start);
      moved.push({ b: s.b, cgs: ins.cgs });
    }
    remember([cg], o);
    for (const m of moved) remember(m.cgs, m.b);
    for (const b of blockers) madeRoomFor.set(b.key, o.key);
    return true;
  }

  /** The schedule, each open occurrence with who came closest and what stops each (replan.md rule 5). */
  function withReasons(): Schedule {
    const schedule = toSchedule(state);
    for (const u of schedule.unassigned) {
      const o = byKey.get(occurrenceKey(u.client, u.visit, u.date))!;
      if (o.latest < now) {
        u.reason = `its window closed before the re-plan (${new Date(now * 60_000).toISOString()}) and it was not done`;
        continue;
      }
      const close = ranked(o)
        .map((cg) => ({ cg, ob: obstacleFor(state, cg, o) }))
        .filter((x) => x.ob && x.ob.kind !== "offShift" && x.ob.kind !== "excluded" && x.ob.kind !== "skill")
        .slice(0, 3);
      if (close.length) u.reason += `; closest: ${close.map((x) => `${roster.caregivers[x.cg]!.id} ${describeObstacle(roster, state, x.ob!)}`).join("; ")}`;
    }
    return schedule;
  }
}
