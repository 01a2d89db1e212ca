import { IssueCollector } from "../common/errors.js";
import type { Assignment, Roster, Schedule } from "./model.js";
import { occurrenceKey } from "./model.js";
import { scheduleSchema } from "./schema.js";
import { absToIso, absToLocal, clockToMinute, isoToAbs, isValidClock, isValidDate, wallToAbs } from "../common/time.js";
import type { ShiftTimeline } from "./timeline.js";
import { csvColumns, parseCsv, toCsv } from "../common/csv.js";
import { parseJsonText, parseWithSchema } from "../common/parse.js";

export const SCHEDULE_CSV_COLUMNS = ["client", "visit", "date", "start", "end", "caregiver"] as const;

/** Reads a schedule as the spec's JSON or CSV, deciding by content (JSON starts with `{`). */
export function readSchedule(text: string, roster: Roster, source?: string): Schedule {
  return text.trimStart().startsWith("{") ? readScheduleJson(text, source) : readScheduleCsv(text, roster, source);
}

export function readScheduleJson(text: string, source?: string): Schedule {
  return scheduleFromValue(parseJsonText(text, source), source);
}

export function scheduleFromValue(value: unknown, source?: string): Schedule {
  const input = parseWithSchema(scheduleSchema, value, source);
  const issues = new IssueCollector();
  const assignments: Assignment[] = input.assignments.map((a, i) => {
    const start = isoToAbs(a.start);
    const end = isoToAbs(a.end);
    if (start === null) issues.add(`assignments[${i}].start`, `"${a.start}" is not an ISO-8601 time with an offset`);
    if (end === null) issues.add(`assignments[${i}].end`, `"${a.end}" is not an ISO-8601 time with an offset`);
    return { client: a.client, visit: a.visit, date: a.date, start: start ?? 0, end: end ?? 0, caregivers: a.caregivers };
  });
  issues.throwIfAny(source);
  return { ...(input.roster !== undefined ? { roster: input.roster } : {}), assignments, unassigned: input.unassigned };
}

/** Reason given to an occurrence a hand-made CSV schedule does not mention (CSV has no unassigned list). */
export const NOT_IN_CSV = "not planned in the CSV schedule";

/**
 * The spec's CSV: one row per caregiver per occurrence, `start`/`end` as HH:MM local on `date`,
 * an end at or before the start meaning the next day. Occurrences the CSV does not mention are
 * listed as unassigned, since CSV cannot say so itself.
 */
export function readScheduleCsv(text: string, roster: Roster, source?: string): Schedule {
  const [header, ...rows] = parseCsv(text, source);
  const col = csvColumns(header, SCHEDULE_CSV_COLUMNS, source);
  const issues = new IssueCollector();
  const dayByDate = new Map(roster.days.map((d) => [d.date, d]));
  const byKey = new Map<string, Assignment>();
  for (const row of rows) {
    const f = (name: (typeof SCHEDULE_CSV_COLUMNS)[number]) => (row.fields[col[name]] ?? "").trim();
    const at = (name: string) => `line ${row.line}.${name}`;
    if (row.fields.length !== SCHEDULE_CSV_COLUMNS.length) {
      issues.add(`line ${row.line}`, `has ${row.fields.length} fields, expected ${SCHEDULE_CSV_COLUMNS.length}`);
      continue;
    }
    const [client, visit, date, startClock, endClock, caregiver] = SCHEDULE_CSV_COLUMNS.map(f) as string[] as [
      string, string, string, string, string, string,
    ];
    let bad = false;
    for (const [name, value] of [["client", client], ["visit", visit], ["caregiver", caregiver]] as const)
      if (!value) {
        issues.add(at(name), "is empty");
        bad = true;
      }
    if (!isValidDate(date)) {
      issues.add(at("date"), `"${date}" is not a date YYYY-MM-DD`);
      bad = true;
    }
    for (const [name, value] of [["start", startClock], ["end", endClock]] as const)
      if (!isValidClock(value)) {
        issues.add(at(name), `"${value}" is not a clock time HH:MM`);
        bad = true;
      }
    if (bad) continue;
    const day = dayByDate.get(date);
    if (!day || day === roster.days[roster.periodDays]) {
      issues.add(at("date"), `${date} is outside the roster's period`);
      continue;
    }
    const startMinute = clockToMinute(startClock);
    const endMinute = clockToMinute(endClock);
    const start = wallToAbs(day, startMinute);
    const endDay = endMinute <= startMinute ? roster.days[roster.days.indexOf(day) + 1]! : day;
    const end = wallToAbs(endDay, endMinute);
    if (start === null) issues.add(at("start"), `${startClock} does not exist on ${date} (the clocks go forward)`);
    if (end === null) issues.add(at("end"), `${endClock} does not exist on ${endDay.date} (the clocks go forward)`);
    if (start === null || end === null) continue;
    const key = occurrenceKey(client, visit, date);
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, { client, visit, date, start, end, caregivers: [caregiver] });
      continue;
    }
    existing.caregivers.push(caregiver);
    // each row is one caregiver's visit: where the rows disagree, each caregiver keeps its own times
    if (start !== existing.start || existing.caregiverStarts) {
      existing.caregiverStarts ??= existing.caregivers.slice(0, -1).map(() => existing.start);
      existing.caregiverStarts.push(start);
    }
    if (end !== existing.end || existing.caregiverEnds) {
      existing.caregiverEnds ??= existing.caregivers.slice(0, -1).map(() => existing.end);
      existing.caregiverEnds.push(end);
    }
  }
  issues.throwIfAny(source);
  const unassigned = roster.occurrences
    .filter((o) => !byKey.has(o.key))
    .map((o) => ({ client: roster.clients[o.client]!.id, visit: o.visitId, date: o.date, reason: NOT_IN_CSV }));
  return { assignments: [...byKey.values()], unassigned };
}

function sortedAssignments(schedule: Schedule): Assignment[] {
  return [...schedule.assignments].sort(
    (a, b) => a.start - b.start || a.client.localeCompare(b.client) || a.visit.localeCompare(b.visit),
  );
}

/** The spec's schedule JSON, every time with its ISO-8601 offset. */
export function scheduleToJson(roster: Roster, schedule: Schedule, metrics?: object): object {
  return {
    roster: roster.name,
    assignments: sortedAssignments(schedule).map((a) => ({
      client: a.client,
      visit: a.visit,
      date: a.date,
      start: absToIso(a.start, roster.zone),
      end: absToIso(a.end, roster.zone),
      caregivers: a.caregivers,
    })),
    unassigned: [...schedule.unassigned].sort((a, b) => a.date.localeCompare(b.date) || a.client.localeCompare(b.client)),
    ...(metrics ? { metrics } : {}),
  };
}

/** The spec's schedule CSV: a row per caregiver per occurrence. */
export function scheduleToCsv(roster: Roster, schedule: Schedule): string {
  const rows: string[][] = [];
  for (const a of sortedAssignments(schedule)) {
    const start = absToLocal(a.start, roster.zone).clock;
    const end = absToLocal(a.end, roster.zone).clock;
    for (const cg of a.caregivers) rows.push([a.client, a.visit, a.date, start, end, cg]);
  }
  return toCsv(SCHEDULE_CSV_COLUMNS, rows);
}

/** Caregivers' shifts with visits, travel and break, times with their offsets (for the planner's Gantt view). */
export function timelinesToJson(roster: Roster, timelines: readonly ShiftTimeline[]) {
  const iso = (abs: number) => absToIso(abs, roster.zone);
  return {
    roster: roster.name,
    caregivers: roster.caregivers.map((cg) => ({
      id: cg.id,
      ...(cg.name ? { name: cg.name } : {}),
      shifts: timelines
        .filter((t) => t.caregiver === cg.index)
        .map((t) => ({
          date: t.shift.date,
          start: iso(t.shift.start),
          end: iso(t.shift.end),
          segments: t.segments.map((s) => ({
            kind: s.kind,
            start: iso(s.start),
            end: iso(s.end),
            ...(s.key !== undefined && s.client !== undefined ? { occurrence: s.key, client: roster.clients[s.client]!.id } : {}),
          })),
        })),
    })),
  };
}
