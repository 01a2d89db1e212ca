import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real `kontinuum serve` in its own process on a free localhost port with a real database
 * file: the built binary, as a planner would start it. Used by the API tests and the load bench.
 */
export interface ServerProcess {
  url: string;
  dbPath: string;
  process: ChildProcess;
  log: () => string;
  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves when the process has gone */
  stop(signal?: NodeJS.Signals): Promise<void>;
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<globalThis.Response>;
}

export const TOKEN_A = "token-alpha-0001";
export const TOKEN_B = "token-bravo-0002";

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), "kontinuum-api-")), "runs.db");
}

/** A real `kontinuum worker --db postgres://…` in its own process, started once it says it takes jobs. */
export interface WorkerProcess {
  id: string;
  process: ChildProcess;
  log: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

interface Started {
  /** what the `ready` pattern caught: the server's URL, the worker's id */
  found: string;
  process: ChildProcess;
  log: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns the CLI and resolves once its output matches `ready` (20 s at most); rejects with the output if it exits first. */
function startCliProcess(what: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, ["bin/kontinuum.js", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${what} did not start:\n${output}`)), 20_000);
    let started = false;
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`the ${what} exited (${code}):\n${output}`));
    });
    child.stdout!.on("data", () => {
      // once started, no more matching: under load the server logs a line per request, and searching
      // the whole output again for every chunk took the load generator's core (issue #19's bench)
      if (started) return;
      const found = ready.exec(output)?.[1];
      if (!found) return;
      started = true;
      clearTimeout(timer);
      resolve({
        found,
        process: child,
        log: () => output,
        async stop(signal = "SIGTERM") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });
}

export async function startWorkerProcess(db: string, args: string[] = []): Promise<WorkerProcess> {
  const { found, ...rest } = await startCliProcess("worker", ["worker", "--db", db, "--concurrency", "1", ...args], process.env, /worker (\S+) taking jobs/);
  return { id: found, ...rest };
}

export async function startServerProcess(args: string[] = [], options: { dbPath?: string; tokens?: string } = {}): Promise<ServerProcess> {
  const dbPath = options.dbPath ?? tempDb();
  const env = { ...process.env, KONTINUUM_TOKENS: options.tokens ?? `${TOKEN_A},${TOKEN_B}` };
  const { found: url, ...rest } = await startCliProcess("server", ["serve", "--port", "0", "--db", dbPath, ...args], env, /listening on (http:\/\/\S+)/);
  return {
    url,
    dbPath,
    ...rest,
    request(path, init = {}) {
      const { token = TOKEN_A, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set("authorization", `Bearer ${token}`);
      return fetch(url + path, { ...rest, headers });
    },
  };
}
