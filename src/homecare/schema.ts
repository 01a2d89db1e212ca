import { z } from "zod";
import { clockString, dateString, idString, periodSchema, zoneString } from "../common/schema.js";

/** The roster as `shared/spec/homecare.md` defines it. Strict: an unknown field is an error. */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const shiftSchema = z
  .strictObject({
    date: dateString,
    start: clockString,
    end: clockString,
    breakMinutes: z.number().int().min(1).max(180).optional(),
    breakEarliest: clockString.optional(),
    breakLatest: clockString.optional(),
  })
  .refine((s) => s.breakMinutes !== undefined || (s.breakEarliest === undefined && s.breakLatest === undefined), {
    message: "breakEarliest/breakLatest need breakMinutes",
    path: ["breakMinutes"],
  });

const caregiverSchema = z.strictObject({
  id: idString,
  name: z.string().optional(),
  skills: z.array(z.string().min(1)).optional(),
  languages: z.array(z.string().min(1)).optional(),
  maxMinutes: z.number().int().positive().optional(),
  shifts: z.array(shiftSchema),
});

const daysSchema = z.union([
  z.enum(["daily", "weekdays", "weekends"]),
  z.array(z.union([z.enum(WEEKDAYS), dateString])).min(1, "must list at least one weekday or date"),
], { error: 'must be "daily", "weekdays", "weekends" or a list of weekdays (mon..sun) or dates' });

const visitSchema = z
  .strictObject({
    id: idString,
    days: daysSchema,
    everyOtherWeek: z.boolean().optional(),
    earliest: clockString,
    latest: clockString,
    durationMinutes: z.number().int().min(1).max(720),
    staff: z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2" }).optional(),
    skills: z.array(z.string().min(1)).optional(),
    kind: z.enum(["care", "alarm", "meal-delivery"]).optional(),
    minGapAfter: z.strictObject({ visit: idString, minutes: z.number().int().min(0).max(1440) }).optional(),
  })
  .refine((v) => v.latest >= v.earliest, { message: "latest must not be before earliest", path: ["latest"] });

const clientSchema = z.strictObject({
  id: idString,
  location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  contactPerson: idString.optional(),
  preferredCaregivers: z.array(idString).optional(),
  excludedCaregivers: z.array(idString).optional(),
  language: z.string().min(1).optional(),
  birthYear: z.number().int().min(1880).max(2100).optional(),
  away: z
    .array(
      z
        .strictObject({ from: dateString, to: dateString })
        .refine((a) => a.to >= a.from, { message: "to must not be before from", path: ["to"] }),
    )
    .optional(),
  visits: z.array(visitSchema),
});

const pinSchema = z.strictObject({
  client: idString,
  visit: idString,
  date: dateString,
  caregivers: z.array(idString).min(1).max(2),
});

export const rosterSchema = z.strictObject({
  name: z.string(),
  timezone: zoneString.default("Europe/Stockholm"),
  period: periodSchema,
  travel: z
    .strictObject({
      speedKmh: z.number().positive().default(20),
      detourFactor: z.number().min(1).default(1.3),
      minMinutes: z.number().int().min(0).default(2),
    })
    .default({ speedKmh: 20, detourFactor: 1.3, minMinutes: 2 }),
  caregivers: z.array(caregiverSchema),
  clients: z.array(clientSchema),
  pinned: z.array(pinSchema).optional(),
});

export type RosterInput = z.infer<typeof rosterSchema>;
export type VisitInput = RosterInput["clients"][number]["visits"][number];

/** The schedule JSON as written by the planner (`*.schedule.json`). */
export const scheduleSchema = z.strictObject({
  roster: z.string().optional(),
  assignments: z.array(
    z.strictObject({
      client: idString,
      visit: idString,
      date: dateString,
      start: z.string(),
      end: z.string(),
      caregivers: z.array(idString).min(1),
    }),
  ),
  unassigned: z
    .array(z.strictObject({ client: idString, visit: idString, date: dateString, reason: z.string() }))
    .default([]),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export type ScheduleInput = z.infer<typeof scheduleSchema>;
