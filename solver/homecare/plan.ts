import type { Occurrence, Roster } from "../../src/homecare/model.js";
import { koladaClients } from "../../src/homecare/figures.js";
import type { TravelMatrix } from "../../src/homecare/travel.js";
import { insertOccurrence } from "./construct.js";
import { RouteState } from "./routes.js";

/**
 * The search's objective, lexicographic by weights: unassigned occurrences >> distinct caregivers
 * per client (Kolada-counted clients weigh most) >> kontaktperson, preferred caregivers, language
 * >> travel minutes. A distinct caregiver costs as much as 111 travel minutes (1,000 over 9) for
 * an uncounted client, 333 for a counted one: continuity first, but not at any drive (travel is
 * paid time; the mission asks for no more driving than a good planner's).
 */
const W_UNASSIGNED = 1_000_000;
const W_DISTINCT_COUNTED = 3_000;
const W_DISTINCT = 1_000;
const W_CONTACT = 40;
const W_PREFERRED = 10;
const W_LANGUAGE = 10;
/**
 * A travel minute. At 3 (a counted client's new face worth 1,000 minutes) the search bought
 * continuity with drives no planner would take: on the outside districts 101 / 102 (compact
 * construction with hand-over, 20 s, seeds 1 and 2; U21401 / travel) 7.88 / 16,022, 8.16 /
 * 17,233 and 7.17 / 14,093, 7.34 / 14,662, against the peer's 9.71 / 15,588 and 8.21 / 12,643.
 * At 6: 8.16 / 15,265, 8.45 / 16,328 and 7.26 / 13,568, 7.21 / 14,168; at 9: 8.38 / 15,254,
 * 8.32 / 15,559 and 7.25 / 12,968, 7.21 / 12,650; at 12: 8.34 / 14,981, 8.25 / 14,607 and
 * 7.28 / 12,842, 7.28 / 12,996.
 */
const W_TRAVEL = 9;

type JournalEntry = { placed: boolean; o: Occurrence; cgs: number[]; start: number };

/** RouteState plus the objective's bookkeeping and an undo journal. */
export class Plan {
  readonly state: RouteState;
  readonly counts: Int32Array[]; // client -> caregiver -> continuity visits
  readonly distinct: Int32Array;
  readonly weight: Float64Array;
  unassigned: number;
  prefCost = 0;
  /** Σ weight × distinct and Σ visit minutes of placed visits, kept as moves happen (read on every move) */
  distinctWeighted = 0;
  visitMinutes = 0;
  journal: JournalEntry[] = [];

  /** what a travel minute costs: W_TRAVEL times the planner's travel weight */
  private readonly travelCost: number;

  constructor(
    readonly roster: Roster,
    travel: TravelMatrix,
    travelWeight = 1,
  ) {
    this.travelCost = W_TRAVEL * travelWeight;
    this.state = new RouteState(roster, travel);
    this.counts = roster.clients.map(() => new Int32Array(roster.caregivers.length));
    this.distinct = new Int32Array(roster.clients.length);
    const counted = koladaClients(roster);
    this.weight = Float64Array.from(roster.clients, (c) => (counted.has(c.index) ? W_DISTINCT_COUNTED : W_DISTINCT));
    this.unassigned = roster.occurrences.length;
  }

  /** Preference cost of a team on an occurrence: kontaktperson, preferred caregivers, language. */
  preference(o: Occurrence, cgs: readonly number[]): number {
    const client = this.roster.clients[o.client]!;
    let cost = 0;
    if (client.contactPerson !== undefined && !cgs.includes(client.contactPerson)) cost += W_CONTACT;
    if (client.preferred.length && !cgs.some((c) => client.preferred.includes(c))) cost += W_PREFERRED;
    if (client.language && !cgs.some((c) => this.roster.caregivers[c]!.languages.has(client.language!))) cost += W_LANGUAGE;
    return cost;
  }

  private account(o: Occurrence, cgs: readonly number[], sign: 1 | -1): void {
    this.unassigned -= sign;
    this.prefCost += sign * this.preference(o, cgs);
    this.visitMinutes += sign * o.duration * cgs.length;
    if (o.kind !== "care") return;
    const counts = this.counts[o.client]!;
    // indexed loops on the search's hot paths: `for of` here allocated an iterator on every call
    for (let k = 0; k < cgs.length; k++) {
      const cg = cgs[k]!;
      const before = counts[cg]!;
      counts[cg] = before + sign;
      if ((before === 0 && sign === 1) || (before === 1 && sign === -1)) {
        this.distinct[o.client]! += sign;
        this.distinctWeighted += sign * this.weight[o.client]!;
      }
    }
  }

  place(o: Occurrence, cgs: readonly number[], start: number): void {
    this.state.place(cgs, o, start);
    this.account(o, cgs, 1);
    this.journal.push({ placed: true, o, cgs: [...cgs], start });
  }

  remove(o: Occurrence): void {
    const cgs = [...this.state.assigned[o.index]!];
    const start = this.state.start[o.index]!;
    this.state.remove(o);
    this.account(o, cgs, -1);
    this.journal.push({ placed: false, o, cgs, start });
  }

  /** Inserts with the given caregiver order, recording the move. */
  insert(o: Occurrence, ordered: Iterable<number>, fixed: number[] = []): boolean {
    return insertOccurrence(this.state, o, ordered, fixed, (occ, cgs, start) => this.place(occ, cgs, start));
  }

  undoTo(mark: number): void {
    while (this.journal.length > mark) {
      const e = this.journal.pop()!;
      if (e.placed) {
        this.state.remove(e.o);
        this.account(e.o, e.cgs, -1);
      } else {
        this.state.place(e.cgs, e.o, e.start);
        this.account(e.o, e.cgs, 1);
      }
    }
  }

  /** What placing a one-caregiver visit with `cg` adds to the objective beyond the count of faces: her extra drive and the preference cost. */
  choiceCost(o: Occurrence, cg: number, travelMinutes: number): number {
    return this.travelCost * travelMinutes + this.preference(o, [cg]);
  }

  /** Makes the recorded changes again, in order (after undoTo), recording them anew. */
  replay(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      if (e.placed) this.place(e.o, e.cgs, e.start);
      else this.remove(e.o);
    }
  }

  /** route travel: the caregivers' worked minutes less the visits themselves */
  travelMinutes(): number {
    let worked = 0;
    for (const w of this.state.worked) worked += w;
    return worked - this.visitMinutes;
  }

  /**
   * The least the objective can end at once the visits a move has lifted (`unassigned` above
   * `before`) are placed again: placing never lowers a term (a face, a preference; a detour is
   * never negative, travel being a distance rounded up, which keeps the triangle inequality).
   */
  floorAfterPlacing(before: number): number {
    return this.objective() - W_UNASSIGNED * Math.max(0, this.unassigned - before);
  }

  objective(): number {
    return W_UNASSIGNED * this.unassigned + this.distinctWeighted + this.prefCost + this.travelCost * this.travelMinutes();
  }
}
