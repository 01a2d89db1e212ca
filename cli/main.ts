import { parseArgs } from "node:util";
import { InputError } from "../src/common/errors.js";
import { compareMetrics } from "../src/homecare/compare.js";
import { generateFixture } from "./fixture.js";
import { prepareOutput, readTextFile, writeTextFile } from "../src/common/files.js";
import { LIMITS } from "../src/common/limits.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleToCsv } from "../src/homecare/schedule-io.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { formatComparison, formatMetrics } from "../src/homecare/report.js";
import { formatViolation } from "../src/common/violation.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { dateFlag, UsageError, wholeNumber, type CliIo } from "./io.js";
import { explainCommand, recommendCommand, replanCommand } from "./replan.js";
import { scheduleCommand } from "./schedule.js";
import { serveCommand, workerCommand } from "./serve.js";
import { forecastCommand, generateCallsCommand, restaffCommand, staffCommand, validateStaffingCommand } from "./staff.js";

export { UsageError } from "./io.js";

const USAGE = `kontinuum: staff scheduling for relationship continuity (hemtjänst)

Usage:
  kontinuum schedule ROSTER.json [-o OUT.schedule.json] [--csv OUT.csv] [--time-limit S] [--seed N] [--travel-weight W] [--construction compact|familiar] [--search-workers N] [--compare BEFORE.csv]
      (--construction familiar: teams planned first, fewer faces and the kontaktperson more often, longer drives;
       --search-workers: searches at once, seeds N, N+1, ...; the best is kept; default one per core)
  kontinuum schedule ROSTER.json ROSTER.json... | DIR [--workers N] [-o OUTDIR] [--time-limit S] [--seed N] [--bound]
      (a municipality: the districts in parallel, Kolada's figures over all of them; NAME.before.csv beside a roster is "before")
  kontinuum validate ROSTER.json SCHEDULE(.json|.csv)
  kontinuum score ROSTER.json SCHEDULE(.json|.csv) [--json]
  kontinuum compare ROSTER.json BEFORE(.json|.csv) AFTER(.json|.csv) [--json] [--top N]
  kontinuum replan ROSTER.json SCHEDULE(.json|.csv) CHANGES.json [-o OUT.schedule.json] [--csv OUT.csv] [--report OUT.json] [--time-limit S] [--json]
      (re-plans a published schedule for sick calls, hospital stays, new visits: shared/spec/replan.md)
  kontinuum explain ROSTER.json SCHEDULE(.json|.csv) --client ID [--json]
  kontinuum recommend ROSTER.json SCHEDULE(.json|.csv) --visit CLIENT/VISIT/DATE [--top N] [--json]
  kontinuum generate --clients N [--seed N] [--start YYYY-MM-DD] [--days N] [--family city|rural] -o PREFIX
      (writes PREFIX.roster.json and the hand-made PREFIX.before.csv)

1177 telephone nursing:
  kontinuum staff CALLS.json [-o OUT.staffing.json] [--csv OUT.csv] [--history FILE.csv] [--forecast FILE.csv]
                  [--time-limit S] [--seed N] [--json]
  kontinuum forecast CALLS.json [--history FILE.csv] [--backtest] [-o OUT.csv]
  kontinuum validate-staffing CALLS.json STAFFING.json
  kontinuum restaff CALLS.json STAFFING.json --absent NURSE --from YYYY-MM-DD[THH:MM] --to YYYY-MM-DD[THH:MM]
                  [--history FILE.csv] [--forecast FILE.csv] [-o OUT.staffing.json] [--csv OUT.csv] [--json]
  kontinuum generate-calls [--nurses N] [--seed N] [--start YYYY-MM-DD] [--days N] [--family region|lean] [--interval 15|30|60] -o PREFIX
      (writes PREFIX.calls.json with today's roster and PREFIX.history.csv)

HTTP API (tokens from KONTINUUM_TOKENS=a,b or --tokens-file):
  kontinuum serve [--port 8080] [--host 127.0.0.1] [--db ./kontinuum.db] [--tokens-file FILE] [--workers N] [--max-body 10mb]
      (one machine: runs kept in a SQLite file, solved in this process)
  kontinuum serve --db postgres://USER@HOST/DB [--port 8080] [--host H] [--tokens-file FILE] [--max-body 10mb]
  kontinuum worker --db postgres://USER@HOST/DB [--concurrency N] [--port P]
      (many machines: runs and queue in PostgreSQL; any number of API servers and workers)

Exit codes: 0 ok, 1 schedule invalid, 2 bad input or usage.`;


function load(rosterPath: string) {
  return readRoster(readTextFile(rosterPath), rosterPath);
}

const commands: Record<string, (args: string[], io: CliIo) => number | Promise<number>> = {
  validate(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    const [rosterPath, schedulePath] = need(positionals, 2, "validate ROSTER SCHEDULE");
    const roster = load(rosterPath);
    const schedule = readSchedule(readTextFile(schedulePath), roster, schedulePath);
    const violations = validateSchedule(roster, schedule);
    for (const v of violations) io.out(formatViolation(v));
    if (violations.length) {
      io.err(`invalid: ${violations.length} violation(s) of the hard rules`);
      return 1;
    }
    io.out(`valid: ${schedule.assignments.length} occurrences assigned, ${schedule.unassigned.length} unassigned`);
    for (const u of schedule.unassigned.slice(0, 20)) io.out(`  unassigned ${u.client}/${u.visit}/${u.date}: ${u.reason}`);
    if (schedule.unassigned.length > 20) io.out(`  ... and ${schedule.unassigned.length - 20} more`);
    return 0;
  },
  score(args, io) {
    const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
    const [rosterPath, schedulePath] = need(positionals, 2, "score ROSTER SCHEDULE");
    const roster = load(rosterPath);
    const metrics = computeMetrics(roster, readSchedule(readTextFile(schedulePath), roster, schedulePath));
    io.out(values.json ? JSON.stringify(metrics, null, 2) : formatMetrics(metrics));
    return 0;
  },
  compare(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: "boolean" }, top: { type: "string" } },
    });
    const [rosterPath, beforePath, afterPath] = need(positionals, 3, "compare ROSTER BEFORE AFTER");
    const roster = load(rosterPath);
    const before = computeMetrics(roster, readSchedule(readTextFile(beforePath), roster, beforePath));
    const after = computeMetrics(roster, readSchedule(readTextFile(afterPath), roster, afterPath));
    const comparison = compareMetrics(before, after);
    io.out(values.json ? JSON.stringify(comparison, null, 2) : formatComparison(comparison, values.top ? wholeNumber(values.top, "--top", 0, Number.MAX_SAFE_INTEGER) : Infinity));
    return 0;
  },
  generate(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        clients: { type: "string" },
        seed: { type: "string", default: "1" },
        start: { type: "string", default: "2026-10-19" },
        days: { type: "string", default: "14" },
        name: { type: "string" },
        family: { type: "string", default: "city" },
        out: { type: "string", short: "o" },
      },
    });
    if (!values.clients || !values.out) throw new UsageError("generate needs --clients N and -o PREFIX");
    const options = {
      clients: wholeNumber(values.clients, "--clients", 1, LIMITS.clients),
      seed: wholeNumber(values.seed, "--seed", 0, Number.MAX_SAFE_INTEGER),
      start: dateFlag(values.start, "--start"),
      days: wholeNumber(values.days, "--days", 1, 62),
      ...(values.name ? { name: values.name } : {}),
      family: familyFlag(values.family),
    };
    // both files can be written, before the district is made
    prepareOutput(`${values.out}.roster.json`);
    prepareOutput(`${values.out}.before.csv`);
    const fixture = generateFixture(options);
    writeTextFile(`${values.out}.roster.json`, JSON.stringify(fixture.input, null, 2) + "\n");
    writeTextFile(`${values.out}.before.csv`, scheduleToCsv(fixture.roster, fixture.handmade));
    const m = computeMetrics(fixture.roster, fixture.handmade);
    io.out(`wrote ${values.out}.roster.json (${fixture.input.clients.length} clients, ${fixture.input.caregivers.length} caregivers, ${fixture.roster.occurrences.length} occurrences)`);
    io.out(`wrote ${values.out}.before.csv (hand-made: U21401 ${m.u21401}, ${m.unassigned} unassigned)`);
    return 0;
  },
  schedule: scheduleCommand,
  replan: replanCommand,
  explain: explainCommand,
  recommend: recommendCommand,
  staff: staffCommand,
  forecast: forecastCommand,
  "validate-staffing": validateStaffingCommand,
  restaff: restaffCommand,
  "generate-calls": generateCallsCommand,
  serve: serveCommand,
  worker: workerCommand,
};

function need<N extends 2 | 3>(positionals: string[], n: N, usage: string): N extends 2 ? [string, string] : [string, string, string] {
  if (positionals.length !== n) throw new UsageError(`usage: kontinuum ${usage}`);
  return positionals as N extends 2 ? [string, string] : [string, string, string];
}

function familyFlag(value: string | undefined): "city" | "rural" {
  if (value === "city" || value === "rural") return value;
  throw new UsageError(`--family must be city or rural, got "${value}"`);
}

export async function main(argv: string[], io: CliIo = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  const run = commands[command];
  if (!run) {
    io.err(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof InputError) io.err(e.message);
    else if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) io.err(`${(e as Error).message}\n\n${USAGE}`);
    else {
      io.err(`internal error: ${(e as Error).message}${process.env.KONTINUUM_DEBUG ? `\n${(e as Error).stack}` : " (set KONTINUUM_DEBUG=1 for the stack)"}`);
      return 3;
    }
    return 2;
  }
}
