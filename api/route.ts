import type { Request, Response } from "express";
import type { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import * as S from "./schemas.js";

/** One row of the API: the handler and its OpenAPI description, from the same zod schemas. */

export type Handler = (req: Request, res: Response, owner: string) => void | Promise<void>;
export interface Route {
  method: "get" | "post" | "delete";
  path: string;
  doc: ZodOpenApiOperationObject;
  /** request content types the route reads; none for a route without a body */
  accepts?: string[];
  /** a check (checks.ts): a UTF-8 JSON body is left unparsed here and read on the check threads */
  checksBody?: true;
  handle: Handler;
}

export const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
export const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: S.problem } } });
export const COMMON_PROBLEMS = {
  "400": problemResponse("bad input: each problem with the request part and path"),
  "401": problemResponse("no bearer token, or not a known one"),
  "413": problemResponse("the body is larger than the server accepts"),
  "415": problemResponse("a content type the route does not read"),
};

/** The OpenAPI 3.1 document of the routes: it cannot drift from what the server checks. */
export function openApiDocument(routes: Route[]) {
  const paths: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    paths[path] = { ...paths[path], [r.method]: { ...r.doc, security: [{ bearer: [] }] } };
  }
  paths["/v1/openapi.json"] = { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } }, security: [{ bearer: [] }] } };
  return createDocument({
    openapi: "3.1.0",
    info: { title: "Kontinuum", version: "1", description: "Continuity scheduling for hemtjänst and nurse shifts for 1177. Every request needs a bearer token; errors are RFC 9457 problem details." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  });
}
