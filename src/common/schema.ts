import { z } from "zod";
import { isValidClock, isValidDate, isValidZone } from "./time.js";

export const idString = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, "must be a non-empty id of letters, digits, '.', '_' or '-'");
export const dateString = z.string().refine(isValidDate, "must be a date YYYY-MM-DD");
export const clockString = z.string().refine(isValidClock, "must be a clock time HH:MM (00:00-23:59)");
export const zoneString = z.string().refine(isValidZone, "must be an IANA time zone such as Europe/Stockholm");
export const periodSchema = z.strictObject({
  start: dateString,
  days: z.number().int().min(1, "must be 1..62").max(62, "must be 1..62"),
});
