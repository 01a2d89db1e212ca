/**
 * One search of a portfolio (run.ts), in a worker thread: the roster and options come as
 * workerData (structured clone keeps the roster's Sets and Maps), progress and the result go back
 * as messages.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Roster } from "../../src/homecare/model.js";
import { solveHomecare, type SolveOptions } from "./search.js";

const { roster, options } = workerData as { roster: Roster; options: Omit<SolveOptions, "onProgress"> };
let last = 0;
const result = solveHomecare(roster, {
  ...options,
  onProgress: (progress) => {
    // the search reports at most every 250 ms already; the final report always goes
    if (progress.phase === "done" || Date.now() - last > 200) parentPort!.postMessage({ progress });
    last = Date.now();
  },
});
parentPort!.postMessage({ result });
