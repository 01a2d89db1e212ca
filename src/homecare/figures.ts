import type { Occurrence, Roster, Schedule } from "./model.js";
import { caregiverStops, travelOfStops } from "./timeline.js";
import type { TravelMatrix } from "./travel.js";
import { rosterIndex } from "./roster-index.js";

/**
 * Continuity as municipalities report it to Kolada:
 * - U21401: mean number of distinct staff a counted client meets in 14 days,
 * - U21402: the median of the same,
 * - U21436: share (%) of counted clients who meet more than 20.
 * A client is counted when aged 65+ (birth year known, else assumed: see README), with two or
 * more counted visits on every day of the 14-day window, and at home (not away) all of it.
 * Counted visits: care visits (not alarm call-outs or meal deliveries) starting 07:00-22:00.
 */

export const KOLADA_DAYS = 14;
export const KOLADA_MIN_AGE = 65;
export const KOLADA_MANY = 20;

export interface ClientMetrics {
  client: string;
  counted: boolean;
  /** distinct caregivers on the client's counted visits in the measured window */
  distinctStaff: number;
  visits: number;
  /** share of the client's assigned visits that the kontaktperson carries out; null without one */
  contactPersonShare: number | null;
}

export interface Metrics {
  u21401: number | null;
  u21402: number | null;
  u21436: number | null;
  counted: number;
  /** days the Kolada measure covers: the first 14 of the period (fewer when the period is shorter) */
  measuredDays: number;
  koladaComparable: boolean;
  /** counted clients whose birth year the roster lacks (assumed 65+) */
  assumedAge: number;
  occurrences: number;
  assigned: number;
  unassigned: number;
  travelMinutes: number;
  visitMinutes: number;
  contactPersonShare: number | null;
  clients: ClientMetrics[];
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Whether an occurrence counts toward continuity by kind (care) and planned window (starts 07:00-22:00). */
export function isKoladaVisit(o: Occurrence): boolean {
  return o.kind === "care" && o.earliest >= o.koladaFrom && o.earliest <= o.koladaTo;
}

/** Clients Kolada counts, by index: decided from the roster alone, so before and after count the same clients. */
export function koladaClients(roster: Roster): Set<number> {
  const measuredDays = Math.min(KOLADA_DAYS, roster.periodDays);
  const refYear = Number(roster.days[0]!.date.slice(0, 4));
  const perDay = roster.clients.map(() => new Array<number>(measuredDays).fill(0));
  for (const o of roster.occurrences) if (o.day < measuredDays && isKoladaVisit(o)) perDay[o.client]![o.day]!++;
  const counted = new Set<number>();
  for (const c of roster.clients) {
    const oldEnough = c.birthYear === undefined || refYear - c.birthYear >= KOLADA_MIN_AGE;
    const atHome = roster.days.slice(0, measuredDays).every((d) => !c.awayDates.has(d.date));
    if (oldEnough && atHome && perDay[c.index]!.every((n) => n >= 2)) counted.add(c.index);
  }
  return counted;
}

/** Kolada's three figures from the distinct-staff counts of the counted clients: mean, median, % above 20. */
export function koladaFigures(countedStaff: readonly number[]): Pick<Metrics, "u21401" | "u21402" | "u21436"> {
  return {
    u21401: countedStaff.length ? round(countedStaff.reduce((s, n) => s + n, 0) / countedStaff.length) : null,
    u21402: median(countedStaff),
    u21436: countedStaff.length ? round((100 * countedStaff.filter((n) => n > KOLADA_MANY).length) / countedStaff.length, 1) : null,
  };
}

/**
 * The municipality's figures, as Kolada publishes them: over every counted client of every
 * district together (not a mean of district means), with the totals beside.
 */
export function municipalFigures(districts: readonly Metrics[]) {
  const countedStaff = districts.flatMap((m) => m.clients.filter((c) => c.counted).map((c) => c.distinctStaff));
  return {
    ...koladaFigures(countedStaff),
    counted: countedStaff.length,
    districts: districts.length,
    unassigned: districts.reduce((s, m) => s + m.unassigned, 0),
    travelMinutes: districts.reduce((s, m) => s + m.travelMinutes, 0),
  };
}

export function computeMetrics(roster: Roster, schedule: Schedule, travel?: TravelMatrix): Metrics {
  const { occurrenceOf, clientIndexById: clientIndex, travel: known } = rosterIndex(roster);
  const matrix = travel ?? known;
  const measuredDays = Math.min(KOLADA_DAYS, roster.periodDays);
  const staff = roster.clients.map(() => new Set<string>());
  const visits = roster.clients.map(() => 0);
  const byContact = roster.clients.map(() => 0);
  let visitMinutes = 0;
  for (const a of schedule.assignments) {
    const ci = clientIndex.get(a.client);
    if (ci === undefined) continue;
    visits[ci]!++;
    visitMinutes += (a.end - a.start) * a.caregivers.length;
    const contact = roster.clients[ci]!.contactPerson;
    if (contact !== undefined && a.caregivers.includes(roster.caregivers[contact]!.id)) byContact[ci]!++;
    const o = occurrenceOf(a.client, a.visit, a.date);
    // a double-staffed visit counts both persons; the visit counts when it starts 07:00-22:00
    if (o && o.kind === "care" && o.day < measuredDays && a.start >= o.koladaFrom && a.start <= o.koladaTo)
      for (const id of a.caregivers) staff[ci]!.add(id);
  }
  const counted = koladaClients(roster);
  const countedStaff = [...counted].map((ci) => staff[ci]!.size);
  const stops = caregiverStops(roster, schedule);
  const travelMinutes = stops.reduce((sum, s, cg) => sum + travelOfStops(s, roster.caregivers[cg]!.shifts, matrix), 0);
  const withContact = roster.clients.filter((c) => c.contactPerson !== undefined && visits[c.index]! > 0);
  const contactTotal = withContact.reduce((s, c) => s + visits[c.index]!, 0);
  return {
    ...koladaFigures(countedStaff),
    counted: counted.size,
    measuredDays,
    koladaComparable: measuredDays === KOLADA_DAYS,
    assumedAge: [...counted].filter((ci) => roster.clients[ci]!.birthYear === undefined).length,
    occurrences: roster.occurrences.length,
    assigned: schedule.assignments.length,
    unassigned: schedule.unassigned.length,
    travelMinutes,
    visitMinutes,
    contactPersonShare: contactTotal ? round(withContact.reduce((s, c) => s + byContact[c.index]!, 0) / contactTotal, 3) : null,
    clients: roster.clients.map((c) => ({
      client: c.id,
      counted: counted.has(c.index),
      distinctStaff: staff[c.index]!.size,
      visits: visits[c.index]!,
      contactPersonShare: c.contactPerson !== undefined && visits[c.index]! > 0 ? round(byContact[c.index]! / visits[c.index]!, 3) : null,
    })),
  };
}
