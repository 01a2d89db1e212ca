import { parseArgs } from "node:util";
import { BrokenRulesError } from "../solver/common/broken-rules.js";
import { DEFAULTS } from "../src/common/defaults.js";
import { backtest } from "../src/calls/forecast.js";
import { callDemand } from "../src/calls/forecast.js";
import { restaffReport, runRestaff, runStaffing } from "../solver/calls/run.js";
import type { StaffingProgress } from "../solver/calls/staffing.js";
import type { CallsSources } from "../src/calls/normalize.js";
import { formatStaffing } from "../src/calls/report.js";
import { formatViolation } from "../src/common/violation.js";
import { validateStaffingFile } from "../src/calls/rules.js";
import { generateCallsFixture } from "../src/calls/generate.js";
import { demandToCsv, readCallRowsCsv, readCalls, readStaffing, resolveAbsence, rosterToCsv, staffingFile } from "../src/calls/io.js";
import { prepareOutput, readTextFile, writeTextFile } from "../src/common/files.js";
import { LIMITS } from "../src/common/limits.js";
import { absToIso } from "../src/common/time.js";
import { dateFlag, solverFlags, solverOptions, UsageError, wholeNumber, type CliIo } from "./io.js";
import { progressBar } from "./progress.js";

/** The 1177 commands: staff, forecast, validate-staffing, generate-calls. */

function loadCalls(path: string, history?: string, forecast?: string, loadRequired = true) {
  const sources: CallsSources = { loadRequired };
  if (history) sources.history = readCallRowsCsv(readTextFile(history), history);
  if (forecast) sources.forecast = readCallRowsCsv(readTextFile(forecast), forecast);
  return readCalls(readTextFile(path), path, sources);
}

export async function staffCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...solverOptions(DEFAULTS.calls.timeLimitSeconds),
      history: { type: "string" },
      forecast: { type: "string" },
      json: { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("usage: kontinuum staff CALLS.json [options]");
  const path = positionals[0]!;
  const { timeLimit, seed } = solverFlags(values);
  const problem = loadCalls(path, values.history, values.forecast);
  // where the results go is checked before the solve, not after it
  const outPath = values.out ?? path.replace(/(\.calls)?\.json$/, "") + ".staffing.json";
  prepareOutput(outPath);
  if (values.csv) prepareOutput(values.csv);
  const bar = values.quiet || values.json ? undefined : progressBar<StaffingProgress>((p) => `service level ${(p.serviceLevel * 100).toFixed(1)} %`);
  let run;
  try {
    run = await runStaffing(problem, { seed, timeLimitSeconds: timeLimit, ...(bar ? { onProgress: bar.update } : {}) });
  } catch (e) {
    if (!(e instanceof BrokenRulesError)) throw e;
    bar?.end();
    io.err("no roster keeps every rule with these nurses and contracts:");
    for (const v of e.violations.slice(0, 20)) io.err(`  ${formatViolation(v)}`);
    return 1;
  }
  bar?.end();
  const file = staffingFile(problem, run, seed);
  writeTextFile(outPath, JSON.stringify(file, null, 2) + "\n");
  if (values.csv) writeTextFile(values.csv, rosterToCsv(problem, run.solution.shifts));
  if (values.json) {
    io.out(JSON.stringify({ before: file.summary.today ?? null, after: { ...file.summary, today: undefined }, upperBound: file.summary.upperBound }, null, 2));
    return 0;
  }
  for (const w of run.demand.warnings) io.err(`note: ${w}`);
  io.out(`wrote ${outPath}${values.csv ? ` and ${values.csv}` : ""} (${run.seconds.toFixed(1)} s; calls from ${run.demand.source})`);
  for (const m of run.solution.models) io.out(`${m.name} model: ${m.solver}, ${m.integers} integers of ${m.variables} variables, ${m.status}, ${m.seconds.toFixed(1)} s`);
  io.out(formatStaffing(problem, run.report, { aim: run.solution.upperBound, hard: run.solution.upperBoundHard }, run.today ? { report: run.today.report, violations: run.today.violations.length } : undefined));
  if (run.today?.violations.length) {
    io.out(`\ntoday's roster breaks ${run.today.violations.length} rule(s), e.g.:`);
    for (const v of run.today.violations.slice(0, 5)) io.out(`  ${formatViolation(v)}`);
  }
  return 0;
}

export function forecastCommand(args: string[], io: CliIo): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { history: { type: "string" }, backtest: { type: "boolean" }, out: { type: "string", short: "o" } },
  });
  if (positionals.length !== 1) throw new UsageError("usage: kontinuum forecast CALLS.json [--history FILE.csv] [--backtest] [-o OUT.csv]");
  const problem = loadCalls(positionals[0]!, values.history);
  if (!problem.history?.length) throw new UsageError("forecast needs history (in the JSON or with --history)");
  if (values.backtest) {
    const result = backtest(problem.history, (7 * 1440) / problem.intervalMinutes);
    if (!result) throw new UsageError("the history is too short to hold out a week and still fit on the rest");
    io.out(`backtest: fitted on ${result.trainedIntervals} intervals, forecast the last 7 days (${absToIso(result.from, problem.zone)} to ${absToIso(result.to, problem.zone)}, ${result.heldOutIntervals} intervals)`);
    io.out(`WAPE ${(result.wape * 100).toFixed(1)} % (naive "same interval last week": ${result.naiveWape === null ? "-" : `${(result.naiveWape * 100).toFixed(1)} %`})`);
    return 0;
  }
  const demand = callDemand({ ...problem, forecast: null });
  for (const w of demand.warnings) io.err(`note: ${w}`);
  const csv = demandToCsv(problem, demand);
  if (values.out) {
    writeTextFile(values.out, csv);
    io.out(`wrote ${values.out} (${problem.intervals.length} intervals, ${Math.round(demand.offered.reduce((s, x) => s + x, 0))} calls)`);
  } else io.out(csv.trimEnd());
  return 0;
}

export function validateStaffingCommand(args: string[], io: CliIo): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 2) throw new UsageError("usage: kontinuum validate-staffing CALLS.json STAFFING.json");
  const problem = loadCalls(positionals[0]!, undefined, undefined, false);
  const file = readStaffing(readTextFile(positionals[1]!), problem, positionals[1]);
  const lines = validateStaffingFile(problem, file).map(formatViolation);
  for (const l of lines.slice(0, 50)) io.out(l);
  if (lines.length > 50) io.out(`... and ${lines.length - 50} more`);
  if (lines.length) {
    io.err(`invalid: ${lines.length} problem(s)`);
    return 1;
  }
  io.out(`valid: ${file.roster.length} shifts keep every rule`);
  return 0;
}

export function generateCallsCommand(args: string[], io: CliIo): number {
  const { values } = parseArgs({
    args,
    options: {
      nurses: { type: "string", default: "60" },
      seed: { type: "string", default: "1" },
      start: { type: "string", default: "2026-10-19" },
      days: { type: "string", default: "14" },
      family: { type: "string", default: "region" },
      interval: { type: "string", default: "15" },
      out: { type: "string", short: "o" },
    },
  });
  if (!values.out) throw new UsageError("generate-calls needs -o PREFIX");
  if (values.family !== "region" && values.family !== "lean") throw new UsageError(`--family must be region or lean, got "${values.family}"`);
  if (!["15", "30", "60"].includes(values.interval!)) throw new UsageError(`--interval must be 15, 30 or 60 (minutes), got "${values.interval}"`);
  const options = {
    seed: wholeNumber(values.seed, "--seed", 0, Number.MAX_SAFE_INTEGER),
    nurses: wholeNumber(values.nurses, "--nurses", 1, LIMITS.nurses),
    start: dateFlag(values.start, "--start"),
    days: wholeNumber(values.days, "--days", 1, 62),
    family: values.family as "region" | "lean",
    intervalMinutes: Number(values.interval) as 15 | 30 | 60,
  };
  prepareOutput(`${values.out}.calls.json`);
  prepareOutput(`${values.out}.history.csv`);
  const fixture = generateCallsFixture(options);
  writeTextFile(`${values.out}.calls.json`, JSON.stringify(fixture.input, null, 2) + "\n");
  writeTextFile(`${values.out}.history.csv`, fixture.historyCsv);
  io.out(`wrote ${values.out}.calls.json (${fixture.input.nurses.length} nurses, ${fixture.problem.intervals.length} intervals, today's roster ${fixture.input.roster?.length ?? 0} shifts) and ${values.out}.history.csv`);
  return 0;
}

/** `kontinuum restaff CALLS STAFFING --absent NURSE --from T --to T [--history F] [--forecast F] [-o OUT] [--csv OUT.csv] [--json]` */
export function restaffCommand(args: string[], io: CliIo): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      absent: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      history: { type: "string" },
      forecast: { type: "string" },
      out: { type: "string", short: "o" },
      csv: { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (positionals.length !== 2 || !values.absent || !values.from || !values.to)
    throw new UsageError("usage: kontinuum restaff CALLS.json STAFFING.json --absent NURSE --from YYYY-MM-DD[THH:MM] --to YYYY-MM-DD[THH:MM] [options]");
  const [callsPath, staffingPath] = positionals as [string, string];
  const problem = loadCalls(callsPath, values.history, values.forecast);
  const file = readStaffing(readTextFile(staffingPath), problem, staffingPath);
  const absence = resolveAbsence(problem, values.absent, values.from, values.to);
  const outPath = values.out ?? staffingPath.replace(/(\.staffing)?\.json$/, "") + ".restaffed.staffing.json";
  prepareOutput(outPath);
  if (values.csv) prepareOutput(values.csv);
  const run = runRestaff(problem, file, absence.nurse, absence.from, absence.to);
  const outcome = { demand: run.demand, solution: { shifts: run.shifts, upperBound: null, upperBoundHard: null, moves: run.changes.length, models: [] }, report: run.report, today: null, seconds: run.seconds };
  const report = restaffReport(run);
  // the file names the leave, so validate-staffing counts it as paid time as this run did
  const { absences, ...changes } = report;
  writeTextFile(outPath, JSON.stringify({ ...staffingFile(run.problem, outcome, 0), absences, restaff: changes }, null, 2) + "\n");
  if (values.csv) writeTextFile(values.csv, rosterToCsv(run.problem, run.shifts));
  if (values.json) {
    io.out(JSON.stringify(report, null, 2));
    return 0;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const clock = (s: { template: string; start: string; end: string }) => `${s.template} ${s.start.slice(11, 16)}-${s.end.slice(11, 16)}`;
  io.out(`wrote ${outPath}${values.csv ? ` and ${values.csv}` : ""} (${run.seconds.toFixed(2)} s)`);
  io.out(`${values.absent} absent: ${report.removed.length} shift(s) gone (${report.removed.map((r) => `${r.date} ${clock(r)}`).join(", ") || "none in that time"})`);
  for (const c of report.changes) io.out(`  ${c.kind === "callIn" ? "call in" : "move   "} ${c.nurse.padEnd(8)} ${c.date} ${c.before ? `${clock(c.before)} -> ` : ""}${clock(c.after)}`);
  io.out(`service level (the absence's days): published ${pct(report.absenceDays.published)}, with the gap ${pct(report.absenceDays.withGap)}, after ${pct(report.absenceDays.after)}`);
  io.out(`service level (period): published ${pct(report.serviceLevel.published)}, with the gap ${pct(report.serviceLevel.withGap)}, after ${report.changes.length} change(s) ${pct(report.serviceLevel.after)}`);
  return 0;
}
