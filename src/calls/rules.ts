import { groupBy } from "../common/group.js";
import { absToIso, absToLocal } from "../common/time.js";
import type { CallsProblem, NurseShift } from "./model.js";
import { runRules, type Finding, type Violation } from "../common/violation.js";
import { paidMinutes, placeShift, staffedCounts } from "./shifts.js";

/**
 * The hard rules of a nurse roster (calls.md and the Working Hours Act), one function each. Every
 * rule sees the whole roster and returns its findings, and a violation's id is its rule's function
 * name; `validateStaffing` runs them all. The solver keeps the same rules through the per-nurse
 * checks exported at the end (restKept, contractBand).
 */

/** A roster line as read from a staffing file or made by the solver, references resolved where possible. */
export interface RosterShift extends Omit<NurseShift, "nurse" | "template"> {
  /** where the line came from, e.g. roster[12] */
  path: string;
  nurse: number | null;
  nurseId: string;
  template: number | null;
  templateId: string;
  date: string;
}

/** The contract band calls.md makes a hard rule: paid minutes within ±10 % of contractMinutes. */
export const CONTRACT_BAND = 0.1;
/** The band calls.md says to aim for (±5 %): the solver penalizes every minute outside it, the bound is quoted at it. */
export const CONTRACT_AIM = 0.05;

type Rule = (problem: CallsProblem, roster: readonly RosterShift[]) => Finding[];

const at = (s: { path: string; nurseId: string }, message: string, amount?: number, unit: Finding["unit"] = "minutes"): Finding => ({
  where: s.path,
  who: s.nurseId,
  ...(amount === undefined ? {} : { amount, unit }),
  message,
});
const hours = (minutes: number) => `${(minutes / 60).toFixed(1).replace(/\.0$/, "")} h`;
const local = (problem: CallsProblem, abs: number) => {
  const l = absToLocal(abs, problem.zone);
  return `${l.date} ${l.clock}`;
};

/** Every line names a nurse and a template of the input (the other rules need both). */
export const knownNurseAndTemplate: Rule = (_p, roster) =>
  roster.flatMap((s) => [
    ...(s.nurse === null ? [at(s, `unknown nurse "${s.nurseId}"`)] : []),
    ...(s.template === null ? [at(s, `unknown template "${s.templateId}"`)] : []),
  ]);

/** Every shift's date lies inside the period. */
export const dateInPeriod: Rule = (p, roster) => roster.filter((s) => s.dayIndex < 0 || s.dayIndex >= p.periodDays).map((s) => at(s, `${s.date} lies outside the period`));

/** Start and end are the template's on that date; the break, if the template has one, has its length. */
export const matchesTemplate: Rule = (p, roster) =>
  checked(p, roster).flatMap((s) => {
    const t = p.templates[s.template!]!;
    const placement = placeShift(p, t, s.dayIndex);
    if (!placement) return [at(s, `template ${t.id} starts at a time that does not exist on ${s.date}`)];
    const out: Finding[] = [];
    if (s.start !== placement.start || s.end !== placement.end)
      out.push(at(s, `${t.id} on ${s.date} runs ${local(p, placement.start)}-${local(p, placement.end)}, not ${local(p, s.start)}-${local(p, s.end)}`, Math.abs(s.start - placement.start) + Math.abs(s.end - placement.end)));
    if (t.breakMinutes && (s.breakStart === null || s.breakEnd === null)) out.push(at(s, `${t.id} has a ${t.breakMinutes}-minute break, and none is given`, t.breakMinutes));
    else if (!t.breakMinutes && s.breakStart !== null) out.push(at(s, `${t.id} has no break, but one is given`));
    else if (s.breakStart !== null && s.breakEnd! - s.breakStart !== t.breakMinutes)
      out.push(at(s, `the break lasts ${s.breakEnd! - s.breakStart} minutes; ${t.id}'s lasts ${t.breakMinutes}`, Math.abs(s.breakEnd! - s.breakStart - t.breakMinutes)));
    return out;
  });

/** A nurse with a template list works only those templates. */
export const templateAllowed: Rule = (p, roster) =>
  checked(p, roster)
    .filter((s) => p.nurses[s.nurse!]!.templates && !p.nurses[s.nurse!]!.templates!.has(s.template!))
    .map((s) => at(s, `${s.nurseId} does not work template ${s.templateId}`));

/** No shift on a date the nurse is unavailable. */
export const notUnavailable: Rule = (p, roster) =>
  checked(p, roster)
    .filter((s) => p.nurses[s.nurse!]!.unavailable.has(s.date))
    .map((s) => at(s, `${s.nurseId} is unavailable on ${s.date}`));

/** The break starts inside its window (first occurrence at or after the shift's start) and lies inside the shift. */
export const breakInWindow: Rule = (p, roster) =>
  checked(p, roster).flatMap((s) => {
    if (s.breakStart === null || s.breakEnd === null) return [];
    const placement = placeShift(p, p.templates[s.template!]!, s.dayIndex);
    const w = placement?.breakWindow;
    if (!w) return [at(s, `template ${s.templateId} leaves no room for its break on ${s.date}`)];
    if (s.breakStart < w.earliest || s.breakStart > w.latest || s.breakStart < s.start || s.breakEnd > s.end) {
      const off = Math.max(w.earliest - s.breakStart, s.breakStart - w.latest, s.start - s.breakStart, s.breakEnd - s.end, 0);
      return [at(s, `the break at ${local(p, s.breakStart)} must start between ${local(p, w.earliest)} and ${local(p, w.latest)} and end inside the shift`, off)];
    }
    return [];
  });

/** At most maxShifts shifts in the period, where the nurse has a maximum. */
export const maxShiftsKept: Rule = (p, roster) =>
  byNurse(p, roster).flatMap(([n, shifts]) => {
    const max = p.nurses[n]!.maxShifts;
    return max !== null && shifts.length > max ? [at({ path: "roster", nurseId: p.nurses[n]!.id }, `${shifts.length} shifts; at most ${max}`, shifts.length - max, "shifts")] : [];
  });

/** Paid minutes (length − break) within ±10 % of contractMinutes. */
export const contractKept: Rule = (p, roster) =>
  p.nurses.flatMap((nurse) => {
    const paid = roster.filter((s) => s.nurse === nurse.index && s.template !== null).reduce((sum, s) => sum + paidMinutes(p, s as { template: number; start: number; end: number }), 0);
    if (contractBand(nurse.contractMinutes, paid, CONTRACT_BAND)) return [];
    const lo = Math.ceil(nurse.contractMinutes * (1 - CONTRACT_BAND));
    const hi = Math.floor(nurse.contractMinutes * (1 + CONTRACT_BAND));
    return [at({ path: "roster", nurseId: nurse.id }, `${paid} paid minutes against a contract of ${nurse.contractMinutes} (allowed ${lo}-${hi})`, paid < lo ? lo - paid : paid - hi)];
  });

/** At least minDailyRestHours between the end of one shift and the start of the next (overlap included). */
export const dailyRest: Rule = (p, roster) =>
  byNurse(p, roster).flatMap(([, shifts]) =>
    shifts.slice(1).flatMap((s, i) => {
      const prev = shifts[i]!;
      const rest = s.start - prev.end;
      return rest < p.rules.dailyRestMinutes
        ? [at(s, `${hours(Math.max(0, rest))} rest between the shift ending ${local(p, prev.end)} and this one at ${local(p, s.start)}; at least ${hours(p.rules.dailyRestMinutes)}`, p.rules.dailyRestMinutes - rest)]
        : [];
    }),
  );

/** In every calendar week the period touches, one continuous rest of at least minWeeklyRestHours (breaks are not rest). */
export const weeklyRest: Rule = (p, roster) =>
  byNurse(p, roster).flatMap(([n, shifts]) =>
    p.weeks.flatMap((week) => {
      const longest = longestRest(shifts, week);
      if (longest >= p.rules.weeklyRestMinutes) return [];
      const monday = absToLocal(week.start, p.zone).date;
      return [at({ path: "roster", nurseId: p.nurses[n]!.id }, `the longest rest in the week from ${monday} is ${hours(longest)}; at least ${hours(p.rules.weeklyRestMinutes)}`, p.rules.weeklyRestMinutes - longest)];
    }),
  );

/** The roster rules, in the order a manager reads them. */
export const STAFFING_RULES: readonly Rule[] = [
  knownNurseAndTemplate,
  dateInPeriod,
  matchesTemplate,
  templateAllowed,
  notUnavailable,
  breakInWindow,
  maxShiftsKept,
  contractKept,
  dailyRest,
  weeklyRest,
];

export function validateStaffing(problem: CallsProblem, roster: readonly RosterShift[]): Violation[] {
  return runRules(STAFFING_RULES, problem, roster);
}

/** A staffing file's interval list claims the staffed counts its roster gives (checked only when every line is known and in the period). */
export const staffedCountsMatch = (problem: CallsProblem, roster: readonly RosterShift[], claimedStaffed: Map<number, number>): Finding[] => {
  const counts = staffedCounts(problem, roster as Parameters<typeof staffedCounts>[1]);
  const out: Finding[] = [];
  if (claimedStaffed.size !== problem.intervals.length) out.push({ where: "intervals", message: `lists ${claimedStaffed.size} intervals; the period has ${problem.intervals.length}` });
  problem.intervals.forEach((iv, i) => {
    const claimed = claimedStaffed.get(iv.start);
    if (claimed !== undefined && claimed !== counts[i]) out.push({ where: "intervals", message: `${absToIso(iv.start, problem.zone)} says staffed ${claimed}; the roster staffs ${counts[i]}` });
  });
  return out;
};

/** Paid leave (a nurse off sick, re-staffed around): [from, to) absolute, with the paid minutes of the shifts it took away. */
export interface Absence {
  nurse: number;
  from: number;
  to: number;
  paidMinutes: number;
}

/**
 * The problem a roster with paid leave is checked against: the leave counts as worked in the
 * absent nurse's contract band (sick pay is paid time), and she is unavailable on the days it touches.
 */
export function withAbsences(problem: CallsProblem, absences: readonly Absence[]): CallsProblem {
  if (!absences.length) return problem;
  return {
    ...problem,
    nurses: problem.nurses.map((n) => {
      const mine = absences.filter((a) => a.nurse === n.index);
      if (!mine.length) return n;
      const dates = problem.days.filter((d) => mine.some((a) => d.start < a.to && d.end > a.from)).map((d) => d.date);
      return { ...n, contractMinutes: n.contractMinutes - mine.reduce((s, a) => s + a.paidMinutes, 0), unavailable: new Set([...n.unavailable, ...dates]) };
    }),
  };
}

/** A staffing file checked whole: every roster rule, and (when the file lists intervals) the staffed counts it claims. */
export function validateStaffingFile(original: CallsProblem, file: { roster: RosterShift[]; claimedStaffed: Map<number, number> | null; absences?: Absence[] }): Violation[] {
  const problem = withAbsences(original, file.absences ?? []);
  const violations = validateStaffing(problem, file.roster);
  const { claimedStaffed } = file;
  if (!claimedStaffed || violations.some((v) => v.rule === knownNurseAndTemplate.name || v.rule === dateInPeriod.name)) return violations;
  return [...violations, ...runRules([staffedCountsMatch], problem, file.roster, claimedStaffed)];
}

// ---- per-nurse checks, shared with the solver ----

/** Lines whose nurse and template are known, inside the period (the other rules need them). */
function checked(p: CallsProblem, roster: readonly RosterShift[]): RosterShift[] {
  return roster.filter((s) => s.nurse !== null && s.template !== null && s.dayIndex >= 0 && s.dayIndex < p.periodDays);
}

function byNurse(p: CallsProblem, roster: readonly RosterShift[]): [number, RosterShift[]][] {
  const known = roster.filter((s): s is RosterShift & { nurse: number } => s.nurse !== null);
  return [...groupBy(known, (s) => s.nurse)].map(([n, shifts]) => [n, shifts.sort((a, b) => a.start - b.start)]);
}

/** Whether paid minutes lie within ±tolerance of the contract. */
export function contractBand(contract: number, paid: number, tolerance: number): boolean {
  return paid >= contract * (1 - tolerance) - 1e-9 && paid <= contract * (1 + tolerance) + 1e-9;
}

/** The longest stretch of the week with no shift (shifts sorted by start; time outside the period is rest). */
export function longestRest(shifts: readonly { start: number; end: number }[], week: { start: number; end: number }): number {
  let longest = 0;
  let free = week.start;
  for (const s of shifts) {
    if (s.end <= week.start) continue;
    if (s.start >= week.end) break;
    longest = Math.max(longest, s.start - free);
    free = Math.max(free, s.end);
  }
  return Math.max(longest, week.end - free);
}

/** Daily rest between consecutive shifts (sorted by start). */
export function dailyRestKept(shifts: readonly { start: number; end: number }[], minRest: number): boolean {
  for (let i = 1; i < shifts.length; i++) if (shifts[i]!.start - shifts[i - 1]!.end < minRest) return false;
  return true;
}

/** Both rest rules for one nurse's shifts (sorted by start). */
export function restKept(problem: CallsProblem, shifts: readonly { start: number; end: number }[]): boolean {
  return dailyRestKept(shifts, problem.rules.dailyRestMinutes) && problem.weeks.every((w) => longestRest(shifts, w) >= problem.rules.weeklyRestMinutes);
}

/** A roster as the validator sees it, from the solver's shifts. */
export function toRosterShifts(problem: CallsProblem, shifts: readonly NurseShift[]): RosterShift[] {
  return shifts.map((s, k) => ({
    ...s,
    path: `roster[${k}]`,
    nurseId: problem.nurses[s.nurse]!.id,
    templateId: problem.templates[s.template]!.id,
    date: problem.days[s.dayIndex]!.date,
  }));
}
