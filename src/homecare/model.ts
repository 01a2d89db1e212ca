import type { LocalDay } from "../common/time.js";

/**
 * The normalized roster: every time an absolute minute (minutes since the Unix epoch), every
 * reference an index. Built once by `normalizeRoster`; the solver, validator and metrics read only this.
 */

export interface TravelSettings {
  speedKmh: number;
  detourFactor: number;
  minMinutes: number;
}

export interface ShiftBreak {
  minutes: number;
  /** the break starts within [earliest, latest] (absolute minutes) */
  earliest: number;
  latest: number;
}

export interface Shift {
  date: string;
  start: number;
  end: number;
  break?: ShiftBreak;
}

export interface Caregiver {
  index: number;
  id: string;
  name?: string;
  skills: Set<string>;
  languages: Set<string>;
  maxMinutes?: number;
  shifts: Shift[]; // sorted by start
}

export type VisitKind = "care" | "alarm" | "meal-delivery";

export interface Client {
  index: number;
  id: string;
  lat: number;
  lon: number;
  contactPerson?: number;
  preferred: number[];
  excluded: Set<number>;
  language?: string;
  birthYear?: number;
  awayDates: Set<string>;
  visitIds: string[];
}

export interface Occurrence {
  index: number;
  /** `client/visit/date` */
  key: string;
  client: number;
  visitId: string;
  date: string;
  day: number; // index into Roster.days
  earliest: number; // earliest start
  latest: number; // latest start
  duration: number;
  staff: 1 | 2;
  skills: string[];
  kind: VisitKind;
  /** start at least `minutes` after the start of occurrence `occurrence` (same client, same day) */
  gapAfter?: { occurrence: number; minutes: number };
  /** Kolada's day window of this occurrence's date: [07:00, 22:00] local, absolute */
  koladaFrom: number;
  koladaTo: number;
}

export interface Pin {
  occurrence: number;
  caregivers: number[];
}

export interface Roster {
  name: string;
  zone: string;
  /** the period's local days, plus one more at the end for shifts and visits that run past midnight */
  days: LocalDay[];
  periodDays: number;
  travel: TravelSettings;
  caregivers: Caregiver[];
  clients: Client[];
  occurrences: Occurrence[];
  /** occurrences skipped because the client is away, by key (for clear messages) */
  awayKeys: Set<string>;
  pins: Pin[];
}

/** A schedule in absolute minutes: what the validator, metrics and writers read. */
export interface Assignment {
  client: string;
  visit: string;
  date: string;
  start: number;
  end: number;
  caregivers: string[];
  /** only from CSV: each caregiver's own start and end when the rows disagree (dubbelbemanning) */
  caregiverStarts?: number[];
  caregiverEnds?: number[];
}

export interface Unassigned {
  client: string;
  visit: string;
  date: string;
  reason: string;
}

export interface Schedule {
  roster?: string;
  assignments: Assignment[];
  unassigned: Unassigned[];
}

export const occurrenceKey = (client: string, visit: string, date: string): string => `${client}/${visit}/${date}`;
