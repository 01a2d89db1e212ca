import type { StaffingReport, StaffingSummary } from "./figures.js";
import { CONTRACT_AIM } from "./rules.js";
import { table } from "../common/table.js";
import type { CallsProblem } from "./model.js";

/** Plain-text figures of a nurse roster, and today's beside the proposed one. */

const pct = (x: number | null, digits = 1) => (x === null ? "-" : `${(x * 100).toFixed(digits)} %`);
const secs = (x: number | null) => (x === null ? "-" : `${Math.round(x)} s`);

function rows(s: StaffingSummary, intervals: number, violations: number): string[] {
  const within5 = s.nurses.filter((n) => Math.abs(n.deviation) <= CONTRACT_AIM + 1e-9).length;
  return [
    pct(s.serviceLevel),
    `${Math.round(s.paymentStep.paymentShare * 100)} % (step ${Math.round(s.paymentStep.atLeast * 100)} %)`,
    secs(s.averageWaitSeconds),
    s.abandonedShare === null ? "-" : pct(s.abandonedShare),
    `${s.understaffedIntervals} of ${intervals}`,
    pct(s.understaffedCallShare),
    `${Math.round(s.staffedNurseHours)} / ${Math.round(s.requiredNurseHours)}`,
    String(s.shifts),
    `${within5} of ${s.nurses.length}`,
    String(violations),
  ];
}

const LABELS = [
  "service level (call-weighted)",
  "target-related payment",
  "mean wait, answered calls",
  "abandoned calls",
  "understaffed intervals",
  "calls in understaffed intervals",
  "nurse hours staffed / required",
  "shifts",
  "nurses within ±5 % of contract",
  "hard-rule violations",
];

export function formatStaffing(problem: CallsProblem, after: StaffingReport, upperBound: { aim: number | null; hard: number | null }, before?: { report: StaffingReport; violations: number }): string {
  const n = problem.intervals.length;
  const a = rows(after.summary, n, 0);
  const b = before ? rows(before.report.summary, n, before.violations) : null;
  const beforeDays = before ? perDay(problem, before.report) : null;
  const out = [
    table(b ? ["", "today", "Kontinuum"] : ["", "Kontinuum"], LABELS.map((label, i) => (b ? [label, b[i]!, a[i]!] : [label, a[i]!]))),
    `target: ${pct(problem.target.serviceLevel, 0)} answered within ${problem.target.thresholdSeconds} s`,
    `upper bound on the service level (no roster can do better): ${pct(upperBound.aim)} with every nurse within ±5 % of contract (or at the nearest total their shifts allow), ${pct(upperBound.hard)} within ±10 %`,
    ...after.summary.nurses.filter((x) => x.outsideAim).map((x) => `outside ±5 % of contract: ${x.nurse} ${x.deviation > 0 ? "+" : ""}${(x.deviation * 100).toFixed(1)} % (${x.paidMinutes} of ${x.contractMinutes} min): ${x.outsideAim}`),
    "",
    table(
      b ? ["date", "calls", "today", "Kontinuum"] : ["date", "calls", "Kontinuum"],
      perDay(problem, after).map((d, i) => {
        const today = beforeDays?.[i] ?? null;
        return today ? [d.date, Math.round(d.calls), pct(today.serviceLevel), pct(d.serviceLevel)] : [d.date, Math.round(d.calls), pct(d.serviceLevel)];
      }),
    ),
  ];
  return out.join("\n");
}

/** Call-weighted service level per local date. */
export function perDay(problem: CallsProblem, report: StaffingReport): { date: string; calls: number; serviceLevel: number | null }[] {
  const days = problem.days.slice(0, problem.periodDays).map((d) => ({ date: d.date, calls: 0, within: 0 }));
  for (const f of report.intervals) {
    const day = days[problem.intervals[f.index]!.dayIndex]!;
    day.calls += f.offered;
    day.within += f.offered * f.serviceLevel;
  }
  return days.map((d) => ({ date: d.date, calls: d.calls, serviceLevel: d.calls > 0 ? d.within / d.calls : null }));
}
