import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import { sendProblem } from "./problem.js";

/** Tokens are kept as SHA-256 hashes, never in the database: a run's owner is its token's hash. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** `Authorization: Bearer TOKEN` with a known token, or 401; the owner goes to `res.locals.owner`. */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  const owners = new Set(tokens.map(hashToken));
  return (req, res, next) => {
    const header = req.headers.authorization ?? "";
    const token = /^Bearer +(\S+)$/i.exec(header)?.[1];
    if (!token || !owners.has(hashToken(token)))
      return sendProblem(res, req, 401, token ? "the bearer token is not a known one" : "send Authorization: Bearer <token>", { headers: { "WWW-Authenticate": 'Bearer realm="kontinuum"' } });
    res.locals.owner = hashToken(token);
    next();
  };
}
