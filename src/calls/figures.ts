import type { CallsProblem, NurseShift } from "./model.js";
import { paymentStep } from "./payment.js";
import { paidMinutes, reachablePaidMinutes, staffedCounts } from "./shifts.js";
import { CONTRACT_AIM } from "./rules.js";
import type { IntervalQueues } from "./queues.js";

/** Every interval's figures and the period's summary for a roster: the staffing file's content. */

export interface IntervalFigures {
  index: number;
  start: number;
  offered: number;
  handleTimeSeconds: number;
  required: number;
  staffed: number;
  serviceLevel: number;
  averageWaitSeconds: number | null;
  abandonedShare: number;
}

export interface StaffingSummary {
  /** call-weighted share answered within the threshold: what the payment is computed from */
  serviceLevel: number;
  targetServiceLevel: number;
  meetsTarget: boolean;
  /** mean wait of answered calls over the intervals where the queue is stable */
  averageWaitSeconds: number | null;
  /** intervals where the queue grows without bound (Erlang C with staffed ≤ load) */
  unstableIntervals: number;
  /** share of offered calls abandoned; null without patienceSeconds */
  abandonedShare: number | null;
  offeredCalls: number;
  understaffedIntervals: number;
  /** offered calls in understaffed intervals, as a share of all */
  understaffedCallShare: number;
  paymentStep: { atLeast: number; paymentShare: number };
  requiredNurseHours: number;
  staffedNurseHours: number;
  shifts: number;
  /** per nurse; `outsideAim` says why a nurse is outside ±5 % of contract (absent when within) */
  nurses: { nurse: string; shifts: number; paidMinutes: number; contractMinutes: number; deviation: number; outsideAim?: string }[];
}

export interface StaffingReport {
  intervals: IntervalFigures[];
  summary: StaffingSummary;
}

/** The roster search's moves: made, and planned (fewer made: the time limit stopped it). */
export type SearchMoves = { moves: number; planned: number };

/**
 * The figures of a roster. `search`: how many of its planned moves the roster search made, when the
 * time limit stopped it early (a short --time-limit): a nurse left outside ±5 % is then more likely
 * there for want of time than for the calls, and her reason says so.
 */
export function staffingReport(problem: CallsProblem, queues: IntervalQueues, shifts: readonly NurseShift[], search?: SearchMoves): StaffingReport {
  const staffed = staffedCounts(problem, shifts);
  const intervals: IntervalFigures[] = problem.intervals.map((iv, i) => {
    const n = staffed[i]!;
    const perf = queues.performance(i, n);
    return {
      index: i,
      start: iv.start,
      offered: queues.inputs[i]!.offered,
      handleTimeSeconds: queues.inputs[i]!.handleTimeSeconds,
      required: queues.required(i),
      staffed: n,
      serviceLevel: perf.serviceLevel,
      averageWaitSeconds: perf.averageWaitSeconds,
      abandonedShare: perf.abandonedShare,
    };
  });
  let offered = 0;
  let within = 0;
  let answered = 0;
  let waited = 0;
  let abandoned = 0;
  let unstable = 0;
  let under = 0;
  let underCalls = 0;
  let requiredMinutes = 0;
  let staffedMinutes = 0;
  for (const f of intervals) {
    offered += f.offered;
    within += f.offered * f.serviceLevel;
    abandoned += f.offered * f.abandonedShare;
    if (f.averageWaitSeconds === null) {
      if (f.offered > 0) unstable++;
    } else {
      const a = f.offered * (1 - f.abandonedShare);
      answered += a;
      waited += a * f.averageWaitSeconds;
    }
    if (f.staffed < f.required) {
      under++;
      underCalls += f.offered;
    }
    requiredMinutes += f.required * problem.intervalMinutes;
    staffedMinutes += f.staffed * problem.intervalMinutes;
  }
  const serviceLevel = offered > 0 ? within / offered : 1;
  const nurses = problem.nurses.map((n) => {
    const own = shifts.filter((s) => s.nurse === n.index);
    const paid = own.reduce((sum, s) => sum + paidMinutes(problem, s), 0);
    return {
      nurse: n.id,
      shifts: own.length,
      paidMinutes: paid,
      contractMinutes: n.contractMinutes,
      deviation: n.contractMinutes > 0 ? paid / n.contractMinutes - 1 : paid > 0 ? 1 : 0,
      ...(n.contractMinutes > 0 && Math.abs(paid / n.contractMinutes - 1) > CONTRACT_AIM + 1e-9 ? { outsideAim: whyOutsideAim(problem, n.index, search) } : {}),
    };
  });
  return {
    intervals,
    summary: {
      serviceLevel,
      targetServiceLevel: problem.target.serviceLevel,
      meetsTarget: serviceLevel >= problem.target.serviceLevel,
      averageWaitSeconds: answered > 0 ? waited / answered : null,
      unstableIntervals: unstable,
      abandonedShare: problem.target.patienceSeconds ? (offered > 0 ? abandoned / offered : 0) : null,
      offeredCalls: offered,
      understaffedIntervals: under,
      understaffedCallShare: offered > 0 ? underCalls / offered : 0,
      paymentStep: paymentStep(serviceLevel),
      requiredNurseHours: requiredMinutes / 60,
      staffedNurseHours: staffedMinutes / 60,
      shifts: shifts.length,
      nurses,
    },
  };
}

/**
 * Why a nurse's paid minutes are outside ±5 % of the contract: no whole number of their shifts
 * lands inside (their templates' lengths, maxShifts, available dates), or it could, and the roster
 * answers more calls this way (a paid minute outside ±5 % costs the search one answered call), or
 * the time limit stopped the search before it had weighed that (`search`: fewer moves than planned).
 */
export function whyOutsideAim(problem: CallsProblem, nurse: number, search?: SearchMoves): string {
  const c = problem.nurses[nurse]!.contractMinutes;
  const sums = reachablePaidMinutes(problem, nurse, c * 1.5);
  if (sums.some((r) => Math.abs(r - c) <= CONTRACT_AIM * c + 1e-9))
    return search && search.moves < search.planned
      ? `a total within ±5 % was possible; the time limit stopped the roster search after ${search.moves.toLocaleString("en-US")} of ${search.planned.toLocaleString("en-US")} moves`
      : "a total within ±5 % was possible; this one answers more calls";
  const below = sums.filter((r) => r < c).pop();
  const above = sums.find((r) => r > c);
  return `no whole number of their shifts lands within ±5 % (nearest ${[below, above].filter((x) => x !== undefined).join(" and ")} min)`;
}
