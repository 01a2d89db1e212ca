import { Worker } from "node:worker_threads";
import type { ClaimedRun, Progress, RunKind, RunStore } from "./store.js";
import type { WorkerJob, WorkerMessage } from "./worker.js";

/**
 * Runs claimed jobs in worker threads, so a long solve never blocks a request or the heartbeat.
 * The same runner serves both deployments: the embedded server pumps it from the SQLite queue
 * (`pump`), a PostgreSQL worker hands it each run pg-boss delivers (`run`). While a job solves, the
 * runner writes its progress and heartbeat once a second; when the store refuses it (the run was
 * cancelled or deleted, possibly through another machine, or given to another worker) the solve stops.
 */

/** What the runner tells the metrics: a job taken after waiting, a job ended after solving. */
export interface JobObserver {
  started(kind: RunKind, waitedSeconds: number): void;
  ended(kind: RunKind, outcome: "done" | "failed" | "stopped", seconds: number): void;
}

/** How often progress and the heartbeat are written (the PostgreSQL store's sweep counts on it). */
export const HEARTBEAT_MS = 1000;

/**
 * Threads that finished a job wait here for the next (at most `concurrency`): a new thread compiles
 * and warms up the solver again (eight 80-client districts one after another took 104 s of CPU time
 * in new threads, 83 s in one kept thread: kontinuum schedule, district-worker.ts). A thread whose
 * job was stopped or failed, or that crashed or exited, is ended, never reused.
 */
interface Thread {
  worker: Worker;
  /** the running job's handler of the thread's events; null while the thread waits */
  handle: ((e: { kind: "message"; message: WorkerMessage } | { kind: "error"; error: Error } | { kind: "exit"; code: number }) => void) | null;
}

interface Running {
  worker: Worker;
  /** ends the job without writing a result: its run's status is already set elsewhere, or it is handed back */
  abandon: () => Promise<void>;
}

export class JobRunner {
  private readonly running = new Map<string, Running>();
  private readonly idle: Thread[] = [];
  private stopped = false;
  private pumping = false;

  constructor(
    private readonly store: RunStore,
    private readonly concurrency: number,
    /** whose runs these are, in the store: one id per process */
    readonly workerId: string,
    private readonly workerUrl: URL = new URL("./worker.js", import.meta.url),
    private readonly observer?: JobObserver,
  ) {}

  /** Embedded deployment: starts as many of the oldest queued jobs as there is room for. */
  pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    void (async () => {
      try {
        while (!this.stopped && this.running.size < this.concurrency) {
          const job = await this.store.claim(this.workerId);
          if (!job) return;
          void this.run(job).then(() => this.pump());
        }
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** Solves one claimed run to its end (done, failed, or stopped); resolves once its status is written. */
  run(job: ClaimedRun): Promise<void> {
    this.observer?.started(job.kind, Math.max(0, (Date.now() - Date.parse(job.createdAt)) / 1000));
    const payload: WorkerJob = { kind: job.kind, body: job.body, options: job.options };
    const thread = this.idle.pop() ?? this.newThread();
    const { worker } = thread;
    worker.ref();
    const began = Date.now();
    return new Promise<void>((resolve) => {
      let settled = false;
      let latest: Progress | null = null;
      let unsent = false;
      /** `reuse`: the thread answered with a result and is free for the next job */
      const settle = async (outcome: "done" | "failed" | "stopped", write: () => Promise<void>, reuse = false) => {
        if (settled) return;
        settled = true;
        clearInterval(beat);
        this.running.delete(job.id);
        this.observer?.ended(job.kind, outcome, (Date.now() - began) / 1000);
        thread.handle = null;
        if (reuse && !this.stopped && this.idle.length < this.concurrency) {
          // a waiting thread does not keep the process alive
          worker.unref();
          this.idle.push(thread);
        } else await worker.terminate();
        try {
          await write();
        } finally {
          resolve();
        }
      };
      const beat = setInterval(() => {
        const progress = unsent ? latest : null;
        unsent = false;
        this.store.setProgress(job.id, this.workerId, progress).then(
          (mine) => void (mine || settle("stopped", async () => {})),
          () => {}, // a missed heartbeat: the next one tries again
        );
      }, HEARTBEAT_MS);
      this.running.set(job.id, { worker, abandon: () => settle("stopped", async () => {}) });
      thread.handle = (e) => {
        if (e.kind === "error") void settle("failed", () => this.store.fail(job.id, this.workerId, `the solver stopped: ${e.error.message}`));
        else if (e.kind === "exit") void settle("failed", () => this.store.fail(job.id, this.workerId, `the solver exited (code ${e.code}) without a result`));
        else if (e.message.type === "progress") {
          latest = e.message.progress;
          unsent = true;
        } else if (e.message.type === "done") {
          const { result, progress } = e.message;
          void settle("done", () => this.store.finish(job.id, this.workerId, result, progress ?? latest), true);
        } else {
          const { error } = e.message;
          // not reused: the error may have left the thread's HiGHS instance in doubt (lp.ts)
          void settle("failed", () => this.store.fail(job.id, this.workerId, error));
        }
      };
      worker.postMessage(payload);
    });
  }

  /** A worker thread whose events go to the job it runs; one that dies while it waits leaves the pool. */
  private newThread(): Thread {
    const thread: Thread = { worker: new Worker(this.workerUrl), handle: null };
    thread.worker.on("message", (message: WorkerMessage) => thread.handle?.({ kind: "message", message }));
    thread.worker.on("error", (error) => thread.handle?.({ kind: "error", error }));
    thread.worker.on("exit", (code) => {
      thread.handle?.({ kind: "exit", code });
      const k = this.idle.indexOf(thread);
      if (k >= 0) this.idle.splice(k, 1);
    });
    return thread;
  }

  /** Stops a job's solve at once if it runs here (the store has already marked it cancelled or deleted it). */
  stop(id: string): void {
    void this.running.get(id)?.abandon();
  }

  get active(): number {
    return this.running.size;
  }

  /** Shutdown: solves end, and their runs go back to the queue (never left `running`): the next worker runs them. */
  async close(): Promise<number> {
    this.stopped = true;
    const running = [...this.running];
    await Promise.all([...running.map(([, r]) => r.abandon()), ...this.idle.splice(0).map((t) => t.worker.terminate())]);
    for (const [id] of running) await this.store.handBack(id, this.workerId);
    return running.length;
  }
}
