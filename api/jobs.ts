import { Worker } from "node:worker_threads";
import type { RunKind, RunStore } from "./store.js";
import type { WorkerJob, WorkerMessage } from "./worker.js";

/**
 * Runs queued jobs in worker threads, `concurrency` at a time, so a long solve never blocks a
 * request. The queue is the database (status `queued`), so what is queued survives a restart.
 */
/** What the runner tells the metrics: a job taken after waiting, a job ended after solving. */
export interface JobObserver {
  started(kind: RunKind, waitedSeconds: number): void;
  ended(kind: RunKind, outcome: "done" | "failed" | "stopped", seconds: number): void;
}

export class JobRunner {
  private readonly running = new Map<string, Worker>();
  private stopped = false;

  constructor(
    private readonly store: RunStore,
    private readonly concurrency: number,
    private readonly workerUrl: URL = new URL("./worker.js", import.meta.url),
    private readonly observer?: JobObserver,
  ) {}

  /** Starts as many queued jobs as there is room for. */
  pump(): void {
    while (!this.stopped && this.running.size < this.concurrency) {
      const job = this.store.takeNextQueued();
      if (!job) return;
      this.observer?.started(job.kind, Math.max(0, (Date.now() - Date.parse(job.createdAt)) / 1000));
      this.start(job.id, { kind: job.kind, body: job.body, options: job.options });
    }
  }

  private start(id: string, job: WorkerJob): void {
    const worker = new Worker(this.workerUrl, { workerData: job });
    this.running.set(id, worker);
    const began = Date.now();
    let settled = false;
    const settle = (apply: () => void, outcome: "done" | "failed" | "stopped" = "failed") => {
      if (settled) return;
      settled = true;
      this.observer?.ended(job.kind, this.stopped ? "stopped" : outcome, (Date.now() - began) / 1000);
      this.running.delete(id);
      if (!this.stopped) apply();
      void worker.terminate();
      this.pump();
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") this.store.setProgress(id, m.progress);
      else if (m.type === "done") settle(() => this.store.finish(id, m.result, m.progress), "done");
      else settle(() => this.store.fail(id, m.error));
    });
    worker.on("error", (e) => settle(() => this.store.fail(id, `the solver stopped: ${e.message}`)));
    // a terminated worker (cancel, delete) exits without a message; its run's status is already set
    worker.on("exit", (code) => settle(() => this.store.fail(id, `the solver exited (code ${code}) without a result`)));
  }

  /** Stops a job's worker if it runs (the store has already marked it cancelled or deleted it). */
  stop(id: string): void {
    const worker = this.running.get(id);
    if (!worker) return;
    this.running.delete(id);
    void worker.terminate().then(() => this.pump());
  }

  get active(): number {
    return this.running.size;
  }

  /** Server shutdown: workers end, and their runs go back to the queue (not left `running`): the next start runs them. */
  async close(): Promise<number> {
    this.stopped = true;
    const running = [...this.running];
    this.running.clear();
    await Promise.all(running.map(([, w]) => w.terminate()));
    for (const [id] of running) this.store.handBack(id);
    return running.length;
  }
}
