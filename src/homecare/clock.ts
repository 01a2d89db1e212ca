import { absToWall, minuteToClock, type LocalDay } from "../common/time.js";
import type { Roster } from "./model.js";

/** Absolute minutes as the scheduler reads them, in the roster's zone (for messages). */

/** Local date and clock of an absolute minute, from the roster's day table ("2026-10-19 07:30"). */
export function localTime(roster: Roster, abs: number): string {
  const day: LocalDay | undefined = roster.days.find((d) => d.start <= abs && abs < d.end);
  if (!day) return `minute ${abs}`;
  return `${day.date} ${minuteToClock(absToWall(day, abs))}`;
}

export function localClock(roster: Roster, abs: number): string {
  return localTime(roster, abs).slice(-5);
}
