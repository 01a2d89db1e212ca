import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { JobRunner } from "./jobs.js";
import { ServiceMetrics } from "./ops.js";
import { MAX_ATTEMPTS } from "./store.js";
import { LOST_AFTER_SECONDS, PgRunStore, QUEUE } from "./store-postgres.js";

/**
 * `kontinuum worker --db postgres://…`: takes runs from the pg-boss queue, `concurrency` at a time,
 * and solves them in worker threads (the same JobRunner as the embedded server). Every few seconds
 * it sweeps for runs whose worker died (store-postgres.ts). A clean stop (SIGTERM) ends its solves
 * and hands their runs back to the queue, where another worker takes them; nothing is left running.
 * An optional port serves /healthz, /readyz and /metrics (queue wait and solve seconds are observed
 * here, where the jobs run).
 */

export interface WorkerOptions {
  db: string;
  concurrency: number;
  /** the operator's port for health and metrics; none when undefined */
  port?: number;
  host?: string;
  log: (line: string) => void;
}

export interface RunningWorker {
  id: string;
  /** the health/metrics address, when a port was given */
  url: string | null;
  close(): Promise<void>;
}

/** How often each worker sweeps for runs that lost their worker (any live worker will do). */
const SWEEP_MS = 5000;
/** pg-boss polls the queue this often when it is empty (its smallest allowed interval is 0.5 s). */
const POLL_SECONDS = 0.5;

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const store = await PgRunStore.open(options.db, { poolSize: options.concurrency + 4, supervise: true });
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const metrics = new ServiceMetrics(store);
  const runner = new JobRunner(store, options.concurrency, id, undefined, metrics);
  let stopping = false;

  const sweep = async () => {
    try {
      const r = await store.recoverLost(LOST_AFTER_SECONDS);
      if (r.requeued || r.failed) options.log(`${r.requeued + r.failed} run(s) lost their worker: ${r.requeued} queued again, ${r.failed} failed after ${MAX_ATTEMPTS} attempts`);
    } catch (e) {
      options.log(`sweep failed (tried again in ${SWEEP_MS / 1000} s): ${(e as Error).message}`);
    }
  };
  await sweep();
  const sweeper = setInterval(() => void sweep(), SWEEP_MS);

  // one pg-boss poller per slot, each taking one job at a time: `concurrency` solves at most
  for (let i = 0; i < options.concurrency; i++) {
    await store.boss.work<{ runId: string }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS }, async ([job]) => {
      // stopping: the run stays queued; a sweep gives it a new pg-boss job for another worker
      if (!job || stopping) return;
      const run = await store.claim(id, job.data.runId);
      // not queued any more: cancelled or deleted while it waited, or already taken after a sweep
      if (run) await runner.run(run);
    });
  }

  let server: Server | null = null;
  if (options.port !== undefined) {
    server = createServer((req, res) => {
      void (async () => {
        if (req.url === "/healthz") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", worker: id }));
        if (req.url === "/readyz") {
          const database = await store.ping();
          const ready = database && !stopping;
          return void res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ready ? "ready" : "not ready", database: database ? "ok" : "not answering", stopping, running: runner.active }));
        }
        if (req.url === "/metrics") return void res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ status: 404, detail: "a worker answers /healthz, /readyz and /metrics" }));
      })();
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
    });
  }
  const address = server ? (server.address() as AddressInfo) : null;

  return {
    id,
    url: address ? `http://${options.host ?? "127.0.0.1"}:${address.port}` : null,
    async close() {
      stopping = true;
      clearInterval(sweeper);
      // take no new job, then end the solves and hand their runs back (each gets a fresh pg-boss job)
      await store.boss.offWork(QUEUE);
      const handedBack = await runner.close();
      if (handedBack) options.log(`${handedBack} running job(s) handed back to the queue: another worker runs them`);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await store.close();
    },
  };
}
