import type { Occurrence, Roster, Shift } from "../../src/homecare/model.js";
import type { TravelMatrix } from "../../src/homecare/travel.js";
import { holdingShift } from "../../src/homecare/rules.js";
import type { RouteState } from "./routes.js";

/**
 * The team phase: before any route is built, each client gets a short ordered team, the few
 * caregivers who between them can carry its visits, chosen so that what is planned for a caregiver
 * still fits each of its shifts (visits in their windows, travel between them, the break's
 * minutes), preferring caregivers whose planned clients are near. Clients counted by Kolada plan first. The construction then prefers the planned team,
 * so a client's visits are not spread over whoever happens to be free. The plan stops at `deadline`
 * (a share of the time limit: on the 1,000-client district it takes ten seconds), so that a short
 * limit still leaves time to build and search.
 */
export function planTeams(roster: Roster, state: RouteState, travel: TravelMatrix, weight: Float64Array, deadline = Infinity): number[][] {
  const caregivers = roster.caregivers;
  // per caregiver and shift: the occurrences planned into it
  const planned = caregivers.map((c) => c.shifts.map(() => [] as Occurrence[]));

  const byClient = roster.clients.map(() => [] as Occurrence[]);
  for (const o of roster.occurrences) if (o.kind === "care") byClient[o.client]!.push(o);
  const order = roster.clients.map((c) => c.index).sort((a, b) => weight[b]! - weight[a]! || byClient[b]!.length - byClient[a]!.length || a - b);

  const teams: number[][] = roster.clients.map(() => []);
  // the clients planned for each caregiver: a team member close to them has the minutes at the peaks
  const plannedClients = caregivers.map(() => [] as number[]);
  const nearest = (cg: number, c: number) => plannedClients[cg]!.reduce((m, p) => Math.min(m, travel.between(p, c)), Infinity);
  for (const c of order) {
    // the plan is a guide: past its share of the time limit, the clients left get their teams in the construction
    if (Date.now() > deadline) break;
    let residual = byClient[c]!;
    const team = teams[c]!;
    const contact = roster.clients[c]!.contactPerson;
    while (residual.length && team.length < TEAM_CAP) {
      let best: { cg: number; takes: [Occurrence, number][]; score: number } | null = null;
      for (let cg = 0; cg < caregivers.length; cg++) {
        if (team.includes(cg)) continue;
        const takes = feasibleTakes(cg, residual);
        if (!takes.length) continue;
        // the kontaktperson first when it can carry a fair share
        const near = nearest(cg, c);
        const score = (takes.length * (cg === contact ? 1.5 : 1)) / (1 + (Number.isFinite(near) ? near : 0) / NEAR_MINUTES);
        if (!best || score > best.score) best = { cg, takes, score };
      }
      if (!best) break;
      for (const [o, s] of best.takes) planned[best.cg]![s]!.push(o);
      const taken = new Set(best.takes.map(([o]) => o.index));
      residual = residual.filter((o) => !taken.has(o.index));
      team.push(best.cg);
      plannedClients[best.cg]!.push(c);
    }
  }
  return teams;

  /** The residual occurrences `cg` could add, one at a time in time order, keeping every shift feasible. */
  function feasibleTakes(cg: number, residual: readonly Occurrence[]): [Occurrence, number][] {
    const out: [Occurrence, number][] = [];
    const added = new Map<number, Occurrence[]>();
    for (const o of residual) {
      if (!state.eligible(cg, o)) continue;
      const s = holdingShift(caregivers[cg]!, o);
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
 * order, so a full plan crowds out the clients planned last and the visits only a few can do; the
 * search after it fills the rest. U21401 after the search (with its consolidation move; solver seed
 * 1, 300,000 moves), by share: 300 clients (bench seed 13) 5.98 at 0.45, 5.68 at 0.35 and at 0.25,
 * 6.05 at 0.6; 80 clients 5.23 / 5.46 / 5.21 at 0.45 / 0.35 / 0.25 (seed 7) and 5.00 / 4.95 at
 * 0.45 / 0.25 (seed 1). Noisy from one share to the next, but a smaller plan leaves the peaks free.
 */
const PLAN_SHARE = 0.25;

/**
 * The most caregivers a client's planned team may have: a client whose visits eight caregivers
 * cannot cover gets the rest from the construction. Kolada's national mean is about fifteen
 * different staff in fourteen days; a plan of more than eight would no longer be a team.
 */
export const TEAM_CAP = 8;

/**
 * Travel minutes at which a caregiver's claim on a client halves: a team member near the clients
 * already planned for it drives less between them, and a caregiver's minutes at the morning and
 * evening peaks are what continuity runs out of. On the 300-client district it took U21401 from
 * 5.68 to 5.61 (2 minutes: 5.63, 15: 5.67) and travel from 82,148 to 74,267 minutes.
 */
const NEAR_MINUTES = 5;

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
