import type { Occurrence, Roster } from "../../src/homecare/model.js";
import type { Plan } from "./plan.js";
import type { TeamFirst } from "./ranking.js";

/**
 * Minutes around a visit's window in which a busy team member's other visits are ejected (at most
 * three): at the peaks a caregiver's visits run back to back, and a wider margin reached three
 * visits before the one in the way (80 clients: 5.23 at 30 minutes against 5.35 at 90).
 */
const EJECT_MARGIN = 30;
/** The most visits one ejection lifts out of a team member's route. */
const EJECT_AT_MOST = 3;
/** How many of the caregivers who could do most of a consolidation's visits it draws its taker from. */
const CONSOLIDATE_TAKERS = 3;
/** Caregivers outside the client's team a re-route also tries for a visit Kolada does not count. */
const REROUTE_OTHERS = 4;
/**
 * How many of a client's nearest clients a hand-over looks at for a caregiver who already drives
 * past: the few next door, where taking the client on costs a route a few minutes.
 */
const HAND_OVER_NEAR = 6;

/**
 * The search's moves on a plan. Each lifts some of a client's visits and places them again through
 * exact insertions (routes.ts), so a move never breaks a hard rule; the caller keeps or undoes it
 * through the plan's journal.
 */
export class Moves {
  private readonly clientOccurrences: Occurrence[][];
  private readonly tally: Int32Array;
  /** each client's nearest other clients by drive, nearest first (hand-over) */
  private readonly nearest: Int32Array[];
  /**
   * The objective the current move must end below to be kept (the search's acceptance draw, made
   * before the move), and the unassigned count before it; Infinity outside a move (a repair).
   */
  ceiling = Infinity;
  unassignedBefore = 0;

  constructor(
    private readonly roster: Roster,
    private readonly plan: Plan,
    private readonly ranking: TeamFirst,
    private readonly candidates: (o: Occurrence) => number[],
    private readonly pinned: Map<number, number[]>,
    private readonly random: () => number,
  ) {
    this.clientOccurrences = roster.clients.map(() => [] as Occurrence[]);
    for (const o of roster.occurrences) this.clientOccurrences[o.client]!.push(o);
    this.tally = new Int32Array(roster.caregivers.length);
    const travel = plan.state.travel;
    const others = roster.clients.map((c) => c.index);
    this.nearest = roster.clients.map((c) =>
      Int32Array.from(
        others
          .filter((d) => d !== c.index)
          .sort((a, b) => travel.between(c.index, a) - travel.between(c.index, b) || a - b)
          .slice(0, HAND_OVER_NEAR),
      ),
    );
  }

  /**
   * Places `o` with whichever of the client's current caregivers (not `avoid`) it costs least
   * with, drive and preference together, at her cheapest gap: any of them keeps the client's count
   * of faces. Else with the team-first order (the caregiver `avoid` last). The first feasible
   * caregiver in the team-first order (the one who already does most of the client's visits) drove
   * 20-25 % more on the outside districts 101 / 102 (20 s, seeds 1 and 2; U21401 / travel: 8.25 /
   * 15,447, 8.36 / 15,175 and 7.23 / 13,351, 7.09 / 12,673 against 8.29 / 12,613, 8.25 / 12,900
   * and 7.13 / 10,932, 7.00 / 10,999 with the drive alone, which also halved the kontaktperson's
   * visits: hence the preference).
   */
  reinsert(o: Occurrence, avoid = -1): boolean {
    const { plan } = this;
    if (o.staff === 1 && !this.pinned.has(o.index)) {
      const counts = plan.counts[o.client]!;
      let best = -1;
      let bestStart = 0;
      let bestCost = Infinity;
      const candidates = this.candidates(o);
      for (let k = 0; k < candidates.length; k++) {
        const cg = candidates[k]!;
        if (cg === avoid || counts[cg]! === 0) continue;
        const there = plan.state.cheapestInsertion(cg, o);
        if (!there) continue;
        const cost = plan.choiceCost(o, cg, there.travel);
        if (best < 0 || cost < bestCost) {
          best = cg;
          bestStart = there.start;
          bestCost = cost;
        }
      }
      if (best >= 0) {
        plan.place(o, [best], bestStart);
        return true;
      }
      // Only a new face is left for the visit, and the move can no longer be kept with one: stop
      // it here. Looking through everyone else for the new face was a quarter of the 300-client
      // district's search, on moves the acceptance then turned down.
      if (o.kind === "care" && (avoid < 0 || counts[avoid]! === 0) && plan.floorAfterPlacing(this.unassignedBefore) + plan.weight[o.client]! >= this.ceiling) return false;
    }
    return plan.insert(o, this.ranking.order(o, this.candidates(o), avoid), this.pinned.get(o.index) ?? []);
  }

  /** Places `o` with team member `cg` by ejecting the visits in its way, then re-placing those. */
  ejectInto(o: Occurrence, cg: number): boolean {
    const { plan, pinned } = this;
    const list = plan.state.stops[cg]!;
    const from = o.earliest - EJECT_MARGIN;
    const to = o.latest + o.duration + EJECT_MARGIN;
    const blocking = list.filter((s) => s.end > from && s.start < to && !pinned.has(s.occurrence)).map((s) => this.roster.occurrences[s.occurrence]!);
    if (!blocking.length || blocking.length > EJECT_AT_MOST) return false;
    for (const b of blocking) plan.remove(b);
    if (!plan.insert(o, [cg], pinned.get(o.index) ?? [])) return false;
    for (const b of blocking) if (!this.reinsert(b)) return false;
    return true;
  }

  /** Repair: each unassigned occurrence tries every eligible caregiver, ejecting what is in the way; keeps what lowers the objective. */
  repair(): void {
    const { plan } = this;
    // a repair is no move: it keeps whatever lowers the objective
    this.ceiling = Infinity;
    for (const o of this.roster.occurrences) {
      if (plan.state.start[o.index]! >= 0) continue;
      const before = plan.objective();
      for (const cg of this.ranking.order(o, this.candidates(o))) {
        const mark = plan.journal.length;
        if ((o.staff === 1 ? this.ejectInto(o, cg) : this.reinsert(o)) && plan.objective() < before) break;
        plan.undoTo(mark);
      }
      plan.journal = [];
    }
  }

  /** Places the moved visits: each with `first` when given, else the team (ejecting what is in the way), else anyone. */
  private placeMoved(c: number, moving: Occurrence[], team: number[], avoid: number, first: number | null): boolean {
    const { plan, pinned } = this;
    const { state } = plan;
    const counts = plan.counts[c]!;
    for (const o of moving) {
      if (first !== null && state.eligible(first, o)) {
        const inner = plan.journal.length;
        if (o.staff === 1 ? this.ejectInto(o, first) : plan.insert(o, firstThen(first, this.ranking.order(o, this.candidates(o), avoid)), pinned.get(o.index) ?? [])) continue;
        plan.undoTo(inner);
      }
      if (this.reinsert(o, avoid)) continue;
      const members = team.filter((cg) => cg !== avoid && state.eligible(cg, o)).sort((a, b) => counts[b]! - counts[a]!);
      let placed = false;
      for (const cg of members.slice(0, 3)) {
        const inner = plan.journal.length;
        if (this.ejectInto(o, cg)) {
          placed = true;
          break;
        }
        plan.undoTo(inner);
      }
      // Left out: the move fails, and is undone whole, so the rest of its visits need not be placed
      // first (placing them was two fifths of the 1,000-client district's consolidations). A last
      // reinsert(o) here, the caregiver `avoid` allowed, found nothing either: reinsert(o, avoid)
      // tried her too (last), unless she no longer serves the client and the move was past its
      // ceiling with a new face, which reinsert(o) would be again (a test checks it).
      if (!placed) return false;
    }
    return true;
  }

  /**
   * One of the client's visits drawn at random, if a travel move may move it: placed, one
   * caregiver, not pinned, and not the kontaktperson's (the kontaktperson comes first: a travel
   * move never takes a visit from them).
   */
  private movableVisit(c: number): Occurrence | null {
    const mine = this.clientOccurrences[c]!;
    if (!mine.length) return null;
    const o = mine[Math.floor(this.random() * mine.length)]!;
    const { state } = this.plan;
    if (o.staff !== 1 || this.pinned.has(o.index) || state.start[o.index]! < 0) return null;
    return state.assigned[o.index]![0] === this.roster.clients[c]!.contactPerson ? null : o;
  }

  /**
   * Re-route: one visit of the client goes to whichever caregiver adds the least travel among those
   * who already serve the client (for a visit Kolada does not count, a meal or an alarm, also a few
   * others who could): the client's continuity stays, the routes get shorter. Without this move
   * the search had nothing that shortens a route (issue #15).
   */
  reroute(c: number): boolean {
    const { plan } = this;
    const { state } = plan;
    const o = this.movableVisit(c);
    if (!o) return false;
    const from = state.assigned[o.index]![0]!;
    const counts = plan.counts[c]!;
    const all = this.candidates(o);
    const members = all.filter((cg) => cg !== from && counts[cg]! > 0);
    if (o.kind !== "care") for (let k = 0; k < REROUTE_OTHERS && all.length; k++) members.push(all[Math.floor(this.random() * all.length)]!);
    if (!members.length) return false;
    plan.remove(o);
    // cheapest insertion over the caregiver it had and the client's other caregivers
    let best = from;
    let at = state.cheapestInsertion(from, o);
    for (const cg of members) {
      if (cg === from) continue;
      const there = state.cheapestInsertion(cg, o);
      if (there && (!at || there.travel < at.travel || (there.travel === at.travel && cg < best))) {
        best = cg;
        at = there;
      }
    }
    if (!at) return false;
    plan.place(o, [best], at.start);
    return true;
  }

  /**
   * The visits `o` (with caregiver `a`) may swap with: near it in time, of another caregiver who
   * serves o's client, one caregiver, not pinned, of a client `a` already serves.
   */
  private swapOptions(o: Occurrence, a: number): Occurrence[] {
    const { plan, pinned, roster } = this;
    const { state } = plan;
    const counts = plan.counts[o.client]!;
    const from = o.earliest - EJECT_MARGIN;
    const to = o.latest + o.duration + EJECT_MARGIN;
    const options: Occurrence[] = [];
    for (const b of this.candidates(o)) {
      if (b === a || counts[b]! === 0) continue;
      for (const s of state.stops[b]!) {
        if (s.end <= from || s.start >= to || pinned.has(s.occurrence)) continue;
        const p = roster.occurrences[s.occurrence]!;
        if (p.staff === 1 && p.client !== o.client && plan.counts[p.client]![a]! > 0 && state.eligible(a, p)) options.push(p);
      }
    }
    return options;
  }

  /**
   * Swap: one of the client's visits and a visit near it in time of another caregiver who serves
   * the client change hands, where each caregiver already serves the other's client: continuity
   * stays, and each takes the visit nearer its route. Re-routing alone cannot do this when the two
   * visits are in each other's way.
   */
  swap(c: number): boolean {
    const { plan } = this;
    const { state } = plan;
    const o = this.movableVisit(c);
    if (!o) return false;
    const a = state.assigned[o.index]![0]!;
    const options = this.swapOptions(o, a);
    if (!options.length) return false;
    const p = options[Math.floor(this.random() * options.length)]!;
    const b = state.assigned[p.index]![0]!;
    plan.remove(o);
    plan.remove(p);
    return plan.insert(o, [b]) && plan.insert(p, [a]);
  }

  /**
   * Hand over: every visit a client has with one of its caregivers (not the kontaktperson) goes to a
   * caregiver who serves one of its nearest clients, each at the gap of her route where it adds
   * least drive. The client's count of faces stays (one for one) or falls (she was already one of
   * them), while whole routes change: the move that lets geography and teams go together, where
   * re-routing one visit at a time would have to pass through a new face first.
   */
  handOver(c: number): boolean {
    const contact = this.roster.clients[c]!.contactPerson;
    const near = this.nearest[c]!;
    if (!near.length) return false;
    const neighbour = near[Math.floor(this.random() * near.length)]!;
    const takers = this.caregiversOf(neighbour, contact);
    const team = this.caregiversOf(c, contact);
    if (!takers.length || !team.length) return false;
    const from = team[Math.floor(this.random() * team.length)]!;
    const taker = takers[Math.floor(this.random() * takers.length)]!;
    return this.handOverTo(c, from, taker);
  }

  /** Who does client `c`'s care visits now (Plan.counts), but `except`, by index. */
  private caregiversOf(c: number, except: number | undefined): number[] {
    const counts = this.plan.counts[c]!;
    const out: number[] = [];
    for (let cg = 0; cg < counts.length; cg++) if (counts[cg]! > 0 && cg !== except) out.push(cg);
    return out;
  }

  /** The hand-over of every visit client `c` has with `from` to `taker`, each at her cheapest gap (else where reinsert puts it). */
  private handOverTo(c: number, from: number, taker: number): boolean {
    const { plan, pinned } = this;
    const { state } = plan;
    if (taker === from) return false;
    const moving = this.clientOccurrences[c]!.filter((o) => o.staff === 1 && !pinned.has(o.index) && state.assigned[o.index]![0] === from);
    if (!moving.length) return false;
    for (const o of moving) plan.remove(o);
    for (const o of moving) {
      const at = state.eligible(taker, o) ? state.cheapestInsertion(taker, o) : null;
      if (at) plan.place(o, [taker], at.start);
      else if (!this.reinsert(o)) return false;
    }
    return true;
  }

  /**
   * The hand-over move as a descent: for every client, each of its caregivers but the
   * kontaktperson to each caregiver of its nearest clients (handOver's takers), kept when the
   * objective falls. The search draws these at random, and on a large district it ends before it
   * has drawn most of them: on district-1000 (bench, 300 s) this took the drive from 104,593 to
   * 104,235 minutes in about 11 s; on the 80- and 300-client districts, whose searches draw each
   * many times, 9-124 minutes. Returns the objective's fall.
   */
  handOverPolish(deadline: number): number {
    const { plan, roster } = this;
    const first = plan.objective();
    for (let c = 0; c < roster.clients.length && Date.now() <= deadline; c++) this.handOverPolishClient(c);
    return first - plan.objective();
  }

  /** The hand-over polish of one client: its caregivers (not the kontaktperson) to its nearest clients' caregivers, each kept when the objective falls. */
  handOverPolishClient(c: number): void {
    const { plan, roster } = this;
    const contact = roster.clients[c]!.contactPerson;
    const takers = new Set<number>();
    for (const d of this.nearest[c]!) for (const cg of this.caregiversOf(d, contact)) takers.add(cg);
    for (const from of this.caregiversOf(c, contact))
      for (const taker of takers) {
        this.keptIfLower(() => this.handOverTo(c, from, taker));
        plan.journal = [];
      }
  }

  /**
   * Makes a move of the polish and keeps it only if it lowers the objective (else undoes it):
   * the ceiling is where it started, so the early rejection of the search's moves applies.
   */
  private keptIfLower(move: () => boolean): boolean {
    const { plan } = this;
    const was = plan.objective();
    const mark = plan.journal.length;
    this.ceiling = was;
    this.unassignedBefore = plan.unassigned;
    const kept = move() && plan.objective() < was - 1e-9;
    this.ceiling = Infinity;
    if (!kept) plan.undoTo(mark);
    return kept;
  }

  /**
   * Polish: a descent over the travel moves with every visit in turn, where the search draws them
   * at random. Each one-caregiver visit goes to the caregiver of the client (its own included, so a
   * kontaktperson's visit may move within her route; anyone for a visit Kolada does not count) at
   * whose cheapest gap the objective is lowest, then tries the swaps of Moves.swap, the first that
   * lowers the objective kept. Returns the objective's fall.
   */
  polish(deadline: number): number {
    const { plan, roster } = this;
    const before = plan.objective();
    for (const o of roster.occurrences) {
      if ((o.index & 255) === 0 && Date.now() > deadline) break;
      this.polishVisit(o);
    }
    return before - plan.objective();
  }

  /** The polish of one visit (one caregiver, placed, not pinned; others are left as they are). */
  polishVisit(o: Occurrence): void {
    const { plan } = this;
    if (o.staff !== 1 || this.pinned.has(o.index) || plan.state.start[o.index]! < 0) return;
    this.replaceCheapest(o);
    this.swapCheapest(o);
    plan.journal = [];
  }

  /** Lifts `o` and places it where the objective ends lowest among the client's caregivers (anyone's for a visit Kolada does not count). */
  private replaceCheapest(o: Occurrence): void {
    const { plan } = this;
    const { state } = plan;
    const from = state.assigned[o.index]![0]!;
    let bestStart = state.start[o.index]!;
    plan.remove(o);
    const counts = plan.counts[o.client]!;
    const care = o.kind === "care";
    const cost = (cg: number, travel: number) => plan.choiceCost(o, cg, travel) + (care && counts[cg]! === 0 ? plan.weight[o.client]! : 0);
    let best = from;
    // the gap it leaves is open again, but cheapestInsertion tries only a few starts in each gap:
    // when none keeps the break, the visit goes back to the start it had
    const here = state.cheapestInsertion(from, o);
    let bestCost = here ? cost(from, here.travel) : Infinity;
    if (here) bestStart = here.start;
    for (const cg of this.candidates(o)) {
      if (cg === from || (care && counts[cg]! === 0)) continue;
      const there = state.cheapestInsertion(cg, o);
      if (!there) continue;
      const c = cost(cg, there.travel);
      if (c < bestCost - 1e-9) {
        best = cg;
        bestStart = there.start;
        bestCost = c;
      }
    }
    plan.place(o, [best], bestStart);
  }

  /** Moves.swap's exchanges for `o`, tried in turn: the first that lowers the objective is kept. */
  private swapCheapest(o: Occurrence): void {
    const { plan } = this;
    const { state } = plan;
    const a = state.assigned[o.index]![0]!;
    for (const p of this.swapOptions(o, a)) {
      const b = state.assigned[p.index]![0]!;
      const exchange = () => {
        plan.remove(o);
        plan.remove(p);
        return plan.insert(o, [b]) && plan.insert(p, [a]);
      };
      if (this.keptIfLower(exchange)) return;
    }
  }

  /** Drop one: takes one of the client's two least-used caregivers away and gives those visits to the rest of its team. */
  dropOne(c: number, team: number[]): boolean {
    const { state } = this.plan;
    const victim = team[Math.floor(this.random() * Math.min(2, team.length))]!;
    const moving = this.clientOccurrences[c]!.filter((o) => state.assigned[o.index]!.includes(victim) && !this.pinned.has(o.index));
    for (const o of moving) this.plan.remove(o);
    return this.placeMoved(c, moving, team, victim, null);
  }

  /**
   * Consolidate: takes the client's two or three least-used caregivers away and gives their visits to
   * the one caregiver who could do most of them: the one-off helpers of a client are often at times no
   * team member works (a weekend, an evening), where one new caregiver can replace several.
   */
  consolidate(c: number, team: number[]): boolean {
    const { plan, tally } = this;
    const { state } = plan;
    const victims = team.slice(0, Math.min(team.length - 1, 2 + Math.floor(this.random() * 2)));
    if (!victims.length) return false;
    const moving = this.clientOccurrences[c]!.filter((o) => !this.pinned.has(o.index) && state.assigned[o.index]!.some((cg) => victims.includes(cg)));
    const touched: number[] = [];
    for (const o of moving)
      for (const cg of this.candidates(o)) {
        if (tally[cg]!++ === 0) touched.push(cg);
      }
    const counts = plan.counts[c]!;
    // the three who could do most of the moved visits (then who does most of the client's, then by
    // index), picked in one pass: sorting all of them was a twentieth of the 1,000-client search
    const takers: number[] = [];
    for (const cg of touched) {
      if (victims.includes(cg)) continue;
      let at = takers.length;
      while (at > 0 && (tally[cg]! - tally[takers[at - 1]!]! || counts[cg]! - counts[takers[at - 1]!]! || takers[at - 1]! - cg) > 0) at--;
      if (at < CONSOLIDATE_TAKERS) takers.splice(at, 0, cg);
      if (takers.length > CONSOLIDATE_TAKERS) takers.pop();
    }
    for (const cg of touched) tally[cg] = 0;
    if (!takers.length) return false;
    const taker = takers[Math.floor(this.random() * takers.length)]!;
    for (const o of moving) plan.remove(o);
    return this.placeMoved(c, moving, team, victims[0]!, taker);
  }
}

/**
 * `first`, then the rest of `order` without it, drawn as they are asked for: a pair visit's
 * insertion looks only as far down the order as its pairs need (insertOccurrence), so the whole
 * team-first order is not ranked up front.
 */
function* firstThen(first: number, order: Iterable<number>): Generator<number> {
  yield first;
  for (const cg of order) if (cg !== first) yield cg;
}
