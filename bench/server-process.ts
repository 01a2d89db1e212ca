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

export function startWorkerProcess(db: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["bin/kontinuum.js", "worker", "--db", db, "--concurrency", "1", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start:\n${output}`)), 20_000);
    let started = false;
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`the worker exited (${code}):\n${output}`));
    });
    child.stdout!.on("data", () => {
      const id = /worker (\S+) taking jobs/.exec(output)?.[1];
      if (!id || started) return;
      started = true;
      clearTimeout(timer);
      resolve({
        id,
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

export function startServerProcess(args: string[] = [], options: { dbPath?: string; tokens?: string } = {}): Promise<ServerProcess> {
  const dbPath = options.dbPath ?? tempDb();
  const child = spawn(process.execPath, ["bin/kontinuum.js", "serve", "--port", "0", "--db", dbPath, ...args], {
    env: { ...process.env, KONTINUUM_TOKENS: options.tokens ?? `${TOKEN_A},${TOKEN_B}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 20_000);
    let started = false;
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`the server exited (${code}):\n${output}`));
    });
    child.stdout!.on("data", () => {
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url || started) return;
      started = true;
      clearTimeout(timer);
      resolve({
        url,
        dbPath,
        process: child,
        log: () => output,
        async stop(signal = "SIGTERM") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
        request(path, init = {}) {
          const { token = TOKEN_A, ...rest } = init;
          const headers = new Headers(rest.headers);
          if (token !== null) headers.set("authorization", `Bearer ${token}`);
          return fetch(url + path, { ...rest, headers });
        },
      });
    });
  });
}

