import type { Assignment, Caregiver, Occurrence, Roster, Schedule } from "./model.js";
import { occurrenceKey } from "./model.js";
import { caregiverStops, type Stop } from "./timeline.js";
import { rosterIndex } from "./roster-index.js";
import type { TravelMatrix } from "./travel.js";

/** An assignment with its references resolved (undefined where the schedule names something unknown). */
export interface ResolvedAssignment {
  assignment: Assignment;
  key: string;
  occurrence?: Occurrence;
  caregivers: (Caregiver | undefined)[];
  /** each caregiver's start and end (equal to the assignment's, unless CSV rows disagree) */
  starts: number[];
  ends: number[];
}

/** Everything the rules read, resolved once. */
export interface ValidationContext {
  roster: Roster;
  schedule: Schedule;
  travel: TravelMatrix;
  resolved: ResolvedAssignment[];
  occurrenceByKey: ReadonlyMap<string, Occurrence>;
  /** by occurrence index: the first resolved assignment of that occurrence, or -1 (the rules look up by index, not by key) */
  assignmentOf: Int32Array;
  stops: Stop[][];
}

export function buildContext(roster: Roster, schedule: Schedule, travel?: TravelMatrix): ValidationContext {
  const index = rosterIndex(roster);
  // a plain loop: this runs for every assignment of every check the API answers
  const resolved: ResolvedAssignment[] = [];
  const assignmentOf = new Int32Array(roster.occurrences.length).fill(-1);
  for (const a of schedule.assignments) {
    const key = occurrenceKey(a.client, a.visit, a.date);
    const n = a.caregivers.length;
    const caregivers: (Caregiver | undefined)[] = new Array(n);
    const starts: number[] = new Array(n);
    const ends: number[] = new Array(n);
    for (let k = 0; k < n; k++) {
      caregivers[k] = index.caregiverById.get(a.caregivers[k]!);
      starts[k] = a.caregiverStarts?.[k] ?? a.start;
      ends[k] = a.caregiverEnds?.[k] ?? starts[k]! + (a.end - a.start);
    }
    const r: ResolvedAssignment = { assignment: a, key, caregivers, starts, ends };
    const occurrence = index.occurrenceOf(a.client, a.visit, a.date);
    if (occurrence) {
      r.occurrence = occurrence;
      if (assignmentOf[occurrence.index] === -1) assignmentOf[occurrence.index] = resolved.length;
    }
    resolved.push(r);
  }
  return {
    roster,
    schedule,
    travel: travel ?? index.travel,
    resolved,
    occurrenceByKey: index.occurrenceByKey,
    assignmentOf,
    stops: caregiverStops(roster, schedule, resolved.map((r) => r.key)),
  };
}
