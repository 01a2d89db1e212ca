import type { LocalDay } from "../common/time.js";
import type { Caregiver, Occurrence, Roster } from "./model.js";
import { TravelMatrix } from "./travel.js";

/**
 * Lookups over a normalized roster, built once per roster object: a roster is never changed after
 * normalization, and the API checks schedule after schedule against one roster (issue #19: building
 * these maps again for every validate or score was a fifth of a small check's time). Kept in a
 * WeakMap, so an index goes with its roster.
 */
export interface RosterIndex {
  occurrenceByKey: ReadonlyMap<string, Occurrence>;
  /** the occurrence of a client's visit on a date, looked up by its three parts (no key string built and hashed: twice as fast) */
  occurrenceOf(client: string, visit: string, date: string): Occurrence | undefined;
  caregiverById: ReadonlyMap<string, Caregiver>;
  clientIndexById: ReadonlyMap<string, number>;
  dayByDate: ReadonlyMap<string, LocalDay>;
  /** the lazily filled travel table (each row computed when first asked for) */
  travel: TravelMatrix;
}

const indexes = new WeakMap<Roster, RosterIndex>();

export function rosterIndex(roster: Roster): RosterIndex {
  let index = indexes.get(roster);
  if (!index) {
    const byParts = new Map<string, Map<string, Map<string, Occurrence>>>();
    for (const o of roster.occurrences) {
      const client = roster.clients[o.client]!.id;
      let visits = byParts.get(client);
      if (!visits) byParts.set(client, (visits = new Map()));
      let dates = visits.get(o.visitId);
      if (!dates) visits.set(o.visitId, (dates = new Map()));
      dates.set(o.date, o);
    }
    index = {
      occurrenceByKey: new Map(roster.occurrences.map((o) => [o.key, o])),
      occurrenceOf: (client, visit, date) => byParts.get(client)?.get(visit)?.get(date),
      caregiverById: new Map(roster.caregivers.map((c) => [c.id, c])),
      clientIndexById: new Map(roster.clients.map((c) => [c.id, c.index])),
      dayByDate: new Map(roster.days.map((d) => [d.date, d])),
      travel: new TravelMatrix(roster.clients, roster.travel),
    };
    indexes.set(roster, index);
  }
  return index;
}
