import { InputError, IssueCollector } from "../common/errors.js";
import { localTimeString } from "../common/schema.js";
import type { CallsProblem, Demand, NurseShift } from "./model.js";
import { normalizeCalls, type CallsSources, type RawCallRow } from "./normalize.js";
import { perDay } from "./report.js";
import { paidMinutes } from "./shifts.js";
import type { Absence, RosterShift } from "./rules.js";
import { callsInputSchema, staffingFileSchema } from "./schema.js";
import { absToIso, daysBetween, isoToAbs, localTimeToAbs } from "../common/time.js";
import type { StaffingReport } from "./figures.js";
import { csvColumns, parseCsv, toCsv } from "../common/csv.js";
import { parseJsonText, parseWithSchema } from "../common/parse.js";

/** 1177 files: the calls input, the telephony CSV, and the staffing output (calls.md). */

export function readCalls(text: string, source?: string, sources: CallsSources = {}): CallsProblem {
  return callsFromValue(parseJsonText(text, source), source, sources);
}

export function callsFromValue(value: unknown, source?: string, sources: CallsSources = {}): CallsProblem {
  return normalizeCalls(parseWithSchema(callsInputSchema, value, source), sources, source);
}

export const CALL_CSV_COLUMNS = ["start", "offered", "handle_time_seconds"] as const;

/** The telephony export: `start,offered,handle_time_seconds` (handle time may be empty). Rows keep `SOURCE line N` as their path, so a later problem with a row names the file. */
export function readCallRowsCsv(text: string, source: string): RawCallRow[] {
  const rows = parseCsv(text, source);
  const col = csvColumns(rows[0], CALL_CSV_COLUMNS, source);
  const issues: { path: string; message: string }[] = [];
  const out: RawCallRow[] = [];
  for (const row of rows.slice(1)) {
    const path = `line ${row.line}`;
    const start = (row.fields[col.start] ?? "").trim();
    const offeredText = (row.fields[col.offered] ?? "").trim();
    const handleText = (row.fields[col.handle_time_seconds] ?? "").trim();
    const offered = Number(offeredText);
    const handle = handleText === "" ? undefined : Number(handleText);
    if (offeredText === "" || !Number.isFinite(offered) || offered < 0) issues.push({ path: `${path} offered`, message: `must be 0 or more calls, got "${offeredText}"` });
    else if (handle !== undefined && !(Number.isFinite(handle) && handle > 0)) issues.push({ path: `${path} handle_time_seconds`, message: `must be more than 0 seconds or empty, got "${handleText}"` });
    else out.push({ path: `${source} ${path}`, start, offered, ...(handle !== undefined ? { handleTimeSeconds: handle } : {}) });
  }
  if (issues.length) throw new InputError(issues, source);
  return out;
}

/** A forecast (or any per-interval load) as the telephony CSV, local times with their offsets. */
export function demandToCsv(problem: CallsProblem, demand: Demand): string {
  return toCsv(
    CALL_CSV_COLUMNS,
    problem.intervals.map((iv, i) => {
      const iso = absToIso(iv.start, problem.zone); // 2026-11-02T07:00:00+01:00 -> 2026-11-02T07:00+01:00
      return [iso.slice(0, 16) + iso.slice(19), round(demand.offered[i]!, 2), Math.round(demand.handleTimeSeconds[i]!)];
    }),
  );
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function rosterLines(problem: CallsProblem, shifts: readonly NurseShift[]) {
  return shifts.map((s) => ({
    nurse: problem.nurses[s.nurse]!.id,
    date: problem.days[s.dayIndex]!.date,
    template: problem.templates[s.template]!.id,
    start: absToIso(s.start, problem.zone),
    end: absToIso(s.end, problem.zone),
    ...(s.breakStart !== null && s.breakEnd !== null ? { break: { start: absToIso(s.breakStart, problem.zone), end: absToIso(s.breakEnd, problem.zone) } } : {}),
  }));
}

export const ROSTER_CSV_COLUMNS = ["nurse", "date", "template", "start", "end", "break_start", "break_end", "paid_minutes"] as const;

export function rosterToCsv(problem: CallsProblem, shifts: readonly NurseShift[]): string {
  return toCsv(
    ROSTER_CSV_COLUMNS,
    rosterLines(problem, shifts).map((l, k) => [l.nurse, l.date, l.template, l.start, l.end, l.break?.start ?? "", l.break?.end ?? "", paidMinutes(problem, shifts[k]!)]),
  );
}

/** A `*.staffing.json` read back: its roster lines placed in time, and the staffed counts it claims. */
export function readStaffing(text: string, problem: CallsProblem, source?: string): { roster: RosterShift[]; claimedStaffed: Map<number, number> | null; absences: Absence[] } {
  const file = parseWithSchema(staffingFileSchema, parseJsonText(text, source), source);
  const nurseIndex = new Map(problem.nurses.map((n) => [n.id, n.index]));
  const templateIndex = new Map(problem.templates.map((t) => [t.id, t.index]));
  const periodStart = problem.days[0]!.date;
  const abs = (iso: string) => isoToAbs(iso)!;
  const roster = file.roster.map((r, k): RosterShift => ({
    path: `roster[${k}]`,
    nurse: nurseIndex.get(r.nurse) ?? null,
    nurseId: r.nurse,
    template: templateIndex.get(r.template) ?? null,
    templateId: r.template,
    date: r.date,
    dayIndex: daysBetween(periodStart, r.date),
    start: abs(r.start),
    end: abs(r.end),
    breakStart: r.break ? abs(r.break.start) : null,
    breakEnd: r.break ? abs(r.break.end) : null,
  }));
  const claimedStaffed = file.intervals ? new Map(file.intervals.map((iv) => [abs(iv.start), iv.staffed])) : null;
  const issues = new IssueCollector();
  const absences = (file.absences ?? []).flatMap((a, k): Absence[] => {
    const nurse = nurseIndex.get(a.nurse);
    if (nurse === undefined) {
      issues.add(`absences[${k}].nurse`, `unknown nurse "${a.nurse}"`);
      return [];
    }
    return [{ nurse, from: abs(a.from), to: abs(a.to), paidMinutes: a.paidMinutes }];
  });
  issues.throwIfAny(source);
  return { roster, claimedStaffed, absences };
}


/** The interval list of a staffing file: every interval of the period once, in order. */
export function intervalLines(problem: CallsProblem, report: StaffingReport) {
  const patience = problem.target.patienceSeconds !== null;
  return report.intervals.map((f) => ({
    start: absToIso(f.start, problem.zone),
    offered: round(f.offered, 2),
    required: f.required,
    staffed: f.staffed,
    serviceLevel: round(f.serviceLevel, 4),
    averageWaitSeconds: f.averageWaitSeconds === null ? null : Math.round(f.averageWaitSeconds),
    ...(patience ? { abandonedShare: round(f.abandonedShare, 4) } : {}),
  }));
}

export function summaryForFile(s: StaffingReport["summary"]) {
  return {
    ...s,
    serviceLevel: round(s.serviceLevel, 4),
    averageWaitSeconds: s.averageWaitSeconds === null ? null : Math.round(s.averageWaitSeconds),
    abandonedShare: s.abandonedShare === null ? null : round(s.abandonedShare, 4),
    offeredCalls: round(s.offeredCalls, 1),
    understaffedCallShare: round(s.understaffedCallShare, 4),
    requiredNurseHours: round(s.requiredNurseHours, 2),
    staffedNurseHours: round(s.staffedNurseHours, 2),
    nurses: s.nurses.map((n) => ({ ...n, deviation: round(n.deviation, 4) })),
  };
}

const round4 = (x: number | null) => (x === null ? null : round(x, 4));

/** What a staffing file is written from: a solver's run as plain data (the solver's StaffingRun is one). */
export interface StaffingOutcome {
  demand: Pick<Demand, "source" | "warnings">;
  solution: { shifts: NurseShift[]; upperBound: number | null; upperBoundHard: number | null; moves: number; models: object[] };
  report: StaffingReport;
  today: { report: StaffingReport; violations: readonly unknown[] } | null;
  seconds: number;
}

/** The spec's `*.staffing.json` for a run: roster, every interval, summary (with today's roster when given). */
export function staffingFile(problem: CallsProblem, run: StaffingOutcome, seed: number) {
  return {
    name: problem.name,
    roster: rosterLines(problem, run.solution.shifts),
    intervals: intervalLines(problem, run.report),
    summary: {
      ...summaryForFile(run.report.summary),
      days: daysForFile(problem, run.report),
      upperBound: round4(run.solution.upperBound),
      upperBoundHard: round4(run.solution.upperBoundHard),
      forecast: { source: run.demand.source, warnings: run.demand.warnings },
      solver: { seed, seconds: Math.round(run.seconds * 10) / 10, moves: run.solution.moves, models: run.solution.models },
      ...(run.today ? { today: { ...summaryForFile(run.today.report.summary), days: daysForFile(problem, run.today.report), violations: run.today.violations.length } } : {}),
    },
  };
}

const daysForFile = (problem: CallsProblem, report: StaffingReport) =>
  perDay(problem, report).map((d) => ({ ...d, calls: round(d.calls, 1), serviceLevel: round4(d.serviceLevel) }));

/** A nurse's absence as a user names it (id, local times or dates) -> index and absolute minutes; errors name the field. */
export function resolveAbsence(problem: CallsProblem, nurseId: string, from: string, to: string): { nurse: number; from: number; to: number } {
  const issues = new IssueCollector();
  const nurse = problem.nurses.find((n) => n.id === nurseId);
  if (!nurse) issues.add("absent", `unknown nurse "${nurseId}"`);
  const at = (field: "from" | "to", value: string) => {
    if (!localTimeString.safeParse(value).success) return issues.add(field, `"${value}" must be a local time YYYY-MM-DDTHH:MM or a date YYYY-MM-DD`);
    const abs = localTimeToAbs(problem.zone, value);
    if (abs === null) issues.add(field, `${value} does not exist in ${problem.zone} (the clocks jump past it)`);
    return abs ?? undefined;
  };
  const f = at("from", from);
  const t = at("to", to);
  if (f !== undefined && t !== undefined && t <= f) issues.add("to", "must be after from");
  issues.throwIfAny();
  return { nurse: nurse!.index, from: f!, to: t! };
}
