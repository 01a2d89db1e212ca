import { parentPort, workerData } from "node:worker_threads";
import { existsSync } from "node:fs";
import { readTextFile, writeTextFile } from "../src/common/files.js";
import { InputError } from "../src/common/errors.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleToCsv, scheduleToJson } from "../src/homecare/schedule-io.js";
import { runHomecare } from "../solver/homecare/run.js";

/**
 * One district of a municipality run (municipality.ts), in its own worker thread: read, solve,
 * validate (runHomecare), write, and report the figures back; the hand-made schedule beside the
 * roster (NAME.before.csv), if there is one, is "before". A bad district reports its problem.
 */
export interface DistrictJob {
  rosterPath: string;
  beforePath: string | null;
  outPath: string;
  csvPath: string | null;
  seed: number;
  timeLimitSeconds: number;
  travelWeight: number;
  /** the per-district lower bound (HiGHS, on a core of its own) */
  bound: boolean;
}

const job = workerData as DistrictJob;
try {
  const roster = readRoster(readTextFile(job.rosterPath), job.rosterPath);
  const before = job.beforePath && existsSync(job.beforePath) ? computeMetrics(roster, readSchedule(readTextFile(job.beforePath), roster, job.beforePath)) : null;
  const run = await runHomecare(roster, {
    seed: job.seed,
    timeLimitSeconds: job.timeLimitSeconds,
    travelWeight: job.travelWeight,
    bound: job.bound,
    onProgress: (p) => parentPort!.postMessage({ kind: "progress", fraction: p.fraction }),
  });
  writeTextFile(job.outPath, JSON.stringify(scheduleToJson(roster, run.schedule, run.metrics), null, 2) + "\n");
  if (job.csvPath) writeTextFile(job.csvPath, scheduleToCsv(roster, run.schedule));
  parentPort!.postMessage({ kind: "done", name: roster.name, clients: roster.clients.length, before, after: run.metrics, seconds: run.elapsedMs / 1000 });
} catch (e) {
  parentPort!.postMessage({ kind: "failed", message: e instanceof InputError ? e.message : `internal error: ${(e as Error).message}` });
}
