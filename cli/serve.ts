import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { hidePassword, isPostgresUrl } from "../api/db-url.js";
import { readTextFile } from "../src/common/files.js";
import { UsageError, type CliIo } from "./io.js";

/** Tokens from KONTINUUM_TOKENS (comma separated) and a tokens file (one a line, # comments). */
export function readTokens(env: string | undefined, file: string | undefined): string[] {
  const fromFile = file ? readTextFile(file).split(/\r?\n/).map((l) => l.replace(/#.*/, "")) : [];
  const tokens = [...(env ?? "").split(","), ...fromFile].map((t) => t.trim()).filter(Boolean);
  for (const t of tokens) if (/\s/.test(t) || t.length < 8) throw new UsageError("every token must be at least 8 characters with no white space");
  return [...new Set(tokens)];
}

/** `kontinuum serve [--port 8080] [--host 127.0.0.1] [--db ./kontinuum.db] [--tokens-file F] [--workers N] [--max-body 10mb]` */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      db: { type: "string", default: "./kontinuum.db" },
      "tokens-file": { type: "string" },
      workers: { type: "string" },
      "max-body": { type: "string", default: "10mb" },
    },
  });
  if (positionals.length) throw new UsageError("usage: kontinuum serve [--port 8080] [--db ./kontinuum.db] [--tokens-file FILE] [--workers N]");
  const port = portFlag(values.port!);
  const postgres = isPostgresUrl(values.db!);
  if (postgres && values.workers !== undefined) throw new UsageError("--workers is for the embedded SQLite server; with --db postgres://… start `kontinuum worker --db postgres://…` processes to run the jobs");
  const workers = Number(values.workers ?? "1");
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number above 0, got "${values.workers}"`);
  if (!/^\d+(b|kb|mb)?$/i.test(values["max-body"]!)) throw new UsageError(`--max-body must be a size such as 10mb, got "${values["max-body"]}"`);
  const tokens = readTokens(process.env.KONTINUUM_TOKENS, values["tokens-file"]);
  if (!tokens.length) throw new UsageError("the server needs at least one access token: set KONTINUUM_TOKENS=tok1,tok2 or pass --tokens-file FILE");
  // loaded here, so the batch commands do not load express and SQLite
  const { startServer } = await import("../api/server.js");
  const server = await startServer({ port, host: values.host!, dbPath: values.db!, tokens, workers, bodyLimit: values["max-body"]!, log: io.err });
  const runs = postgres ? `PostgreSQL ${hidePassword(values.db!)}, API only: jobs run in kontinuum worker processes` : `database ${values.db}, ${workers} worker${workers === 1 ? "" : "s"}`;
  io.out(`listening on ${server.url} (${runs}, ${tokens.length} token${tokens.length === 1 ? "" : "s"})`);
  await untilSignal();
  await server.close();
  io.out("stopped");
  return 0;
}

/** A TCP port from its flag (0: any free one). */
function portFlag(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${value}"`);
  return port;
}

/** Resolves on SIGINT or SIGTERM: a process manager's stop. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** `kontinuum worker --db postgres://… [--concurrency N] [--port P] [--host H]` */
export async function workerCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      concurrency: { type: "string" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  const usage = "usage: kontinuum worker --db postgres://USER@HOST/DB [--concurrency N] [--port P for /healthz, /readyz, /metrics]";
  if (positionals.length || !values.db) throw new UsageError(usage);
  if (!isPostgresUrl(values.db)) throw new UsageError(`--db must be a postgres:// URL (a worker shares its queue with the API servers); got "${values.db}". The embedded SQLite server runs its own jobs: kontinuum serve --db FILE --workers N`);
  const concurrency = Number(values.concurrency ?? availableParallelism());
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be a whole number 1..64, got "${values.concurrency}"`);
  const port = values.port === undefined ? undefined : portFlag(values.port);
  const { startWorker } = await import("../api/pg-worker.js");
  const worker = await startWorker({ db: values.db, concurrency, ...(port !== undefined ? { port } : {}), host: values.host!, log: io.err });
  io.out(`worker ${worker.id} taking jobs from ${hidePassword(values.db)} (${concurrency} at a time${worker.url ? `; health and metrics on ${worker.url}` : ""})`);
  await untilSignal();
  await worker.close();
  io.out("stopped");
  return 0;
}
