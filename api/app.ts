import express from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { bearerAuth } from "./auth.js";
import { requireBody } from "./bodies.js";
import { apiContext } from "./context.js";
import type { JobRunner } from "./jobs.js";
import type { CheckPool } from "./check-pool.js";
import { problemHandler, sendProblem } from "./problem.js";
import { openApiDocument, type Route } from "./route.js";
import { callsRoutes } from "./routes-calls.js";
import { homecareRoutes } from "./routes-homecare.js";
import { jobRoutes } from "./routes-jobs.js";
import type { RunStore } from "./store.js";
import type { Logger } from "pino";
import { opsRoutes, requestLog, type ServiceMetrics } from "./ops.js";

/**
 * The HTTP API over what the CLI does: every route is one row of a route table (routes-*.ts), which
 * both registers the handler and describes it in the OpenAPI document, from the same zod schemas.
 */

export interface AppOptions {
  store: RunStore;
  /** null where the jobs run in workers elsewhere */
  jobs: JobRunner | null;
  tokens: readonly string[];
  /** largest request body, as body-parser reads it ("10mb") or in bytes */
  bodyLimit: string | number;
  log: (line: string) => void;
  metrics: ServiceMetrics;
  logger: Logger;
  /** the threads that answer checks; null answers them on the request thread */
  checks?: CheckPool | null;
  /** true once the server has begun to stop (readiness answers 503) */
  stopping: () => boolean;
}

/** Content-Type application/json (what express.json reads by default). */
function isJson(req: IncomingMessage): boolean {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

/** A JSON body's charset is UTF-8 when none is named (RFC 8259) or UTF-8 is. */
function isUtf8(req: IncomingMessage): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

export function createApp(options: AppOptions): express.Express {
  const context = apiContext(options.store, options.jobs, options.checks ?? null);
  const routes: Route[] = [...homecareRoutes(context), ...callsRoutes(context), ...jobRoutes(context)];
  const openapi = openApiDocument(routes);
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(requestLog(options.logger));
  app.use(options.metrics.middleware());
  opsRoutes(app, options.store, options.metrics, options.stopping);
  // the planner's page: static files with no data in them, so no token; the page asks for one
  app.use(express.static(fileURLToPath(new URL("../web/", import.meta.url)), { index: "index.html" }));
  app.use(bearerAuth(options.tokens));
  // verify sees the decoded body: its size (after any Content-Encoding) decides where a check runs.
  // A check's UTF-8 JSON body stays bytes here: its check thread parses it (the request thread did
  // so first, and that was a fifth of its time under issue #19's load); any other JSON is parsed here.
  const checkPaths = new Set(routes.filter((r) => r.checksBody).map((r) => r.path));
  const checkText = (req: IncomingMessage) => checkPaths.has(new URL(req.url ?? "/", "http://x").pathname) && isJson(req) && isUtf8(req);
  const verify = (_req: IncomingMessage, res: ServerResponse, buf: Buffer) => void ((res as express.Response).locals.bodyBytes = buf.length);
  app.use(express.raw({ type: checkText, limit: options.bodyLimit, verify }));
  // strict: false reads any JSON value, so `null` or `"x"` is told "must be a JSON object", not "not valid JSON"
  app.use(express.json({ type: (req) => isJson(req) && !checkText(req), limit: options.bodyLimit, strict: false, verify }));
  app.use(express.raw({ type: "multipart/form-data", limit: options.bodyLimit }));
  app.get("/v1/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  for (const route of routes) {
    app[route.method](route.path, async (req, res) => {
      if (route.accepts) requireBody(req, route.accepts);
      await route.handle(req, res, res.locals.owner as string);
    });
  }
  // a known path with another method: 405 with the methods it has
  for (const path of new Set(routes.map((r) => r.path))) {
    const allow = routes.filter((r) => r.path === path).map((r) => r.method.toUpperCase());
    app.all(path, (req, res) => sendProblem(res, req, 405, `${req.method} is not allowed here; use ${allow.join(" or ")}`, { headers: { Allow: allow.join(", ") } }));
  }
  app.use((req, res) => sendProblem(res, req, 404, `no route ${req.method} ${req.path}; see /v1/openapi.json`));
  app.use(problemHandler(options.log));
  return app;
}
