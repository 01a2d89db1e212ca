import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { LocatedIssue } from "./inputs.js";

/**
 * The threads that answer the checks (validate, score, compare, explain, recommend, replan,
 * restaff) of bodies small enough to need no budget: one per core, started with the server and
 * kept. The request thread only reads HTTP and answers; parsing, normalizing and the rule checks
 * run here, on every core (issue #19: on the request thread they were two thirds of its time, and
 * a re-plan of up to a minute held every other request behind it). Each thread keeps its own
 * roster cache. Tasks wait in arrival order for the first free thread.
 */

export type CheckKind = "validate" | "score" | "compare" | "replan" | "explain" | "recommend" | "restaff";

/** What a check is given: the body's UTF-8 bytes as they came (parsed where the check runs) or the parsed body. */
export type CheckInput = { text: Uint8Array } | { body: unknown };

/** A check's answer as plain data, as a thread posts it back (checks.ts `checkReply`). */
export type CheckReply = { ok: true; json: string } | { ok: false; issues: LocatedIssue[]; tooLarge: boolean } | { ok: false; notJson: string } | { ok: false; error: string };

interface Task {
  kind: CheckKind;
  input: CheckInput;
  resolve: (reply: CheckReply) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

export class CheckPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private closed = false;

  constructor(readonly size = availableParallelism()) {
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  /** The check's reply from the first free thread. */
  run(kind: CheckKind, input: CheckInput): Promise<CheckReply> {
    if (this.closed) return Promise.reject(new Error("the check threads are stopped"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ kind, input, resolve, reject });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new Error("the server is stopping"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot {
    const worker = new Worker(new URL("./check-worker.js", import.meta.url), { workerData: { pool: true } });
    // the threads never keep a process alive that has nothing else to do
    worker.unref();
    const slot: Slot = { worker, task: null };
    worker.on("message", (reply: CheckReply) => {
      const task = slot.task;
      slot.task = null;
      task?.resolve(reply);
      this.next();
    });
    // a thread that fails outside a check (out of memory, a crash) fails its task and is replaced
    const lost = (e: Error) => {
      const task = slot.task;
      slot.task = null;
      task?.reject(e);
      if (this.closed) return;
      const k = this.slots.indexOf(slot);
      if (k >= 0) this.slots[k] = this.start();
      this.next();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => {
      if (this.slots.includes(slot)) lost(new Error(`a check thread stopped (exit code ${code})`));
    });
    return slot;
  }

  private next(): void {
    for (const slot of this.slots) {
      if (slot.task || !this.waiting.length) continue;
      const task = this.waiting.shift()!;
      slot.task = task;
      slot.worker.postMessage({ kind: task.kind, input: task.input });
    }
  }
}
