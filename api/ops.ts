import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type express from "express";
import { destination, pino, type Logger } from "pino";
import { pinoHttp } from "pino-http";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobObserver } from "./jobs.js";
import type { RunStatus, RunStore } from "./store.js";

/**
 * What an operator watches (issue 19): `/healthz` (the process answers), `/readyz` (the database
 * answers and the server is not stopping), Prometheus metrics at `/metrics` (prom-client: jobs by
 * state, queue wait, solve seconds, request latency, and Node's own), and one JSON log line per
 * request (pino) carrying a request id, taken from `X-Request-Id` or made, and sent back in it.
 * None of these needs a token: they carry counts and timings, never a roster.
 */

/** Latency buckets in seconds: a check is milliseconds, a large roster's validation seconds. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30];
/** Queue wait and solve time: seconds to an hour (the largest time limit a job may ask). */
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export class ServiceMetrics implements JobObserver {
  readonly registry = new Registry();
  private readonly request: Histogram<"method" | "route" | "status">;
  private readonly wait: Histogram<"kind">;
  private readonly solve: Histogram<"kind" | "outcome">;

  constructor(store: RunStore) {
    collectDefaultMetrics({ register: this.registry, prefix: "kontinuum_" });
    this.request = new Histogram({ name: "kontinuum_http_request_duration_seconds", help: "HTTP request latency by route and status", labelNames: ["method", "route", "status"], buckets: REQUEST_BUCKETS, registers: [this.registry] });
    this.wait = new Histogram({ name: "kontinuum_job_queue_wait_seconds", help: "Time a job waited in the queue before a worker took it", labelNames: ["kind"], buckets: JOB_BUCKETS, registers: [this.registry] });
    this.solve = new Histogram({ name: "kontinuum_job_solve_seconds", help: "Time a job ran in its worker, by how it ended", labelNames: ["kind", "outcome"], buckets: JOB_BUCKETS, registers: [this.registry] });
    new Gauge({
      name: "kontinuum_jobs",
      help: "Runs in the store by state",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        const counts = await store.countByStatus();
        for (const state of Object.keys(counts) as RunStatus[]) this.set({ state }, counts[state]);
      },
    });
  }

  started(kind: string, waitedSeconds: number): void {
    this.wait.observe({ kind }, waitedSeconds);
  }

  ended(kind: string, outcome: string, seconds: number): void {
    this.solve.observe({ kind, outcome }, seconds);
  }

  /** Times every request; the route label is the route's pattern (never an id), so the label set stays small. */
  middleware(): express.RequestHandler {
    return (req, res, next) => {
      const start = process.hrtime.bigint();
      res.on("finish", () => {
        const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
        this.request.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - start) / 1e9);
      });
      next();
    };
  }
}

/** The JSON logger: stderr by default (a process manager collects it), `silent` in quiet tests. */
export function createLogger(level = process.env.KONTINUUM_LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { service: "kontinuum" } }, destination(2));
}

/** One log line per request, with its id (X-Request-Id in and out). */
export function requestLog(logger: Logger): express.RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    // the body may hold personal data: the line has the method, path, status and time, no body, no token
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }) as unknown as express.RequestHandler;
}

/** /healthz, /readyz and /metrics, before authentication. */
export function opsRoutes(app: express.Express, store: RunStore, metrics: ServiceMetrics, stopping: () => boolean): void {
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const database = await store.ping();
    const ready = database && !stopping();
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", database: database ? "ok" : "not answering", stopping: stopping() });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
