import lpSolver from "javascript-lp-solver";
import type { Roster } from "../../src/homecare/model.js";
import { isKoladaVisit, KOLADA_DAYS, koladaClients } from "../../src/homecare/figures.js";
import { shiftCanHold } from "./routes.js";

// the package's types describe its CommonJS build; under ESM the default export is the solver itself
const lp = lpSolver as unknown as { Solve(model: object): { feasible: boolean; result: number } };

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
    const constraints: Record<string, { min?: number; equal?: number }> = {};
    const variables: Record<string, Record<string, number>> = {};
    const binaries: Record<string, 1> = {};
    for (const oi of occurrences) {
      const o = roster.occurrences[oi]!;
      const cover = roster.caregivers.filter(
        (c) =>
          o.skills.every((s) => c.skills.has(s)) &&
          !client.excluded.has(c.index) &&
          shiftCanHold(c, o),
      );
      if (cover.length < o.staff) continue; // cannot be staffed at all: it bounds nothing
      constraints[`o${oi}`] = { min: o.staff };
      for (const c of cover) {
        const v = (variables[`c${c.index}`] ??= { count: 1 });
        v[`o${oi}`] = 1;
        binaries[`c${c.index}`] = 1;
      }
      for (const cg of pinnedBy.get(oi) ?? []) {
        constraints[`pin${cg}`] = { equal: 1 };
        (variables[`c${cg}`] ??= { count: 1 })[`pin${cg}`] = 1;
        binaries[`c${cg}`] = 1;
      }
    }
    if (!Object.keys(constraints).length) continue;
    const result = lp.Solve({ optimize: "count", opType: "min", constraints, variables, binaries });
    perClient[client.id] = result.feasible ? Math.round(result.result) : 0;
  }
  const bounds = [...counted].map((ci) => perClient[roster.clients[ci]!.id] ?? 0);
  return {
    perClient,
    u21401: bounds.length ? Math.round((100 * bounds.reduce((s, n) => s + n, 0)) / bounds.length) / 100 : null,
  };
}
