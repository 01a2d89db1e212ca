import type { Occurrence, Roster, Shift } from "../src/model.js";
import type { TravelMatrix } from "../src/travel.js";
import type { RouteState } from "./routes.js";

/**
 * The team phase: before any route is built, each client gets a short ordered team, the few
 * caregivers who between them can carry its visits, chosen so that what is planned for a caregiver
 * still fits each of its shifts (visits in their windows, travel between them, the break's
 * minutes). Clients counted by Kolada plan first. The construction then prefers the planned team,
 * so a client's visits are not spread over whoever happens to be free.
 */
export function planTeams(roster: Roster, state: RouteState, travel: TravelMatrix, weight: Float64Array): number[][] {
  const caregivers = roster.caregivers;
  // per caregiver and shift: the occurrences planned into it
  const planned = caregivers.map((c) => c.shifts.map(() => [] as Occurrence[]));
  const shiftOf = (cg: number, o: Occurrence) => caregivers[cg]!.shifts.findIndex((s) => Math.max(o.earliest, s.start) <= Math.min(o.latest, s.end - o.duration));

  const byClient = roster.clients.map(() => [] as Occurrence[]);
  for (const o of roster.occurrences) if (o.kind === "care") byClient[o.client]!.push(o);
  const order = roster.clients.map((c) => c.index).sort((a, b) => weight[b]! - weight[a]! || byClient[b]!.length - byClient[a]!.length || a - b);

  const teams: number[][] = roster.clients.map(() => []);
  for (const c of order) {
    let residual = byClient[c]!;
    const team = teams[c]!;
    const contact = roster.clients[c]!.contactPerson;
    while (residual.length && team.length < 8) {
      let best: { cg: number; takes: [Occurrence, number][]; score: number } | null = null;
      for (let cg = 0; cg < caregivers.length; cg++) {
        if (team.includes(cg)) continue;
        const takes = feasibleTakes(cg, residual);
        if (!takes.length) continue;
        // the kontaktperson first when it can carry a fair share
        const score = takes.length * (cg === contact ? 1.5 : 1);
        if (!best || score > best.score) best = { cg, takes, score };
      }
      if (!best) break;
      for (const [o, s] of best.takes) planned[best.cg]![s]!.push(o);
      const taken = new Set(best.takes.map(([o]) => o.index));
      residual = residual.filter((o) => !taken.has(o.index));
      team.push(best.cg);
    }
  }
  return teams;

  /** The residual occurrences `cg` could add, one at a time in time order, keeping every shift feasible. */
  function feasibleTakes(cg: number, residual: readonly Occurrence[]): [Occurrence, number][] {
    const out: [Occurrence, number][] = [];
    const added = new Map<number, Occurrence[]>();
    for (const o of residual) {
      if (!state.eligible(cg, o)) continue;
      const s = shiftOf(cg, o);
      if (s < 0) continue;
      const list = added.get(s) ?? [...planned[cg]![s]!];
      list.push(o);
      if (fits(list, caregivers[cg]!.shifts[s]!, travel)) {
        added.set(s, list);
        out.push([o, s]);
      } else list.pop();
    }
    return out;
  }
}

/**
 * How much of a shift the plan may fill. The plan sees only the visits planned so far, in client
 * order, so a full plan crowds out the clients planned last and the visits only a few can do. On
 * the bench districts (`npm run bench`, and seeds 1-3 of the 80-client district) planning under
 * half of each shift gave the best continuity after the search (0.45: U21401 5.42-5.50 against
 * 5.92-5.96 at 0.7 and 6.04-6.13 without a plan) and no unassigned visit.
 */
const PLAN_SHARE = 0.45;

/**
 * Whether the visits can be sequenced inside the shift: earliest-deadline-first by latest start,
 * each at the first moment its window and the drive allow, with the break's minutes kept free.
 * A heuristic test (the exact one is the route insertion), strict enough to keep plans realistic.
 */
function fits(list: Occurrence[], shift: Shift, travel: TravelMatrix): boolean {
  const sorted = [...list].sort((a, b) => a.latest - b.latest || a.earliest - b.earliest);
  let t = shift.start;
  let prev = -1;
  let busy = 0;
  for (const o of sorted) {
    const drive = prev >= 0 ? travel.between(prev, o.client) : 0;
    const start = Math.max(o.earliest, t + drive);
    if (start > o.latest) return false;
    t = start + o.duration;
    if (t > shift.end) return false;
    busy += o.duration + drive;
    prev = o.client;
  }
  return busy + (shift.break?.minutes ?? 0) <= (shift.end - shift.start) * PLAN_SHARE;
}
