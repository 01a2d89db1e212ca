import { z } from "zod";
import { LIMITS } from "../common/limits.js";
import { isoToAbs } from "../common/time.js";
import { capped, clockString, dateString, idString, nameString, periodSchema, zoneString } from "../common/schema.js";

/** The 1177 staffing input as `shared/spec/calls.md` defines it. Strict: an unknown field is an error. */

const inDateRange = (date: string) => date >= LIMITS.firstDate && date <= LIMITS.lastDate;
/** An explicit offset, if any, is a real one: ±14:00 at most, minutes below 60. */
const validOffset = (t: string) => {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(t);
  return !m || (Number(m[2]) * 60 + Number(m[3]) <= 14 * 60 && Number(m[3]) < 60);
};

/** Local date-time, optionally with an explicit offset: 2026-10-25T02:15 or 2026-10-25T02:15+02:00. */
export const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::00)?(Z|[+-]\d{2}:\d{2})?$/;
const localDateTime = z
  .string()
  .regex(LOCAL_DATE_TIME, "must be a local time YYYY-MM-DDTHH:MM, optionally with an offset such as +02:00")
  .refine((t) => validOffset(t) && inDateRange(t.slice(0, 10)), `must be a real local time from ${LIMITS.firstDate} to ${LIMITS.lastDate}, its offset within ±14:00`);
const seconds = (what: string) => z.number().positive(`must be more than 0 ${what}`).max(LIMITS.seconds, `must be at most ${LIMITS.seconds} ${what} (a day)`);

export const callRowSchema = z.strictObject({
  start: localDateTime,
  offered: z.number().min(0, "must be 0 or more calls").max(LIMITS.callsPerInterval, `must be at most ${LIMITS.callsPerInterval} calls`),
  handleTimeSeconds: seconds("seconds").optional(),
});

const targetSchema = z.strictObject({
  answeredWithinSeconds: seconds("seconds"),
  serviceLevel: z.number().gt(0, "must be a share above 0").max(1, "must be a share of at most 1"),
  maxAverageWaitSeconds: seconds("seconds").optional(),
  patienceSeconds: seconds("seconds").optional(),
});

const templateSchema = z
  .strictObject({
    id: idString,
    start: clockString,
    lengthMinutes: z.number().int().min(15, "must be 15..1440 minutes").max(1440, "must be 15..1440 minutes"),
    breakMinutes: z.number().int().min(0).max(240, "must be at most 240 minutes").optional(),
    breakEarliest: clockString.optional(),
    breakLatest: clockString.optional(),
  })
  .refine((t) => !t.breakMinutes || (t.breakEarliest !== undefined && t.breakLatest !== undefined), {
    message: "a template with breakMinutes needs breakEarliest and breakLatest",
    path: ["breakMinutes"],
  })
  .refine((t) => !!t.breakMinutes || (t.breakEarliest === undefined && t.breakLatest === undefined), {
    message: "breakEarliest/breakLatest need breakMinutes",
    path: ["breakMinutes"],
  })
  .refine((t) => (t.breakMinutes ?? 0) < t.lengthMinutes, {
    message: "the break must be shorter than the shift",
    path: ["breakMinutes"],
  });

const nurseSchema = z.strictObject({
  id: idString,
  contractMinutes: z.number().int().min(0, "must be 0 or more minutes").max(LIMITS.periodMinutes, `must be at most ${LIMITS.periodMinutes} (the minutes of 62 days)`),
  templates: capped(idString, LIMITS.templates, "templates").min(1, "must list at least one template (leave it out for all)").optional(),
  unavailable: capped(dateString, 62 * 2, "dates").optional(),
  maxShifts: z.number().int().min(0).max(186, "must be at most 186 (three a day for 62 days)").optional(),
});

const rulesSchema = z.strictObject({
  minDailyRestHours: z.number().min(0).max(24, "must be 0..24 hours").default(11),
  minWeeklyRestHours: z.number().min(0).max(168, "must be 0..168 hours").default(36),
});

const rosterEntrySchema = z.strictObject({ nurse: idString, date: dateString, template: idString });

export const callsInputSchema = z.strictObject({
  name: nameString.min(1, "must not be empty"),
  timezone: zoneString.default("Europe/Stockholm"),
  period: periodSchema,
  intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)], { error: "must be 15, 30 or 60" }),
  target: targetSchema,
  handleTimeSeconds: seconds("seconds"),
  forecast: capped(callRowSchema, LIMITS.callRows, "forecast rows").optional(),
  history: capped(callRowSchema, LIMITS.callRows, "history rows").optional(),
  shiftTemplates: capped(templateSchema, LIMITS.templates, "templates").min(1, "must list at least one template"),
  nurses: capped(nurseSchema, LIMITS.nurses, "nurses").min(1, "must list at least one nurse"),
  rules: rulesSchema.default({ minDailyRestHours: 11, minWeeklyRestHours: 36 }),
  roster: capped(rosterEntrySchema, LIMITS.nurses * 62, "roster lines").optional(),
});

export type CallsInput = z.output<typeof callsInputSchema>;
export type CallRowInput = z.output<typeof callRowSchema>;
export type RosterEntryInput = z.output<typeof rosterEntrySchema>;

/** `*.staffing.json`, as read back by `validate-staffing`: the roster is checked strictly. */
const isoString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/, "must be an ISO-8601 time with an offset")
  .refine((t) => isoToAbs(t) !== null && inDateRange(t.slice(0, 10)), `must be a real time from ${LIMITS.firstDate} to ${LIMITS.lastDate} with an offset within ±14:00`);
export const staffingRosterEntrySchema = z.strictObject({
  nurse: idString,
  date: dateString,
  template: idString,
  start: isoString,
  end: isoString,
  break: z.strictObject({ start: isoString, end: isoString }).optional(),
});
export const staffingFileSchema = z.object({
  roster: capped(staffingRosterEntrySchema, LIMITS.nurses * 62, "roster lines"),
  intervals: z.array(z.object({ start: isoString, staffed: z.number().int().min(0) }).loose()).optional(),
  summary: z.object({}).loose().optional(),
  /** paid leave the roster was re-staffed for (restaff): counted as worked in the contract band */
  absences: z.array(z.strictObject({ nurse: idString, from: isoString, to: isoString, paidMinutes: z.number().int().min(0) })).max(10_000).optional(),
}).loose();
export type StaffingFile = z.output<typeof staffingFileSchema>;
