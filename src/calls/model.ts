import type { LocalDay } from "../common/time.js";

/**
 * The 1177 staffing problem after normalization: every time is an absolute minute, every
 * reference an index. Nothing after `normalizeCalls` parses or asks luxon.
 */

export interface Template {
  index: number;
  id: string;
  /** local wall-clock start, minute of day */
  startMinute: number;
  lengthMinutes: number;
  breakMinutes: number;
  /** wall-clock minute of day bounding the break's start; null without a break */
  breakEarliest: number | null;
  breakLatest: number | null;
}

export interface Nurse {
  index: number;
  id: string;
  contractMinutes: number;
  /** template indexes this nurse works; null = all */
  templates: Set<number> | null;
  unavailable: Set<string>;
  maxShifts: number | null;
}

export interface CallInterval {
  index: number;
  /** absolute minute */
  start: number;
  dayIndex: number;
  weekday: number;
  /** wall-clock slot of the day (wall minute / intervalMinutes); the repeated hour's two passes share one */
  slot: number;
}

/** One row of history or forecast, placed in absolute time. */
export interface CallRow {
  /** where the row came from, for messages: `history[3]` or `history.csv line 5` */
  path: string;
  start: number;
  offered: number;
  handleTimeSeconds: number | null;
  /** days since 1970-01-01 of the local date, and its weekday and slot */
  dayNumber: number;
  weekday: number;
  slot: number;
}

export interface Target {
  thresholdSeconds: number;
  serviceLevel: number;
  maxAverageWaitSeconds: number | null;
  patienceSeconds: number | null;
}

/** A nurse's shift on a date: absolute minutes, the break (if the template has one) on its own. */
export interface NurseShift {
  nurse: number;
  template: number;
  dayIndex: number;
  start: number;
  end: number;
  breakStart: number | null;
  breakEnd: number | null;
}

export interface CallsProblem {
  name: string;
  zone: string;
  /** the period's days plus the day after (night shifts end there) */
  days: LocalDay[];
  periodDays: number;
  /** absolute minutes of the period's start and end */
  start: number;
  end: number;
  intervalMinutes: number;
  intervals: CallInterval[];
  target: Target;
  defaultHandleTimeSeconds: number;
  templates: Template[];
  nurses: Nurse[];
  rules: { dailyRestMinutes: number; weeklyRestMinutes: number };
  /** calendar weeks (Monday 00:00 to Monday 00:00 local) the period touches */
  weeks: { start: number; end: number }[];
  forecast: CallRow[] | null;
  history: CallRow[] | null;
  /** today's roster, when given (breaks not yet placed: the input does not say where they are) */
  today: { nurse: number; template: number; dayIndex: number }[] | null;
}

/** Calls offered and handle time per interval of the period: what the queueing model needs. */
export interface Demand {
  offered: number[];
  handleTimeSeconds: number[];
  source: "forecast" | "history" | "forecast+history";
  warnings: string[];
}
