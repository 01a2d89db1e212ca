import { IssueCollector } from "../common/errors.js";
import { occurrenceKey, type Assignment, type Roster, type Schedule } from "./model.js";
import { scheduleSchema } from "./schema.js";
import { absToIso, absToLocal, clockMinuteOrInvalid, isoToAbs, isValidDate, wallToAbs } from "../common/time.js";
import { rosterIndex } from "./roster-index.js";
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
  const rows = parseCsv(text, source);
  const col = csvColumns(rows[0], SCHEDULE_CSV_COLUMNS, source);
  const issues = new IssueCollector();
  const { dayByDate, occurrenceOf } = rosterIndex(roster);
  const afterPeriod = roster.days[roster.periodDays];
  const byOccurrence = new Map<number | string, Assignment>();
  const assignments: Assignment[] = [];
  // plain loops and reads by position: the API reads a schedule like this for every check (issue #19)
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const fields = row.fields;
    if (fields.length !== SCHEDULE_CSV_COLUMNS.length) {
      issues.add(`line ${row.line}`, `has ${fields.length} fields, expected ${SCHEDULE_CSV_COLUMNS.length}`);
      continue;
    }
    const client = fields[col.client]!.trim();
    const visit = fields[col.visit]!.trim();
    const date = fields[col.date]!.trim();
    const startClock = fields[col.start]!.trim();
    const endClock = fields[col.end]!.trim();
    const caregiver = fields[col.caregiver]!.trim();
    const at = (name: string) => `line ${row.line}.${name}`;
    let bad = !client || !visit || !caregiver;
    if (bad) for (const [name, value] of [["client", client], ["visit", visit], ["caregiver", caregiver]] as const) if (!value) issues.add(at(name), "is empty");
    if (!isValidDate(date)) {
      issues.add(at("date"), `"${date}" is not a date YYYY-MM-DD`);
      bad = true;
    }
    const startMinute = clockMinuteOrInvalid(startClock);
    const endMinute = clockMinuteOrInvalid(endClock);
    if (startMinute < 0) issues.add(at("start"), `"${startClock}" is not a clock time HH:MM`);
    if (endMinute < 0) issues.add(at("end"), `"${endClock}" is not a clock time HH:MM`);
    if (bad || startMinute < 0 || endMinute < 0) continue;
    const day = dayByDate.get(date);
    if (!day || day === afterPeriod) {
      issues.add(at("date"), `${date} is outside the roster's period`);
      continue;
    }
    const start = wallToAbs(day, startMinute);
    const endDay = endMinute <= startMinute ? roster.days[roster.days.indexOf(day) + 1]! : day;
    const end = wallToAbs(endDay, endMinute);
    if (start === null) issues.add(at("start"), `${startClock} does not exist on ${date} (the clocks go forward)`);
    if (end === null) issues.add(at("end"), `${endClock} does not exist on ${endDay.date} (the clocks go forward)`);
    if (start === null || end === null) continue;
    // the rows of one occurrence together: by its index (found without building a key string), or
    // by its key where the roster has no such occurrence (the validator says so)
    const o = occurrenceOf(client, visit, date);
    const group = o ? o.index : occurrenceKey(client, visit, date);
    const existing = byOccurrence.get(group);
    if (!existing) {
      const a: Assignment = { client, visit, date, start, end, caregivers: [caregiver] };
      byOccurrence.set(group, a);
      assignments.push(a);
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
    .filter((o) => !byOccurrence.has(o.index))
    .map((o) => ({ client: roster.clients[o.client]!.id, visit: o.visitId, date: o.date, reason: NOT_IN_CSV }));
  return { assignments, unassigned };
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
