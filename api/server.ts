import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { InputError } from "../src/common/errors.js";
import { createApp } from "./app.js";
import { CheckPool } from "./check-pool.js";
import { DatabaseLock } from "./db-lock.js";
import { JobRunner } from "./jobs.js";
import { MAX_ATTEMPTS, type RunStore } from "./store.js";
import { SqliteRunStore } from "./store-sqlite.js";
import { isPostgresUrl } from "./db-url.js";
import { PgRunStore } from "./store-postgres.js";
import { createLogger, ServiceMetrics } from "./ops.js";

export interface ServeOptions {
  port: number;
  host: string;
  /** a SQLite file (the embedded deployment) or a postgres:// URL (API only; `kontinuum worker` solves) */
  dbPath: string;
  tokens: readonly string[];
  /** jobs solved at once in this process (SQLite only); the rest wait in the queue */
  workers: number;
  bodyLimit: string;
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * SQLite: takes the database's lock, binds the port, and only then touches the jobs: runs a previous
 * stop interrupted are queued again (or failed), and the job runner starts. A second server on the
 * same database, or a port in use, stops with an input error before anything stored is changed.
 * PostgreSQL: the HTTP API only, any number of them; `kontinuum worker` processes run the jobs.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!options.tokens.length) throw new Error("no tokens: the server does not start without at least one");
  if (isPostgresUrl(options.dbPath)) {
    const store = await PgRunStore.open(options.dbPath);
    try {
      return await serveApi(store, null, options, async () => {});
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const lock = new DatabaseLock(options.dbPath);
  let store: SqliteRunStore | undefined;
  try {
    store = new SqliteRunStore(options.dbPath);
    const opened = store;
    const metrics = new ServiceMetrics(store);
    const jobs = new JobRunner(store, options.workers, `embedded:${process.pid}`, undefined, metrics);
    const running = await serveApi(store, jobs, options, async () => {
      const handedBack = await jobs.close();
      if (handedBack) options.log(`${handedBack} running job(s) handed back to the queue: the next start runs them`);
      lock.release();
    }, metrics);
    const interrupted = opened.recoverInterrupted();
    if (interrupted.requeued || interrupted.failed)
      options.log(`${interrupted.requeued + interrupted.failed} job(s) were running when the server last stopped: ${interrupted.requeued} queued again, ${interrupted.failed} failed after ${MAX_ATTEMPTS} attempts`);
    jobs.pump();
    return running;
  } catch (e) {
    await store?.close();
    lock.release();
    throw e;
  }
}

/** Binds the port and serves the API over the store; `stopJobs` runs on close, before the store closes. */
async function serveApi(store: RunStore, jobs: JobRunner | null, options: ServeOptions, stopJobs: () => Promise<void>, metrics = new ServiceMetrics(store)): Promise<RunningServer> {
  let stopping = false;
  const checks = new CheckPool();
  const app = createApp({ store, jobs, checks, tokens: options.tokens, bodyLimit: options.bodyLimit, log: options.log, metrics, logger: createLogger(), stopping: () => stopping });
  let server: Server;
  try {
    server = await listen(app, options);
  } catch (e) {
    await checks.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      stopping = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await checks.close();
      await stopJobs();
      await store.close();
    },
  };
}

/** Listens on the port; a port in use or not allowed is an input error naming it. */
function listen(app: Express, options: ServeOptions): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host);
    s.once("listening", () => resolve(s));
    s.once("error", (e: NodeJS.ErrnoException) => {
      const why = e.code === "EADDRINUSE" ? "the port is in use" : e.code === "EACCES" ? "this user may not listen on it" : e.code === "EADDRNOTAVAIL" ? "no such address on this machine" : e.message;
      reject(new InputError([{ path: `--port ${options.port} --host ${options.host}`, message: why }]));
    });
  });
}
