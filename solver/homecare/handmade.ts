import type { Roster, Schedule } from "../../src/homecare/model.js";
import { seededRandom, shuffle } from "../../src/common/random.js";
import { TravelMatrix } from "../../src/homecare/travel.js";
import { byDifficulty, construct, toSchedule } from "./construct.js";
import { RouteState } from "./routes.js";

/**
 * A schedule as a planner makes it by hand today: day by day, each visit to whoever is free;
 * with probability `familiar` someone who has already visited the client goes first. Valid,
 * with the continuity real practice shows (about 10-16 distinct staff per counted client).
 */
export function handmadeSchedule(roster: Roster, seed: number, familiar = 0.85): Schedule {
  const random = seededRandom(seed);
  const state = new RouteState(roster, new TravelMatrix(roster.clients, roster.travel));
  const seen = roster.clients.map(() => new Set<number>());
  construct(state, byDifficulty(roster.occurrences), (o, candidates) => {
    const order = shuffle([...candidates], random);
    const known = seen[o.client]!;
    if (random() < familiar) order.sort((a, b) => Number(known.has(b)) - Number(known.has(a)));
    return order;
  }, (o, cgs, start) => {
    state.place(cgs, o, start);
    for (const cg of cgs) seen[o.client]!.add(cg);
  });
  return toSchedule(state);
}
