import { parentPort } from "node:worker_threads";
import { existsSync } from "node:fs";
import { readTextFile, writeTextFile } from "../src/common/files.js";
import { InputError } from "../src/common/errors.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleToCsv, scheduleToJson } from "../src/homecare/schedule-io.js";
import { runHomecare } from "../solver/homecare/run.js";

/**
 * The districts of a municipality run (municipality.ts), one after another in one worker thread: for
 * each job the parent sends, read, solve, validate (runHomecare), write, and report the figures back;
 * the hand-made schedule beside the roster (NAME.before.csv), if there is one, is "before". A bad
 * district reports its problem and the thread takes the next. The thread stays for the next district
 * because a new thread compiles and warms up the whole solver again: eight 80-client districts one
 * after another took 93.6 s (104 s of CPU time, V8's compiler threads on the other core) in new
 * threads and 76.7 s (83 s) in one kept thread, two at a time 51.1 s against 43.5 s, with the same
 * schedules.
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

async function plan(job: DistrictJob): Promise<void> {
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
}

// one district at a time: the parent sends the next only when this one has answered
parentPort!.on("message", (job: DistrictJob) => void plan(job));
