import { InputError } from "./errors.js";
import { DateTime, IANAZone } from "luxon";

/**
 * Time in Kontinuum: luxon is used here, once, to build a table of the period's local days.
 * Everything after works in absolute minutes (minutes since the Unix epoch) with plain arithmetic.
 */

/** One local calendar day: where its wall clock starts and, on a DST day, where it jumps. */
export interface LocalDay {
  date: string; // YYYY-MM-DD
  weekday: number; // 1 = Monday .. 7 = Sunday
  /** absolute minute at which the local day starts */
  start: number;
  /** wall-clock minute of day at `start` (0 unless midnight itself does not exist) */
  wallAtStart: number;
  /** absolute minute at which the next local day starts (1440 ± 60 after start on DST days) */
  end: number;
  /** offset change inside the day: at wall minute `wall` (old offset) the clock moves by `delta` */
  transition?: { wall: number; delta: number };
}

/** Zones already checked: luxon asks Intl each time, and every request names its zone. */
const validZones = new Map<string, boolean>();

export function isValidZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    // bounded: a stream of made-up zone names must not grow it without end
    if (validZones.size < 1000) validZones.set(zone, valid);
  }
  return valid;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Dates already checked: a schedule's thousand rows name the same fourteen dates. */
const checkedDates = new Map<string, boolean>();

export function isValidDate(date: string): boolean {
  let valid = checkedDates.get(date);
  if (valid === undefined) {
    valid = checkDate(date);
    if (checkedDates.size < 10_000) checkedDates.set(date, valid);
  }
  return valid;
}

function checkDate(date: string): boolean {
  const m = DATE_RE.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/** Calendar arithmetic on YYYY-MM-DD strings: zone-free. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * "07:30" -> 450, or -1 when the text is not a clock time HH:MM (00:00-23:59). Read by character
 * codes, not a regular expression: it runs for both times of every row of a schedule CSV the API
 * checks (issue #19).
 */
export function clockMinuteOrInvalid(hhmm: string): number {
  if (hhmm.length !== 5 || hhmm.charCodeAt(2) !== 58 /* : */) return -1;
  const h = digit(hhmm, 0) * 10 + digit(hhmm, 1);
  const m = digit(hhmm, 3) * 10 + digit(hhmm, 4);
  return h >= 0 && h < 24 && m >= 0 && m < 60 ? h * 60 + m : -1;
}

/** A decimal digit's value, or a negative number large enough to make any two-digit sum negative. */
function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : -1000;
}

export function isValidClock(hhmm: string): boolean {
  return clockMinuteOrInvalid(hhmm) >= 0;
}

/** "07:30" -> 450 */
export function clockToMinute(hhmm: string): number {
  const minute = clockMinuteOrInvalid(hhmm);
  if (minute < 0) throw new Error(`not a HH:MM clock time: ${hhmm}`);
  return minute;
}

/** 450 -> "07:30" */
export function minuteToClock(minute: number): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

const toMinute = (dt: DateTime): number => Math.round(dt.toMillis() / 60_000);

/**
 * Day tables already built, by zone, first date and count: the table is a pure function of them,
 * and luxon's offset lookups (Intl, per minute probed) were the largest cost of validating a small
 * roster over HTTP. A few hundred entries: a server sees few periods.
 */
const dayTables = new Map<string, readonly LocalDay[]>();
const DAY_TABLES_KEPT = 256;

/** Builds the local-day table for `count` days from `firstDate` in `zone` (luxon, once per table). */
export function buildLocalDays(zone: string, firstDate: string, count: number): LocalDay[] {
  const key = `${zone} ${firstDate} ${count}`;
  const known = dayTables.get(key);
  // a copy of the list (the days themselves are never changed after this)
  if (known) return [...known];
  const days = computeLocalDays(zone, firstDate, count);
  if (dayTables.size >= DAY_TABLES_KEPT) dayTables.delete(dayTables.keys().next().value!);
  dayTables.set(key, days);
  return [...days];
}

function computeLocalDays(zone: string, firstDate: string, count: number): LocalDay[] {
  const days: LocalDay[] = [];
  for (let i = 0; i < count; i++) {
    const date = addDays(firstDate, i);
    const startDt = DateTime.fromISO(date, { zone }).startOf("day");
    const nextDt = DateTime.fromISO(addDays(date, 1), { zone }).startOf("day");
    const start = toMinute(startDt);
    const end = toMinute(nextDt);
    // a date the zone skipped (Pacific/Apia jumped from 2011-12-29 to 2011-12-31): luxon moves its midnight to the next day
    if (startDt.toISODate() !== date) throw new InputError([{ path: "period", message: `${date} does not exist in ${zone} (the zone skipped it)` }]);
    const day: LocalDay = {
      date,
      weekday: weekdayOf(date),
      start,
      wallAtStart: startDt.hour * 60 + startDt.minute,
      end,
    };
    const offsetAt = (abs: number) => DateTime.fromMillis(abs * 60_000, { zone }).offset;
    const before = offsetAt(start);
    const after = offsetAt(end - 1);
    if (before !== after) {
      // first absolute minute carrying the new offset (one change a day at most, as in every IANA zone in use)
      let lo = start;
      let hi = end - 1;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid) === before) lo = mid + 1;
        else hi = mid;
      }
      day.transition = { wall: day.wallAtStart + (lo - start), delta: after - before };
    }
    days.push(day);
  }
  return days;
}

/**
 * Absolute minute of wall-clock `minute` (0..1439) on `day`; null when that wall time does not
 * exist (spring forward). An ambiguous wall time (autumn, the repeated hour) takes the earlier
 * instant, i.e. summer time, as the README states.
 */
export function wallToAbs(day: LocalDay, minute: number): number | null {
  if (minute < day.wallAtStart) return null;
  const base = day.start + (minute - day.wallAtStart);
  const t = day.transition;
  if (!t || minute < t.wall) return base;
  if (t.delta > 0) return minute < t.wall + t.delta ? null : base - t.delta;
  return base - t.delta; // after the repeated hour: later by |delta|
}

/** Wall-clock minute of day of an absolute minute that falls on `day`. */
export function absToWall(day: LocalDay, abs: number): number {
  const elapsed = abs - day.start;
  const t = day.transition;
  if (!t) return day.wallAtStart + elapsed;
  const transitionAbs = day.start + (t.wall - day.wallAtStart);
  return day.wallAtStart + elapsed + (abs >= transitionAbs ? t.delta : 0);
}

/** ISO-8601 with the zone's offset at that instant, e.g. 2026-10-25T07:30:00+01:00 (output only). */
export function absToIso(abs: number, zone: string): string {
  return DateTime.fromMillis(abs * 60_000, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** Local date and HH:MM of an absolute minute (output only). */
export function absToLocal(abs: number, zone: string): { date: string; clock: string } {
  const dt = DateTime.fromMillis(abs * 60_000, { zone });
  return { date: dt.toISODate()!, clock: dt.toFormat("HH:mm") };
}

/** Parses an ISO-8601 timestamp with an offset to an absolute minute; null when malformed. */
export function isoToAbs(iso: string): number | null {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(iso);
  if (!m) return null;
  // a real offset: UTC-12:00 to UTC+14:00 are the extremes in use, and minutes run to 59
  if (m[4] !== undefined && (Number(m[4]) * 60 + Number(m[5]) > 14 * 60 || Number(m[5]) > 59)) return null;
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) return null;
  return Math.floor(dt.toMillis() / 60_000);
}

/**
 * A local time "2026-10-21T06:40", or a date alone meaning 00:00 of that date, in `zone` ->
 * absolute minute; null when that wall time does not exist (the clocks jump past it).
 */
export function localTimeToAbs(zone: string, value: string): number | null {
  const [date, clock] = value.split("T") as [string, string | undefined];
  return wallToAbs(buildLocalDays(zone, date, 1)[0]!, clock ? clockToMinute(clock) : 0);
}
