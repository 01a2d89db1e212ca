import { z } from "zod";
import { LIMITS } from "./limits.js";
import { isValidClock, isValidDate, isValidZone } from "./time.js";

export const idString = z
  .string()
  .max(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`)
  .regex(/^[A-Za-z0-9._-]+$/, "must be a non-empty id of letters, digits, '.', '_' or '-'");
export const dateString = z
  .string()
  .refine(isValidDate, "must be a date YYYY-MM-DD")
  .refine((d) => !isValidDate(d) || (d >= LIMITS.firstDate && d <= LIMITS.lastDate), `must be a date from ${LIMITS.firstDate} to ${LIMITS.lastDate}`);
export const clockString = z.string().refine(isValidClock, "must be a clock time HH:MM (00:00-23:59)");
export const zoneString = z.string().refine(isValidZone, "must be an IANA time zone such as Europe/Stockholm");
export const nameString = z.string().max(LIMITS.nameLength, `must be at most ${LIMITS.nameLength} characters`);
export const periodSchema = z.strictObject({
  start: dateString,
  days: z.number().int("must be a whole number of days").min(1, "must be 1..62").max(62, "must be 1..62"),
});
/** An array of at most `max` items, the limit named in the error. */
export const capped = <T extends z.ZodType>(item: T, max: number, what: string) => z.array(item).max(max, `at most ${max.toLocaleString("en")} ${what}`);
/** A local time, "2026-10-21T06:40", or a date alone, meaning 00:00 of that date. */
export const localTimeString = z
  .string()
  .refine((s) => {
    const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?$/.exec(s);
    return m !== null && isValidDate(m[1]!) && (m[2] === undefined || isValidClock(m[2]));
  }, "must be a local time YYYY-MM-DDTHH:MM or a date YYYY-MM-DD");
