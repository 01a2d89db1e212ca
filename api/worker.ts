import { parentPort } from "node:worker_threads";
import { BrokenRulesError } from "../solver/common/broken-rules.js";
import type { SolveProgress } from "../solver/homecare/search.js";
import { runHomecare } from "../solver/homecare/run.js";
import { runStaffing } from "../solver/calls/run.js";
import type { StaffingProgress } from "../solver/calls/staffing.js";
import { rosterToCsv, staffingFile } from "../src/calls/io.js";
import { scheduleToCsv, scheduleToJson } from "../src/homecare/schedule-io.js";
import { readCallsInput, readHomecareInput, type StoredInput } from "./inputs.js";
import { lowerThisThreadsPriority } from "./thread-priority.js";
import type { JobOptions, Progress, RunKind, RunResult } from "./store.js";

/** Jobs in a worker thread, one after another: read the stored input, solve (validated), post progress and the result. */

export type WorkerMessage =
  | { type: "progress"; progress: Progress }
  | { type: "done"; result: RunResult; progress: Progress | null }
  | { type: "failed"; error: string };

export interface WorkerJob {
  kind: RunKind;
  body: string;
  options: JobOptions;
}

const PROGRESS_EVERY_MS = 250;

function progressPoster<P extends { phase: string; fraction: number; elapsedMs: number }>(best: (p: P) => number, detail: (p: P) => Partial<Progress> = () => ({})) {
  let last = 0;
  let latest: Progress | null = null;
  return {
    update(p: P) {
      latest = { phase: p.phase, fraction: Math.min(1, p.fraction), best: best(p), elapsedSeconds: Math.round(p.elapsedMs / 100) / 10, ...detail(p) };
      if (p.phase === "done" || Date.now() - last >= PROGRESS_EVERY_MS) {
        last = Date.now();
        parentPort!.postMessage({ type: "progress", progress: latest } satisfies WorkerMessage);
      }
    },
    latest: () => latest,
  };
}

async function runJob(job: WorkerJob): Promise<WorkerMessage> {
  const input = JSON.parse(job.body) as StoredInput;
  const options = { seed: job.options.seed, timeLimitSeconds: job.options.timeLimitSeconds };
  const travelWeight = job.options.travelWeight !== undefined ? { travelWeight: job.options.travelWeight } : {};
  if (job.kind === "homecare") {
    const roster = readHomecareInput(input);
    const progress = progressPoster<SolveProgress>((p) => p.best, (p) => ({ unassigned: p.unassigned, distinctStaffSum: p.distinctSum }));
    const run = await runHomecare(roster, { ...options, ...travelWeight, onProgress: progress.update });
    const m = run.metrics;
    return {
      type: "done",
      progress: progress.latest(),
      result: {
        json: JSON.stringify(scheduleToJson(roster, run.schedule, run.metrics)),
        csv: scheduleToCsv(roster, run.schedule),
        metrics: {
          u21401: m.u21401,
          u21402: m.u21402,
          u21436: m.u21436,
          lowerBoundU21401: m.lowerBound.u21401,
          counted: m.counted,
          unassigned: m.unassigned,
          travelMinutes: m.travelMinutes,
          contactPersonShare: m.contactPersonShare,
        },
      },
    };
  }
  const problem = readCallsInput(input);
  const progress = progressPoster<StaffingProgress>((p) => p.serviceLevel);
  try {
    const run = await runStaffing(problem, { ...options, onProgress: progress.update });
    const file = staffingFile(problem, run, job.options.seed);
    return {
      type: "done",
      progress: progress.latest(),
      result: {
        json: JSON.stringify(file),
        csv: rosterToCsv(problem, run.solution.shifts),
        metrics: {
          serviceLevel: file.summary.serviceLevel,
          paymentShare: file.summary.paymentStep.paymentShare,
          abandonedShare: file.summary.abandonedShare,
          understaffedIntervals: file.summary.understaffedIntervals,
          upperBound: file.summary.upperBound,
          todayServiceLevel: file.summary.today?.serviceLevel ?? null,
        },
      },
    };
  } catch (e) {
    if (!(e instanceof BrokenRulesError)) throw e;
    return { type: "failed", error: e.message };
  }
}

// the solve yields the CPU to the requests this process answers (thread-priority.ts)
lowerThisThreadsPriority();
// one job at a time, each as the runner sends it: the thread is kept for the next job (jobs.ts)
parentPort!.on("message", (job: WorkerJob) => {
  runJob(job).then(
    (m) => parentPort!.postMessage(m),
    (e: Error) => parentPort!.postMessage({ type: "failed", error: e.message } satisfies WorkerMessage),
  );
});
