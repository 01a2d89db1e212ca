import { z } from "zod";
import { clockString, dateString, idString, periodSchema, zoneString } from "../common/schema.js";

/** The 1177 staffing input as `shared/spec/calls.md` defines it. Strict: an unknown field is an error. */

/** Local date-time, optionally with an explicit offset: 2026-10-25T02:15 or 2026-10-25T02:15+02:00. */
export const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::00)?(Z|[+-]\d{2}:\d{2})?$/;
const localDateTime = z
  .string()
  .regex(LOCAL_DATE_TIME, "must be a local time YYYY-MM-DDTHH:MM, optionally with an offset such as +02:00");

export const callRowSchema = z.strictObject({
  start: localDateTime,
  offered: z.number().min(0, "must be 0 or more calls"),
  handleTimeSeconds: z.number().positive("must be more than 0 seconds").optional(),
});

const targetSchema = z.strictObject({
  answeredWithinSeconds: z.number().positive("must be more than 0 seconds"),
  serviceLevel: z.number().gt(0, "must be a share above 0").max(1, "must be a share of at most 1"),
  maxAverageWaitSeconds: z.number().positive("must be more than 0 seconds").optional(),
  patienceSeconds: z.number().positive("must be more than 0 seconds").optional(),
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
  contractMinutes: z.number().int().min(0, "must be 0 or more minutes"),
  templates: z.array(idString).min(1, "must list at least one template (leave it out for all)").optional(),
  unavailable: z.array(dateString).optional(),
  maxShifts: z.number().int().min(0).optional(),
});

const rulesSchema = z.strictObject({
  minDailyRestHours: z.number().min(0).max(24, "must be 0..24 hours").default(11),
  minWeeklyRestHours: z.number().min(0).max(168, "must be 0..168 hours").default(36),
});

const rosterEntrySchema = z.strictObject({ nurse: idString, date: dateString, template: idString });

export const callsInputSchema = z.strictObject({
  name: z.string().min(1, "must not be empty"),
  timezone: zoneString.default("Europe/Stockholm"),
  period: periodSchema,
  intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)], { error: "must be 15, 30 or 60" }),
  target: targetSchema,
  handleTimeSeconds: z.number().positive("must be more than 0 seconds"),
  forecast: z.array(callRowSchema).optional(),
  history: z.array(callRowSchema).optional(),
  shiftTemplates: z.array(templateSchema).min(1, "must list at least one template"),
  nurses: z.array(nurseSchema).min(1, "must list at least one nurse"),
  rules: rulesSchema.default({ minDailyRestHours: 11, minWeeklyRestHours: 36 }),
  roster: z.array(rosterEntrySchema).optional(),
});

export type CallsInput = z.output<typeof callsInputSchema>;
export type CallRowInput = z.output<typeof callRowSchema>;
export type RosterEntryInput = z.output<typeof rosterEntrySchema>;

/** `*.staffing.json`, as read back by `validate-staffing`: the roster is checked strictly. */
const isoString = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/, "must be an ISO-8601 time with an offset");
export const staffingRosterEntrySchema = z.strictObject({
  nurse: idString,
  date: dateString,
  template: idString,
  start: isoString,
  end: isoString,
  break: z.strictObject({ start: isoString, end: isoString }).optional(),
});
export const staffingFileSchema = z.object({
  roster: z.array(staffingRosterEntrySchema),
  intervals: z.array(z.object({ start: isoString, staffed: z.number().int().min(0) }).loose()).optional(),
  summary: z.object({}).loose().optional(),
}).loose();
export type StaffingFile = z.output<typeof staffingFileSchema>;
