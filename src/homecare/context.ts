import type { Assignment, Caregiver, Occurrence, Roster, Schedule } from "./model.js";
import { occurrenceKey } from "./model.js";
import { caregiverStops, type Stop } from "./timeline.js";
import { TravelMatrix } from "./travel.js";

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
  occurrenceByKey: Map<string, Occurrence>;
  stops: Stop[][];
}

export function buildContext(roster: Roster, schedule: Schedule, travel?: TravelMatrix): ValidationContext {
  const occurrenceByKey = new Map(roster.occurrences.map((o) => [o.key, o]));
  const cgById = new Map(roster.caregivers.map((c) => [c.id, c]));
  const resolved = schedule.assignments.map((a) => {
    const key = occurrenceKey(a.client, a.visit, a.date);
    const occurrence = occurrenceByKey.get(key);
    return {
      assignment: a,
      key,
      ...(occurrence ? { occurrence } : {}),
      caregivers: a.caregivers.map((id) => cgById.get(id)),
      starts: a.caregivers.map((_, k) => a.caregiverStarts?.[k] ?? a.start),
      ends: a.caregivers.map((_, k) => a.caregiverEnds?.[k] ?? (a.caregiverStarts?.[k] ?? a.start) + (a.end - a.start)),
    };
  });
  return {
    roster,
    schedule,
    travel: travel ?? new TravelMatrix(roster.clients, roster.travel),
    resolved,
    occurrenceByKey,
    stops: caregiverStops(roster, schedule),
  };
}
