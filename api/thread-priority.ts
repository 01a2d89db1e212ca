import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/**
 * A solve is background work next to the requests the API answers: on two cores, a job's search
 * thread and its bound's HiGHS thread would otherwise take the request thread's share of the CPU
 * (issue 19: validate fell to 80 requests/s while a district solved). On Linux a thread has its own
 * nice value (setpriority on a thread id touches only that thread, and the threads it starts
 * inherit it), so the job's thread lowers its own before it solves. The request thread keeps 0;
 * with nice 10 it weighs about a tenth of the request thread when both want a core, and a solve
 * alone on an idle machine runs at full speed. Elsewhere (no /proc/thread-self) nothing changes.
 */
export const SOLVER_NICE = 10;

export function lowerThisThreadsPriority(nice = SOLVER_NICE): boolean {
  try {
    // "/proc/thread-self" links to "PID/task/TID"
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
