import { LIMITS } from "../common/limits.js";
import { InputTooLargeError, type IssueCollector } from "../common/errors.js";
import { occurrenceKey, type Occurrence } from "./model.js";
import type { RosterInput, VisitInput } from "./schema.js";
import { WEEKDAYS } from "./schema.js";
import { clockToMinute, wallToAbs, type LocalDay } from "../common/time.js";

/** Kolada counts visits carried out between 07:00 and 22:00. */
export const KOLADA_FROM = 7 * 60;
export const KOLADA_TO = 22 * 60;

/** Whether a visit's day rule selects period day `dayIndex` (before `away` is applied). */
export function visitOccursOn(visit: Pick<VisitInput, "days" | "everyOtherWeek">, day: LocalDay, dayIndex: number): boolean {
  // everyOtherWeek: weeks 1, 3, ... of the period, counted from its first date
  if (visit.everyOtherWeek && Math.floor(dayIndex / 7) % 2 === 1) return false;
  const rule = visit.days;
  if (rule === "daily") return true;
  if (rule === "weekdays") return day.weekday <= 5;
  if (rule === "weekends") return day.weekday >= 6;
  const weekdayName = WEEKDAYS[day.weekday - 1]!;
  return rule.some((entry) => entry === weekdayName || entry === day.date);
}

export function isAway(away: RosterInput["clients"][number]["away"], date: string): boolean {
  return (away ?? []).some((a) => a.from <= date && date <= a.to);
}

/**
 * Expands every client's recurring visits over the period's days into occurrences (sorted by
 * earliest start). Wall-clock windows become absolute minutes; a window time that does not exist
 * on its date (spring forward) is reported as an input error on the visit's field.
 */
export function expandOccurrences(
  clients: RosterInput["clients"],
  days: LocalDay[],
  periodDays: number,
  issues: IssueCollector,
): { occurrences: Occurrence[]; awayKeys: Set<string> } {
  const occurrences: Occurrence[] = [];
  const awayKeys = new Set<string>();
  clients.forEach((client, ci) => {
    client.visits.forEach((visit, vi) => {
      const path = `clients[${ci}].visits[${vi}]`;
      if (Array.isArray(visit.days)) {
        const last = days[periodDays - 1]!.date;
        visit.days.forEach((entry, k) => {
          if (entry.includes("-") && (entry < days[0]!.date || entry > last))
            issues.add(`${path}.days[${k}]`, `${entry} is outside the period ${days[0]!.date}..${last}`);
        });
      }
      for (let d = 0; d < periodDays; d++) {
        const day = days[d]!;
        if (!visitOccursOn(visit, day, d)) continue;
        if (occurrences.length >= LIMITS.occurrences)
          throw new InputTooLargeError(`clients[${ci}].visits[${vi}]`, `the roster expands to more than ${LIMITS.occurrences.toLocaleString("en")} visit occurrences, the most one roster may have; plan the district as several rosters`);
        const key = occurrenceKey(client.id, visit.id, day.date);
        if (isAway(client.away, day.date)) {
          awayKeys.add(key);
          continue;
        }
        const earliest = wallToAbs(day, clockToMinute(visit.earliest));
        const latest = wallToAbs(day, clockToMinute(visit.latest));
        if (earliest === null) issues.add(`${path}.earliest`, nonexistent(visit.earliest, day.date));
        if (latest === null) issues.add(`${path}.latest`, nonexistent(visit.latest, day.date));
        if (earliest === null || latest === null) continue;
        occurrences.push({
          index: -1,
          key,
          client: ci,
          visitId: visit.id,
          date: day.date,
          day: d,
          earliest,
          latest,
          duration: visit.durationMinutes,
          staff: visit.staff ?? 1,
          skills: visit.skills ?? [],
          kind: visit.kind ?? "care",
          koladaFrom: wallToAbs(day, KOLADA_FROM) ?? day.start,
          koladaTo: wallToAbs(day, KOLADA_TO) ?? day.end,
        });
      }
    });
  });
  occurrences.sort((a, b) => a.earliest - b.earliest || a.latest - b.latest || (a.key < b.key ? -1 : 1));
  const byKey = new Map<string, Occurrence>();
  occurrences.forEach((o, i) => {
    o.index = i;
    byKey.set(o.key, o);
  });
  // minGapAfter: the same day's occurrence of the other visit, when there is one
  for (const o of occurrences) {
    const visit = clients[o.client]!.visits.find((v) => v.id === o.visitId)!;
    if (!visit.minGapAfter) continue;
    const other = byKey.get(occurrenceKey(clients[o.client]!.id, visit.minGapAfter.visit, o.date));
    if (other) o.gapAfter = { occurrence: other.index, minutes: visit.minGapAfter.minutes };
  }
  return { occurrences, awayKeys };
}

export function nonexistent(clock: string, date: string): string {
  return `${clock} does not exist on ${date} (the clocks go forward that night); choose a time outside the skipped hour`;
}
