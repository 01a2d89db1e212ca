import type { Roster } from "../../src/homecare/model.js";
import { mayServe } from "../../src/homecare/rules.js";
import { solveWithJsLp, type LpRow, type LpVariable } from "../common/lp.js";
import { isKoladaVisit, KOLADA_DAYS, koladaClients } from "../../src/homecare/figures.js";

export interface ContinuityBound {
  /** fewest caregivers who together could carry out each counted client's visits, by client id */
  perClient: Record<string, number>;
  /** the mean of those over Kolada-counted clients: no schedule's U21401 can be lower */
  u21401: number | null;
}

/**
 * A lower bound on continuity: for each client, the fewest caregivers who together could cover
 * every counted visit of that client (shift containing the window, skills, not excluded, pinned
 * caregivers in), ignoring every other client. A set-cover ILP per client, small enough for
 * javascript-lp-solver (tens of binaries).
 */
export function continuityLowerBound(roster: Roster): ContinuityBound {
  const measuredDays = Math.min(KOLADA_DAYS, roster.periodDays);
  const counted = koladaClients(roster);
  const pinnedBy = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));
  const perClient: Record<string, number> = {};
  const byClient = roster.clients.map(() => [] as number[]);
  for (const o of roster.occurrences) if (o.day < measuredDays && isKoladaVisit(o)) byClient[o.client]!.push(o.index);
  for (const client of roster.clients) {
    const occurrences = byClient[client.index]!;
    if (!occurrences.length) continue;
    // a binary per caregiver who could serve some visit (objective: how many are used), a row per visit
    const used = new Map<number, LpVariable>();
    const variable = (cg: number) => used.get(cg) ?? used.set(cg, { name: `c${cg}`, objective: 1, upper: 1, integer: true }).get(cg)!;
    const rows: LpRow[] = [];
    const pins = new Set<number>();
    for (const oi of occurrences) {
      const o = roster.occurrences[oi]!;
      const cover = roster.caregivers.filter((c) => mayServe(roster, c, o));
      if (cover.length < o.staff) continue; // cannot be staffed at all: it bounds nothing
      rows.push({ name: `o${oi}`, terms: cover.map((c) => [variable(c.index).name, 1]), min: o.staff });
      for (const cg of pinnedBy.get(oi) ?? []) pins.add(cg);
    }
    // a caregiver pinned to one of the client's visits is in its team whatever else
    for (const cg of pins) rows.push({ name: `pin${cg}`, terms: [[variable(cg).name, 1]], min: 1, max: 1 });
    if (!rows.length) continue;
    const result = solveWithJsLp({ sense: "min", variables: [...used.values()], rows });
    perClient[client.id] = result.status === "optimal" ? Math.round(result.objective) : 0;
  }
  const bounds = [...counted].map((ci) => perClient[roster.clients[ci]!.id] ?? 0);
  return {
    perClient,
    u21401: bounds.length ? Math.round((100 * bounds.reduce((s, n) => s + n, 0)) / bounds.length) / 100 : null,
  };
}
