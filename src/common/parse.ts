import type { z } from "zod";
import { formatPath, InputError, type InputIssue } from "./errors.js";

/** JSON text -> value; empty or malformed text is an InputError, never a SyntaxError. */
export function parseJsonText(text: string, source?: string): unknown {
  if (text.trim() === "") throw new InputError([{ path: "", message: "the input is empty" }], source);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError([{ path: "", message: `not valid JSON: ${(e as Error).message}` }], source);
  }
}

/** Validates with a zod schema; every problem becomes an InputIssue with a readable path. */
export function parseWithSchema<S extends z.ZodType>(schema: S, data: unknown, source?: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new InputError(zodIssues(result.error), source);
}

export function zodIssues(error: z.ZodError): InputIssue[] {
  const out: InputIssue[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), message: "unknown field" });
    } else if (issue.code === "invalid_type" && issue.input === undefined) {
      out.push({ path, message: "is required" });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}
