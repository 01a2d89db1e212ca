/**
 * The runs and the inputs they were made from, behind one interface with two back-ends:
 * SQLite (`store-sqlite.ts`: one embedded file, the default, workers in the server's process) and
 * PostgreSQL (`store-postgres.ts`: any number of API servers and workers on any machines). The
 * routes, the job runner and the tests see only this interface. Every input is personal data
 * (client names, addresses, care needs): deleting a run deletes its input, and each back-end says
 * how no copy is left behind.
 */

export type RunKind = "homecare" | "calls";
export type RunStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface Progress {
  phase: string;
  /** 0..1 of the time limit or the move budget */
  fraction: number;
  /** the solver's best objective so far: homecare its weighted cost (lower is better), calls the service level */
  best: number;
  elapsedSeconds: number;
  /** home care: occurrences not yet placed, and the sum over clients of their distinct caregivers */
  unassigned?: number;
  distinctStaffSum?: number;
}

export interface JobOptions {
  timeLimitSeconds: number;
  seed: number;
  /** home care: the planner's trade-off (schedule --travel-weight), when given */
  travelWeight?: number;
}

export interface RunRow {
  id: string;
  kind: RunKind;
  roster: string;
  status: RunStatus;
  options: JobOptions;
  progress: Progress | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** What a worker returns: the spec's JSON and CSV, and the figures a run list shows. */
export interface RunResult {
  json: string;
  csv: string;
  metrics: Record<string, unknown>;
}

/** A run a worker has taken: what it needs to solve it. */
export interface ClaimedRun {
  id: string;
  kind: RunKind;
  body: string;
  options: JobOptions;
  createdAt: string;
}

/**
 * A run a worker lost (its process ended mid-job) is tried once more, on any worker; lost a second
 * time, it is failed with the reason (its input is kept, so it can be submitted again), never left
 * `running`.
 */
export const MAX_ATTEMPTS = 2;

export interface RunStore {
  readonly backend: "sqlite" | "postgres";
  // what the API does for a caller: every read and write is scoped to the caller's token (owner)
  createRun(owner: string, kind: RunKind, name: string, body: string, options: JobOptions): Promise<RunRow>;
  getRun(owner: string, id: string): Promise<RunRow | null>;
  /** newest first; with a roster name, only that roster's runs */
  listRuns(owner: string, roster?: string, limit?: number): Promise<RunRow[]>;
  result(owner: string, id: string, format: "json" | "csv"): Promise<string | null>;
  /** the input a run was made from, as stored */
  input(owner: string, id: string): Promise<string | null>;
  /** cancels a queued or running run; returns the status it had (null when not this owner's) */
  cancel(owner: string, id: string): Promise<RunStatus | null>;
  /** deletes a run and its input, leaving no copy (see each back-end); returns the status it had */
  deleteRun(owner: string, id: string): Promise<RunStatus | null>;
  // what the operator sees
  /** runs per status, of every owner (the metrics) */
  countByStatus(): Promise<Record<RunStatus, number>>;
  /** whether the database answers (readiness) */
  ping(): Promise<boolean>;
  // what a worker does
  /**
   * Takes a queued run for `worker` (that run, or with no id the oldest queued) and marks it
   * running, counting the attempt; null when it is not queued any more (cancelled, deleted, taken).
   */
  claim(worker: string, id?: string): Promise<ClaimedRun | null>;
  /** records progress (and that the worker is alive); false when the run is no longer this worker's: stop solving */
  setProgress(id: string, worker: string, progress: Progress | null): Promise<boolean>;
  finish(id: string, worker: string, result: RunResult, progress: Progress | null): Promise<void>;
  fail(id: string, worker: string, error: string): Promise<void>;
  /** a clean stop gives a running run back to the queue, not counted as an attempt */
  handBack(id: string, worker: string): Promise<void>;
  close(): Promise<void>;
}

export const emptyCounts = (): Record<RunStatus, number> => ({ queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 });

/** The message a run failed after MAX_ATTEMPTS lost workers carries. */
export const lostTwiceMessage = (what: string) => `${what} while this job was running, ${MAX_ATTEMPTS} times; submit it again to rerun it`;
