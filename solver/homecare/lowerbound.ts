import type { Occurrence, Roster } from "../../src/homecare/model.js";
import { mayServe } from "../../src/homecare/rules.js";
import { isKoladaVisit, KOLADA_DAYS, koladaClients } from "../../src/homecare/figures.js";
import { integerBoundsInWorker, type IntegerBound, type LpModel, type LpRow } from "../common/lp.js";
import { within } from "../common/anneal.js";

export interface ContinuityBound {
  /** no schedule's U21401 can be lower (null: the solve did not get as far as a bound in its time) */
  u21401: number | null;
  /** whether the bound is the model's proven optimum (else HiGHS's dual bound at its time limit: valid, maybe loose) */
  proven: boolean;
  /** how the solve ended, and how long it took */
  detail: string;
  seconds: number;
}

/**
 * A lower bound on continuity: for each Kolada-counted client, the fewest caregivers who together
 * could cover every counted visit of that client (shift containing the window, skills, not
 * excluded, pinned caregivers in), ignoring every other client: one small set cover per client.
 * The sum over counted clients, over their number, bounds U21401. It ignores capacity, so no
 * schedule may reach it. A client whose cover is not solved in time counts with what it surely
 * needs (the most caregivers one of its visits needs), so the bound holds whenever it is cut.
 */
export function continuityModels(roster: Roster): { models: LpModel[]; surely: number[]; counted: number } {
  const measuredDays = Math.min(KOLADA_DAYS, roster.periodDays);
  const counted = koladaClients(roster);
  const pinnedBy = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));
  const byClient = roster.clients.map(() => [] as Occurrence[]);
  for (const o of roster.occurrences) if (o.day < measuredDays && isKoladaVisit(o) && counted.has(o.client)) byClient[o.client]!.push(o);
  const models: LpModel[] = [];
  const surely: number[] = [];
  for (const client of roster.clients) {
    if (!byClient[client.index]!.length) continue;
    const { visits, columns } = coverColumns(roster, byClient[client.index]!, pinnedBy);
    if (!visits.length) continue;
    const name = (cg: number) => `c${cg}`;
    const rows: LpRow[] = visits.map((o, k) => ({ name: `o${o.index}`, terms: [...columns].filter(([, covers]) => covers[k]).map(([cg]): [string, number] => [name(cg), 1]), min: o.staff }));
    // a caregiver pinned to one of the client's visits is in its team whatever else
    const pins = new Set(visits.flatMap((o) => pinnedBy.get(o.index) ?? []));
    for (const cg of pins) rows.push({ name: `p${cg}`, terms: [[name(cg), 1]], min: 1, max: 1 });
    models.push({ sense: "min", variables: [...columns.keys()].map((cg) => ({ name: name(cg), objective: 1, upper: 1, integer: true })), rows });
    surely.push(Math.max(pins.size, ...visits.map((o) => o.staff)));
  }
  return { models, surely, counted: counted.size };
}

/**
 * The caregivers worth a column in one client's set cover, with the visits each could do. Many
 * caregivers could do exactly the same visits (every day-shift caregiver without a skill), and the
 * model needs no more of them than a visit needs caregivers (two, for dubbelbemanning); and a
 * caregiver whose visits, all needing one caregiver, another caregiver could all do as well is never
 * needed (swap one for the other in any cover). Pinned caregivers always stay. On the 1,000-client
 * bench district this takes the model from 454,070 binaries to a few thousand.
 */
function coverColumns(roster: Roster, all: readonly Occurrence[], pinnedBy: Map<number, number[]>): { visits: Occurrence[]; columns: Map<number, boolean[]> } {
  const can = roster.caregivers.map((c) => all.map((o) => mayServe(roster, c, o)));
  // a visit that cannot be staffed at all bounds nothing
  const keepVisit = all.map((o, k) => can.filter((row) => row[k]).length >= o.staff);
  const visits = all.filter((_, k) => keepVisit[k]);
  const pins = new Set(visits.flatMap((o) => pinnedBy.get(o.index) ?? []));
  const maxStaff = Math.max(1, ...visits.map((o) => o.staff));
  const byPattern = new Map<string, { cgs: number[]; covers: boolean[] }>();
  for (const c of roster.caregivers) {
    const covers = can[c.index]!.filter((_, k) => keepVisit[k]);
    if (!covers.some(Boolean) && !pins.has(c.index)) continue;
    const key = covers.map((b) => (b ? "1" : "0")).join("");
    const group = byPattern.get(key) ?? byPattern.set(key, { cgs: [], covers }).get(key)!;
    group.cgs.push(c.index);
  }
  const groups = [...byPattern.values()];
  const subset = (a: boolean[], b: boolean[]) => a.every((x, k) => !x || b[k]);
  const columns = new Map<number, boolean[]>();
  for (const g of groups) {
    const single = g.covers.every((x, k) => !x || visits[k]!.staff === 1);
    const dominated = single && groups.some((h) => h !== g && subset(g.covers, h.covers) && !subset(h.covers, g.covers));
    const keep = g.cgs.filter((cg) => pins.has(cg));
    if (!dominated) for (const cg of g.cgs) if (keep.length < maxStaff && !keep.includes(cg)) keep.push(cg);
    for (const cg of keep) columns.set(cg, g.covers);
  }
  return { visits, columns };
}

/**
 * The bound from HiGHS's answers, one per client model: each dual bound rounded up (a count is a
 * whole number), or what the client surely needs where no answer came; the sum over the number of
 * counted clients, rounded down to two decimals.
 */
export function boundFrom(answers: readonly (IntegerBound | null)[], surely: readonly number[], counted: number, seconds: number): ContinuityBound {
  if (!counted) return { u21401: null, proven: true, detail: "no counted clients", seconds };
  let sum = 0;
  let solved = 0;
  surely.forEach((floor, k) => {
    const a = answers[k];
    const known = a && a.bound !== null ? Math.ceil(a.bound - 1e-6) : null;
    if (a?.detail === "optimal") solved++;
    sum += Math.max(floor, known ?? 0);
  });
  const proven = solved === surely.length;
  return { u21401: Math.floor((100 * sum) / counted) / 100, proven, detail: proven ? "optimal" : `${solved} of ${surely.length} clients' covers solved in time`, seconds };
}

/**
 * The bound, solved by HiGHS in a worker thread beside the search (on the other core), within
 * `seconds`. `settle(ms)` gives what is known by then and stops the worker: it never holds up the
 * schedule.
 */
export function continuityBoundInWorker(roster: Roster, seconds: number): { settle(waitMs: number): Promise<ContinuityBound> } {
  const started = Date.now();
  const { models, surely, counted } = continuityModels(roster);
  if (!models.length) return { settle: async () => boundFrom([], [], counted, 0) };
  // each client's cover is small: a second is far more than one needs, and a stuck one does not hold up the rest
  const solve = integerBoundsInWorker(models.map((model) => ({ model })), { timeLimitSeconds: 1, mipGap: 0, deadlineSeconds: Math.max(0.5, seconds - (Date.now() - started) / 1000) });
  return {
    async settle(waitMs) {
      try {
        const answers = await within(solve.result, waitMs).catch(() => null);
        return boundFrom(answers ?? [], surely, counted, (Date.now() - started) / 1000);
      } finally {
        solve.cancel();
      }
    },
  };
}
