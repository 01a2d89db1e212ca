import { parseArgs } from "node:util";
import { prepareOutput, readTextFile, writeTextFile } from "../src/common/files.js";
import { readChanges } from "../src/homecare/changes.js";
import { formatChangeReport } from "../src/homecare/replan-report.js";
import { readRoster, readRosterWithInput } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleToCsv, scheduleToJson } from "../src/homecare/schedule-io.js";
import { requireValidSchedule } from "../src/homecare/rules.js";
import { explainClient, recommend, type Explanation } from "../solver/homecare/advice.js";
import { runReplan } from "../solver/homecare/replan-run.js";
import type { ReplanProgress } from "../solver/homecare/replan.js";
import type { Roster, Schedule } from "../src/homecare/model.js";
import { solverFlags, solverOptions, UsageError, wholeNumber, type CliIo } from "./io.js";
import { progressBar } from "./progress.js";

/** Re-planning defaults to a short limit: it answers a phone call (the bench's target is 5 s). */
const REPLAN_SECONDS = 10;

/** `kontinuum replan ROSTER SCHEDULE CHANGES [-o OUT] [--csv OUT.csv] [--report OUT.json] [--time-limit S] [--json]` */
export function replanCommand(args: string[], io: CliIo): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...solverOptions(REPLAN_SECONDS), report: { type: "string" }, json: { type: "boolean" }, quiet: { type: "boolean", short: "q" }, top: { type: "string", default: "40" } },
  });
  if (positionals.length !== 3) throw new UsageError("usage: kontinuum replan ROSTER.json SCHEDULE(.json|.csv) CHANGES.json [options]");
  const [rosterPath, schedulePath, changesPath] = positionals as [string, string, string];
  const { timeLimit } = solverFlags(values);
  const { input, roster } = readRosterWithInput(readTextFile(rosterPath), rosterPath);
  const published = readSchedule(readTextFile(schedulePath), roster, schedulePath);
  const changes = readChanges(readTextFile(changesPath), changesPath);
  const outPath = values.out ?? changesPath.replace(/(\.changes)?\.json$/, "") + ".schedule.json";
  const reportPath = values.report ?? outPath.replace(/(\.schedule)?\.json$/, "") + ".report.json";
  for (const p of [outPath, reportPath, ...(values.csv ? [values.csv] : [])]) prepareOutput(p);
  const bar = values.quiet || values.json ? undefined : progressBar<ReplanProgress>((p) => `${p.done}/${p.total} open visits`);
  const run = runReplan(input, roster, published, changes, { timeLimitSeconds: timeLimit, ...(bar ? { onProgress: bar.update } : {}) });
  bar?.end();
  writeTextFile(outPath, JSON.stringify(scheduleToJson(run.roster, run.schedule), null, 2) + "\n");
  writeTextFile(reportPath, JSON.stringify(run.report, null, 2) + "\n");
  if (values.csv) writeTextFile(values.csv, scheduleToCsv(run.roster, run.schedule));
  if (values.json) {
    io.out(JSON.stringify(run.report, null, 2));
    return 0;
  }
  io.out(`wrote ${outPath}, ${reportPath}${values.csv ? ` and ${values.csv}` : ""} (${(run.elapsedMs / 1000).toFixed(2)} s)`);
  io.out(formatChangeReport(run.report, run.roster, wholeNumber(values.top, "--top", 0, Number.MAX_SAFE_INTEGER)));
  return 0;
}

/** A schedule the questions are asked of must be valid for its roster: the answers are insertions into it. */
function readValid(rosterPath: string, schedulePath: string): { roster: Roster; schedule: Schedule } {
  const roster = readRoster(readTextFile(rosterPath), rosterPath);
  const schedule = readSchedule(readTextFile(schedulePath), roster, schedulePath);
  requireValidSchedule(roster, schedule, schedulePath);
  return { roster, schedule };
}

/** `kontinuum explain ROSTER SCHEDULE --client ID [--json]` */
export function explainCommand(args: string[], io: CliIo): number {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { client: { type: "string" }, json: { type: "boolean" } } });
  if (positionals.length !== 2 || !values.client) throw new UsageError("usage: kontinuum explain ROSTER.json SCHEDULE(.json|.csv) --client ID [--json]");
  const { roster, schedule } = readValid(positionals[0]!, positionals[1]!);
  const e = explainClient(roster, schedule, values.client);
  io.out(values.json ? JSON.stringify(e, null, 2) : formatExplanation(e));
  return 0;
}

export function formatExplanation(e: Explanation): string {
  const lines = [`client ${e.client}: ${e.visits} visits, ${e.caregivers.length} caregivers`];
  for (const c of e.caregivers) lines.push(`  ${c.caregiver.padEnd(12)} ${String(c.visits).padStart(3)} visits${c.team ? "  team" : ""}${c.contactPerson ? "  kontaktperson" : ""}`);
  if (e.outsideTeam.length) lines.push("", "visits outside the main team, and why no team member could:");
  for (const v of e.outsideTeam) {
    lines.push(`  ${v.occurrence} ${v.start.slice(11)} by ${v.by.join("+")}`);
    for (const t of v.team) lines.push(`    ${t.caregiver}: ${t.reason}`);
  }
  if (e.unassigned.length) lines.push("", "unassigned:");
  for (const u of e.unassigned) {
    lines.push(`  ${u.occurrence}: ${u.reason}`);
    for (const c of u.close) lines.push(`    ${c.caregiver}: ${c.reason}`);
  }
  return lines.join("\n");
}

/** `kontinuum recommend ROSTER SCHEDULE --visit CLIENT/VISIT/DATE [--top N] [--json]` */
export function recommendCommand(args: string[], io: CliIo): number {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { visit: { type: "string" }, top: { type: "string", default: "5" }, json: { type: "boolean" } } });
  if (positionals.length !== 2 || !values.visit) throw new UsageError("usage: kontinuum recommend ROSTER.json SCHEDULE(.json|.csv) --visit CLIENT/VISIT/DATE [--top N] [--json]");
  const top = wholeNumber(values.top, "--top", 1, 1000);
  const { roster, schedule } = readValid(positionals[0]!, positionals[1]!);
  const r = recommend(roster, schedule, values.visit, top);
  if (values.json) {
    io.out(JSON.stringify(r, null, 2));
    return 0;
  }
  io.out(`${r.occurrence}: now ${r.current.length ? r.current.join("+") : "unassigned"}; ${r.options.length ? "who could take it:" : "nobody can take it as the schedule stands"}`);
  for (const x of r.options) {
    const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
    const moves = x.moves.map((m) => `${m.occurrence} ${m.from.join("+")} -> ${m.to.join("+")}`).join(", ");
    io.out(`  ${x.caregivers.join("+").padEnd(12)} at ${x.start.slice(11)}  distinct ${sign(x.distinctChange)}  travel ${sign(x.travelChange)} min${moves ? `  moves ${moves}` : ""}`);
  }
  return 0;
}
