import type { Roster, Schedule } from "./model.js";
import type { TravelMatrix } from "./travel.js";
import { buildContext, type Violation } from "./context.js";
import { HARD_RULES } from "./rules.js";

export type { Violation } from "./context.js";

/** Runs every hard rule; a schedule is valid when the list is empty. */
export function validateSchedule(roster: Roster, schedule: Schedule, travel?: TravelMatrix): Violation[] {
  const ctx = buildContext(roster, schedule, travel);
  return HARD_RULES.flatMap((rule) => rule(ctx));
}

export function formatViolation(v: Violation): string {
  const where = [v.occurrence, v.caregiver].filter(Boolean).join(", ");
  return `[${v.rule}] ${where ? `${where}: ` : ""}${v.message}`;
}
