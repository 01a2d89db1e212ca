import { z } from "zod";
import { LIMITS } from "../common/limits.js";
import { capped, clockString, dateString, idString, nameString, periodSchema, zoneString } from "../common/schema.js";

/** The roster as `shared/spec/homecare.md` defines it. Strict: an unknown field is an error. */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export const shiftSchema = z
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

export const caregiverSchema = z.strictObject({
  id: idString,
  name: nameString.optional(),
  skills: capped(idString, 50, "skills").optional(),
  languages: capped(idString, 50, "languages").optional(),
  maxMinutes: z.number().int().positive().max(LIMITS.periodMinutes, `must be at most ${LIMITS.periodMinutes} (the minutes of 62 days)`).optional(),
  shifts: capped(shiftSchema, LIMITS.shiftsPerCaregiver, "shifts per caregiver"),
});

const daysSchema = z.union([
  z.enum(["daily", "weekdays", "weekends"]),
  z.array(z.union([z.enum(WEEKDAYS), dateString])).min(1, "must list at least one weekday or date"),
], { error: 'must be "daily", "weekdays", "weekends" or a list of weekdays (mon..sun) or dates' });

export const visitSchema = z
  .strictObject({
    id: idString,
    days: daysSchema,
    everyOtherWeek: z.boolean().optional(),
    earliest: clockString,
    latest: clockString,
    durationMinutes: z.number().int().min(1).max(720),
    staff: z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2" }).optional(),
    skills: capped(idString, 50, "skills").optional(),
    kind: z.enum(["care", "alarm", "meal-delivery"]).optional(),
    minGapAfter: z.strictObject({ visit: idString, minutes: z.number().int().min(0).max(1440) }).optional(),
  })
  .refine((v) => v.latest >= v.earliest, { message: "latest must not be before earliest", path: ["latest"] });

const clientSchema = z.strictObject({
  id: idString,
  location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  contactPerson: idString.optional(),
  preferredCaregivers: capped(idString, 100, "caregivers").optional(),
  excludedCaregivers: capped(idString, 100, "caregivers").optional(),
  language: idString.optional(),
  birthYear: z.number().int().min(1880).max(2100).optional(),
  away: capped(
    z.strictObject({ from: dateString, to: dateString }).refine((a) => a.to >= a.from, { message: "to must not be before from", path: ["to"] }),
    100,
    "away periods",
  ).optional(),
  visits: capped(visitSchema, LIMITS.visitsPerClient, "visits per client"),
});

const pinSchema = z.strictObject({
  client: idString,
  visit: idString,
  date: dateString,
  caregivers: z.array(idString).min(1).max(2),
});

export const rosterSchema = z.strictObject({
  name: nameString,
  timezone: zoneString.default("Europe/Stockholm"),
  period: periodSchema,
  travel: z
    .strictObject({
      speedKmh: z.number().min(LIMITS.speedKmh.min, `must be ${LIMITS.speedKmh.min}..${LIMITS.speedKmh.max} km/h`).max(LIMITS.speedKmh.max, `must be ${LIMITS.speedKmh.min}..${LIMITS.speedKmh.max} km/h`).default(20),
      detourFactor: z.number().min(LIMITS.detourFactor.min, `must be ${LIMITS.detourFactor.min}..${LIMITS.detourFactor.max}`).max(LIMITS.detourFactor.max, `must be ${LIMITS.detourFactor.min}..${LIMITS.detourFactor.max}`).default(1.3),
      minMinutes: z.number().int().min(LIMITS.minMinutes.min, `must be ${LIMITS.minMinutes.min}..${LIMITS.minMinutes.max} minutes`).max(LIMITS.minMinutes.max, `must be ${LIMITS.minMinutes.min}..${LIMITS.minMinutes.max} minutes`).default(2),
    })
    .default({ speedKmh: 20, detourFactor: 1.3, minMinutes: 2 }),
  caregivers: capped(caregiverSchema, LIMITS.caregivers, "caregivers per roster"),
  clients: capped(clientSchema, LIMITS.clients, "clients per roster"),
  pinned: capped(pinSchema, LIMITS.occurrences, "pinned visits").optional(),
});

export type RosterInput = z.infer<typeof rosterSchema>;
export type VisitInput = RosterInput["clients"][number]["visits"][number];

/** The schedule JSON as written by the planner (`*.schedule.json`). */
export const scheduleSchema = z.strictObject({
  roster: nameString.optional(),
  assignments: capped(
    z.strictObject({
      client: idString,
      visit: idString,
      date: dateString,
      start: z.string(),
      end: z.string(),
      caregivers: z.array(idString).min(1).max(10, "at most 10 caregivers"),
    }),
    LIMITS.occurrences,
    "assignments",
  ),
  unassigned: capped(z.strictObject({ client: idString, visit: idString, date: dateString, reason: z.string().max(1000) }), LIMITS.occurrences, "unassigned visits").default([]),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export type ScheduleInput = z.infer<typeof scheduleSchema>;
