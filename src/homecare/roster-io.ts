import type { Roster } from "./model.js";
import { normalizeRoster } from "./normalize.js";
import { rosterSchema, type RosterInput } from "./schema.js";
import { parseJsonText, parseWithSchema } from "../common/parse.js";

/** Roster JSON text -> normalized roster (parse, strict validation, normalization). */
export function readRoster(text: string, source?: string): Roster {
  return rosterFromValue(parseJsonText(text, source), source);
}

export function rosterFromValue(value: unknown, source?: string): Roster {
  return normalizeRoster(parseWithSchema(rosterSchema, value, source), source);
}

/** Roster JSON text -> the roster as written (parsed, strict) and normalized: re-planning changes the first. */
export function readRosterWithInput(text: string, source?: string): { input: RosterInput; roster: Roster } {
  return rosterWithInputFromValue(parseJsonText(text, source), source);
}

export function rosterWithInputFromValue(value: unknown, source?: string): { input: RosterInput; roster: Roster } {
  const input = parseWithSchema(rosterSchema, value, source);
  return { input, roster: normalizeRoster(input, source) };
}
