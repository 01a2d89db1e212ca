import type { Occurrence, Roster, Schedule } from "../../src/homecare/model.js";
import { localTime } from "../../src/homecare/clock.js";
import { mayServe, qualified } from "../../src/homecare/rules.js";
import { TravelMatrix } from "../../src/homecare/travel.js";
import { InputError } from "../../src/common/errors.js";
import { absToIso } from "../../src/common/time.js";
import { blockingStops, describeObstacle, obstacleFor, stateOfSchedule } from "./why-not.js";

/**
 * The scheduler's questions of a valid schedule, answered with the solver's own insertion checks:
 * why a client meets the people it meets (explain), and who could take a visit now (recommend).
 */

/** The main team: the fewest caregivers who together do this share of the client's visits. */
const TEAM_SHARE = 0.75;

export interface Explanation {
  client: string;
  visits: number;
  caregivers: { caregiver: string; visits: number; team: boolean; contactPerson: boolean }[];
  /** visits done by someone outside the team, and what stops each team member */
  outsideTeam: { occurrence: string; start: string; by: string[]; team: { caregiver: string; reason: string }[] }[];
  unassigned: { occurrence: string; reason: string; close: { caregiver: string; reason: string }[] }[];
}

function occurrenceByKey(roster: Roster, key: string, path: string): Occurrence {
  const o = roster.occurrences.find((x) => x.key === key);
  if (o) return o;
  const why = roster.awayKeys.has(key) ? "the client is away that day" : "no such occurrence in the roster (CLIENT/VISIT/DATE)";
  throw new InputError([{ path, message: `${key}: ${why}` }]);
}

export function explainClient(roster: Roster, schedule: Schedule, clientId: string): Explanation {
  const client = roster.clients.find((c) => c.id === clientId);
  if (!client) throw new InputError([{ path: "client", message: `unknown client "${clientId}"` }]);
  const state = stateOfSchedule(roster, schedule, new TravelMatrix(roster.clients, roster.travel));
  const mine = roster.occurrences.filter((o) => o.client === client.index);
  const counts = new Map<number, number>();
  for (const o of mine) for (const cg of state.assigned[o.index]!) counts.set(cg, (counts.get(cg) ?? 0) + 1);
  const order = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const slots = order.reduce((s, [, n]) => s + n, 0);
  const team = new Set<number>();
  let covered = 0;
  for (const [cg, n] of order) {
    if (covered >= TEAM_SHARE * slots) break;
    team.add(cg);
    covered += n;
  }
  const id = (cg: number) => roster.caregivers[cg]!.id;
  const why = (cg: number, o: Occurrence) => {
    const ob = obstacleFor(state, cg, o);
    return ob ? describeObstacle(roster, state, ob) : "free: could take it as the schedule stands";
  };
  const outsideTeam: Explanation["outsideTeam"] = [];
  const unassigned: Explanation["unassigned"] = [];
  for (const o of mine) {
    const by = state.assigned[o.index]!;
    if (!by.length) {
      const all = roster.caregivers.map((c) => ({ cg: c.index, ob: obstacleFor(state, c.index, o) }));
      // who came close: qualified and on shift, stopped by other visits, hours or the break
      let close = all.filter((x) => x.ob && ["busy", "maxMinutes", "break", "minGapAfter"].includes(x.ob.kind));
      if (!close.length) close = all.filter((x) => x.ob?.kind === "offShift").slice(0, 5);
      unassigned.push({
        occurrence: o.key,
        reason: schedule.unassigned.find((u) => u.client === client.id && u.visit === o.visitId && u.date === o.date)?.reason ?? "not planned",
        close: close.map((x) => ({ caregiver: id(x.cg), reason: x.ob ? describeObstacle(roster, state, x.ob) : "free" })),
      });
      continue;
    }
    if (by.every((cg) => team.has(cg))) continue;
    outsideTeam.push({
      occurrence: o.key,
      start: localTime(roster, state.start[o.index]!),
      by: by.map(id),
      team: [...team].filter((cg) => !by.includes(cg)).map((cg) => ({ caregiver: id(cg), reason: why(cg, o) })),
    });
  }
  return {
    client: client.id,
    visits: mine.length,
    caregivers: order.map(([cg, n]) => ({ caregiver: id(cg), visits: n, team: team.has(cg), contactPerson: client.contactPerson === cg })),
    outsideTeam,
    unassigned,
  };
}

export interface Recommendation {
  caregivers: string[];
  start: string;
  /** change in the distinct caregivers the client meets over the period */
  distinctChange: number;
  travelChange: number;
  /** other visits that would move to make room: occurrence, from, to */
  moves: { occurrence: string; from: string[]; to: string[] }[];
  /** the option applied: every occurrence it places, with its caregivers and start (ISO-8601) */
  placements: { occurrence: string; caregivers: string[]; start: string }[];
}

/** Visits of the caregiver that an ejection may move to make room: as in re-planning, one or two. */
const MOVES_MAX = 2;

export function recommend(roster: Roster, schedule: Schedule, key: string, top = 5): { occurrence: string; current: string[]; options: Recommendation[] } {
  const o = occurrenceByKey(roster, key, "visit");
  const state = stateOfSchedule(roster, schedule, new TravelMatrix(roster.clients, roster.travel));
  const met = new Map<number, number>();
  for (const x of roster.occurrences) if (x.client === o.client) for (const cg of state.assigned[x.index]!) met.set(cg, (met.get(cg) ?? 0) + 1);
  const current = [...state.assigned[o.index]!];
  const metCache = new Map<number, Set<number>>();
  const byClient = new Map<number, Occurrence[]>();
  for (const x of roster.occurrences) {
    const list = byClient.get(x.client);
    if (list) list.push(x);
    else byClient.set(x.client, [x]);
  }
  const currentStart = state.start[o.index]!;
  const routeMinutes = (cgs: number[]) => cgs.reduce((s, cg) => s + state.worked[cg]!, 0);
  const before = routeMinutes(roster.caregivers.map((c) => c.index));
  if (current.length) state.remove(o);
  const id = (cg: number) => roster.caregivers[cg]!.id;
  const options: Recommendation[] = [];
  const distinct = (team: number[]) =>
    team.filter((cg) => !met.has(cg)).length - current.filter((cg) => met.get(cg) === 1 && !team.includes(cg)).length;

  for (const c of roster.caregivers) {
    if (current.includes(c.index) || !qualified(roster, c, o)) continue;
    // dubbelbemanning: the candidate beside each one of the pair in turn (or anyone free, if none is planned)
    const partners = o.staff === 1 ? [[]] : current.length ? current.map((p) => [p]) : roster.caregivers.filter((p) => p.index !== c.index && qualified(roster, p, o)).map((p) => [p.index]);
    let found = false;
    for (const partner of partners) {
      const team = [...partner, c.index];
      const start = state.findStart(team, o, currentStart >= 0 ? currentStart : undefined);
      if (start === null) continue;
      state.place(team, o, start);
      options.push({ caregivers: team.map(id), start: localTime(roster, start), distinctChange: distinct(team), travelChange: travelDelta(), moves: [], placements: [placement(o, team, start)] });
      state.remove(o);
      found = true;
      break;
    }
    if (found || o.staff === 2) continue;
    const withMoves = tryWithMoves(c.index);
    if (withMoves) options.push(withMoves);
  }
  if (current.length) state.place(current, o, currentStart);
  // the re-planning objective's order: new faces first, then other visits moved, then travel
  options.sort((a, b) => a.distinctChange - b.distinctChange || a.moves.length - b.moves.length || a.travelChange - b.travelChange || a.caregivers.join().localeCompare(b.caregivers.join()));
  return { occurrence: o.key, current: current.map(id), options: options.slice(0, top) };

  function placement(x: Occurrence, team: number[], start: number) {
    return { occurrence: x.key, caregivers: team.map(id), start: absToIso(start, roster.zone) };
  }

  /** Who each client meets, worked out once per call: the moves prefer them. */
  function metBy(client: number): Set<number> {
    let set = metCache.get(client);
    if (!set) {
      set = new Set(byClient.get(client)?.flatMap((x) => state.assigned[x.index]!) ?? []);
      metCache.set(client, set);
    }
    return set;
  }

  /** Travel minutes the whole schedule gains (visit minutes cancel out: the same visits are done). */
  function travelDelta(): number {
    // an occurrence that was unassigned adds its visit minutes too: those are not travel
    return routeMinutes(roster.caregivers.map((c) => c.index)) - before - (current.length ? 0 : o.duration * o.staff);
  }

  /** The candidate takes the visit once her visits in the way go to others who can take them; undone after. */
  function tryWithMoves(cg: number): Recommendation | null {
    const ob = obstacleFor(state, cg, o);
    if (!ob || ob.kind !== "busy") return null;
    const blockers = blockingStops(state, cg, o).map((s) => roster.occurrences[s.occurrence]!);
    if (!blockers.length || blockers.length > MOVES_MAX || blockers.some((b) => b.staff === 2)) return null;
    const saved = blockers.map((b) => ({ b, cgs: [...state.assigned[b.index]!], start: state.start[b.index]! }));
    for (const b of blockers) state.remove(b);
    const undo: Occurrence[] = [];
    let result: Recommendation | null = null;
    const start = state.findStart([cg], o, currentStart >= 0 ? currentStart : undefined);
    if (start !== null) {
      state.place([cg], o, start);
      undo.push(o);
      const moves: Recommendation["moves"] = [];
      const placements = [placement(o, [cg], start)];
      for (const s of saved) {
        const knownTo = metBy(s.b.client);
        let best: { to: number; start: number; rank: number } | null = null;
        for (const other of roster.caregivers) {
          if (other.index === cg || !mayServe(roster, other, s.b)) continue;
          const ins = state.cheapestInsertion(other.index, s.b);
          if (!ins) continue;
          const rank = (knownTo.has(other.index) ? 0 : 100_000) + ins.travel;
          if (!best || rank < best.rank) best = { to: other.index, start: ins.start, rank };
        }
        if (!best) break;
        state.place([best.to], s.b, best.start);
        undo.push(s.b);
        moves.push({ occurrence: s.b.key, from: s.cgs.map(id), to: [id(best.to)] });
        placements.push(placement(s.b, [best.to], best.start));
      }
      if (moves.length === saved.length) result = { caregivers: [id(cg)], start: localTime(roster, start), distinctChange: distinct([cg]), travelChange: travelDelta(), moves, placements };
    }
    for (const u of undo) state.remove(u);
    for (const s of saved) state.place(s.cgs, s.b, s.start);
    return result;
  }
}
