import type { CallsProblem } from "../src/calls/model.js";
import { InputError, InputTooLargeError } from "../src/common/errors.js";
import { callsFromValue, readCallRowsCsv } from "../src/calls/io.js";
import { rosterFromValue } from "../src/homecare/roster-io.js";
import type { Roster } from "../src/homecare/model.js";

/**
 * A job's input as stored with its run: the JSON document (roster or calls input) and, for 1177,
 * the telephony CSVs that came beside it. Read the same way when a job is submitted (to answer
 * 400 at once) and when a worker takes it.
 */
export interface StoredInput {
  document: unknown;
  history?: string;
  forecast?: string;
}

/** An input problem located in a request: which part (`body`, `roster`, `schedule`, `history`…) and the path in it. */
export interface LocatedIssue {
  in: string;
  path: string;
  message: string;
}

/** The API's input error: the CLI's paths, plus which part of the request they are in. */
export class RequestInputError extends Error {
  constructor(
    readonly issues: LocatedIssue[],
    /** beyond a limit (413), not malformed (400) */
    readonly tooLarge = false,
  ) {
    super(issues.map((i) => `${i.in}: ${i.path || "(root)"}: ${i.message}`).join("\n"));
  }
}

/** Runs a reader of one part of a request; its InputError becomes a RequestInputError naming that part. */
export function inPart<T>(part: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof InputError) throw new RequestInputError(e.issues.map((i) => ({ in: part, ...i })), e instanceof InputTooLargeError);
    throw e;
  }
}

export function readHomecareInput(input: StoredInput): Roster {
  return inPart("body", () => rosterFromValue(input.document));
}

const CSV_PARTS = ["history", "forecast"] as const;

/** A CSV row's problem found while placing it in the period (path `history line 5.start`) belongs to that CSV part. */
function inCsvPart(issue: LocatedIssue): LocatedIssue {
  const part = CSV_PARTS.find((p) => issue.path.startsWith(`${p} line `));
  return part ? { ...issue, in: part, path: issue.path.slice(part.length + 1) } : issue;
}

/** `documentPart`: `body` when the calls input is the JSON body, `calls` when it is a multipart part. */
export function readCallsInput(input: StoredInput, documentPart = "body"): CallsProblem {
  const [history, forecast] = CSV_PARTS.map((part) => {
    const text = input[part];
    return text === undefined ? undefined : inPart(part, () => readCallRowsCsv(text, part));
  });
  try {
    return inPart(documentPart, () => callsFromValue(input.document, undefined, { ...(history ? { history } : {}), ...(forecast ? { forecast } : {}) }));
  } catch (e) {
    if (!(e instanceof RequestInputError)) throw e;
    throw new RequestInputError(e.issues.map(inCsvPart), e.tooLarge);
  }
}

