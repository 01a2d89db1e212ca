import type { Roster } from "./model.js";
import { normalizeRoster } from "./normalize.js";
import { rosterSchema } from "./schema.js";
import { parseJsonText, parseWithSchema } from "../common/parse.js";

/** Roster JSON text -> normalized roster (parse, strict validation, normalization). */
export function readRoster(text: string, source?: string): Roster {
  return rosterFromValue(parseJsonText(text, source), source);
}

export function rosterFromValue(value: unknown, source?: string): Roster {
  return normalizeRoster(parseWithSchema(rosterSchema, value, source), source);
}
