import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { JobRunner } from "./jobs.js";
import { RunStore } from "./store.js";

export interface ServeOptions {
  port: number;
  host: string;
  dbPath: string;
  tokens: readonly string[];
  /** jobs solved at once; the rest wait in the queue */
  workers: number;
  bodyLimit: string;
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Opens the database (failing runs a previous stop interrupted), starts the job runner and listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!options.tokens.length) throw new Error("no tokens: the server does not start without at least one");
  const store = new RunStore(options.dbPath);
  const interrupted = store.failInterrupted();
  if (interrupted) options.log(`${interrupted} job(s) were running when the server last stopped: marked failed`);
  const jobs = new JobRunner(store, options.workers);
  const app = createApp({ store, jobs, tokens: options.tokens, bodyLimit: options.bodyLimit, log: options.log });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, () => resolve(s));
    s.once("error", reject);
  });
  jobs.pump();
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await jobs.close();
      store.close();
    },
  };
}
