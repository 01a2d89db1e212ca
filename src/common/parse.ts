import type { z } from "zod";
import { formatPath, InputError, type InputIssue } from "./errors.js";

/** JSON text -> value; empty or malformed text is an InputError, never a SyntaxError. */
export function parseJsonText(text: string, source?: string): unknown {
  // a UTF-8 byte-order mark, as some editors on Windows write it, is not part of the JSON
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw new InputError([{ path: "", message: "the input is empty" }], source);
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new InputError([{ path: "", message: `not valid JSON: ${(e as Error).message}` }], source);
  }
}

/** Validates with a zod schema; every problem becomes an InputIssue with a readable path. */
export function parseWithSchema<S extends z.ZodType>(schema: S, data: unknown, source?: string): z.output<S> {
  // reportInput: zod 4 leaves the input out of its issues unless asked, and "is required" is told apart by it
  const result = schema.safeParse(data, { reportInput: true });
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
    } else if (issue.code === "invalid_type" && !issue.message.startsWith("Invalid input")) {
      out.push({ path, message: issue.message }); // the schema's own words
    } else if (issue.code === "invalid_type") {
      out.push({ path, message: `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${kindOf(issue.input)})` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "an array",
};

const kindOf = (x: unknown) =>
  x === null ? "null" : Array.isArray(x) ? "an array" : typeof x === "number" ? `the number ${x}` : typeof x === "string" ? "a string" : typeof x === "object" ? "an object" : typeof x;
