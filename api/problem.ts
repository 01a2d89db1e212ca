import type { NextFunction, Request, Response } from "express";
import { STATUS_CODES } from "node:http";
import { InputError, InputTooLargeError } from "../src/common/errors.js";
import { RequestInputError, type LocatedIssue } from "./inputs.js";

/** Errors as RFC 9457 problem details (`application/problem+json`), never a stack trace. */

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly extra: { type?: string; errors?: LocatedIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export const INVALID_INPUT = "urn:kontinuum:problem:invalid-input";
export const INPUT_TOO_LARGE = "urn:kontinuum:problem:input-too-large";

export function sendProblem(res: Response, req: Request, status: number, detail: string, extra: HttpProblem["extra"] = {}): void {
  for (const [k, v] of Object.entries(extra.headers ?? {})) res.setHeader(k, v);
  res
    .status(status)
    .type("application/problem+json")
    .send(
      JSON.stringify({
        type: extra.type ?? "about:blank",
        title: STATUS_CODES[status] ?? "Error",
        status,
        detail,
        instance: req.originalUrl,
        ...(extra.errors ? { errors: extra.errors } : {}),
      }),
    );
}

/** body-parser's own errors (too large, malformed JSON, bad charset) carry a status and a type. */
const BODY_ERRORS: Record<string, string> = {
  "entity.too.large": "the request body is larger than the server accepts",
  "entity.parse.failed": "the body is not valid JSON",
  "charset.unsupported": "the body's charset is not supported (send UTF-8)",
  "encoding.unsupported": "the body's content encoding is not supported",
  "request.aborted": "the request was aborted",
  "entity.verify.failed": "the body could not be verified",
};

export function problemHandler(log: (line: string) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof HttpProblem) return sendProblem(res, req, err.status, err.message, err.extra);
    if (err instanceof InputError) err = new RequestInputError(err.issues.map((i) => ({ in: "body", ...i })), err instanceof InputTooLargeError);
    if (err instanceof RequestInputError) {
      const n = err.issues.length;
      if (err.tooLarge) return sendProblem(res, req, 413, `the input is larger than one request may be:\n${err.message}`, { type: INPUT_TOO_LARGE, errors: err.issues });
      return sendProblem(res, req, 400, `the input has ${n} problem${n === 1 ? "" : "s"}:\n${err.message}`, { type: INVALID_INPUT, errors: err.issues });
    }
    const e = err as { type?: string; status?: number; message?: string; limit?: number; code?: string };
    if (e.type && BODY_ERRORS[e.type] && e.status && e.status < 500) {
      const detail = e.type === "entity.too.large" && e.limit ? `${BODY_ERRORS[e.type]} (at most ${e.limit} bytes)` : e.type === "entity.parse.failed" ? `${BODY_ERRORS[e.type]}: ${e.message}` : BODY_ERRORS[e.type]!;
      return sendProblem(res, req, e.status, detail);
    }
    // any other error body-parser marks as the client's (a gzip or br body that does not decompress: zlib's own error, status 400)
    if (e.status && e.status >= 400 && e.status < 500)
      return sendProblem(res, req, e.status, `the body could not be read${e.code?.startsWith("Z_") || e.code?.startsWith("ERR_") ? " (its Content-Encoding does not decode)" : ""}: ${e.message}`);
    log(`internal error on ${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}`);
    sendProblem(res, req, 500, "an internal error; it has been logged");
  };
}
