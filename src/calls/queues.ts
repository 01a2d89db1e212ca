import type { CallsProblem, Demand } from "./model.js";
import { queuePerformance, requiredNurses, type QueueInput, type QueuePerformance } from "./erlang.js";

/** Per-interval queue figures for any number of nurses, computed once and kept (staffing asks often). */
export class IntervalQueues {
  readonly inputs: QueueInput[];
  private readonly cache: Map<number, QueuePerformance>[];
  private readonly requiredCache: (number | undefined)[];

  constructor(
    readonly problem: CallsProblem,
    readonly demand: Demand,
  ) {
    this.inputs = demand.offered.map((offered, i) => ({
      offered,
      handleTimeSeconds: demand.handleTimeSeconds[i]!,
      intervalSeconds: problem.intervalMinutes * 60,
      thresholdSeconds: problem.target.thresholdSeconds,
      patienceSeconds: problem.target.patienceSeconds,
    }));
    this.cache = this.inputs.map(() => new Map());
    this.requiredCache = new Array(this.inputs.length);
  }

  performance(i: number, nurses: number): QueuePerformance {
    const c = this.cache[i]!;
    let p = c.get(nurses);
    if (!p) {
      p = queuePerformance(nurses, this.inputs[i]!);
      c.set(nurses, p);
    }
    return p;
  }

  /** Calls of interval i answered within the threshold with n nurses: what the solver maximizes. */
  value(i: number, nurses: number): number {
    return this.inputs[i]!.offered * this.performance(i, nurses).serviceLevel;
  }

  /** value(i, n) for n = 0, 1, ... up to full service (or `most` nurses): the curve the count model and the search take the envelope of. */
  valuesToFullService(i: number, most: number): number[] {
    const values: number[] = [];
    for (let n = 0; n <= most; n++) {
      values.push(this.value(i, n));
      if (this.performance(i, n).serviceLevel > 0.999999) break;
    }
    return values;
  }

  required(i: number): number {
    let r = this.requiredCache[i];
    if (r === undefined) {
      r = requiredNurses(this.inputs[i]!, this.problem.target.serviceLevel, this.problem.target.maxAverageWaitSeconds);
      this.requiredCache[i] = r;
    }
    return r;
  }

  get totalOffered(): number {
    return this.demand.offered.reduce((s, x) => s + x, 0);
  }
}
