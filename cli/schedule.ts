import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { DEFAULTS } from "../src/common/defaults.js";
import type { SolveProgress } from "../solver/homecare/search.js";
import { runHomecare } from "../solver/homecare/run.js";
import { compareMetrics } from "../src/homecare/compare.js";
import { prepareOutput, readTextFile, writeTextFile } from "../src/common/files.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readSchedule, scheduleToCsv, scheduleToJson } from "../src/homecare/schedule-io.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { formatComparison, formatMetrics } from "../src/homecare/report.js";
import { solverFlags, solverOptions, UsageError, wholeNumber, type CliIo } from "./io.js";
import { rosterPaths, scheduleMunicipality } from "./municipality.js";
import { progressBar } from "./progress.js";

/** `kontinuum schedule ROSTER... | DIR [--workers N]` (a municipality: municipality.ts), or one roster: `kontinuum schedule ROSTER [-o OUT] [--csv OUT.csv] [--time-limit S] [--seed N] [--travel-weight W] [--construction compact|familiar] [--search-workers N] [--compare BEFORE]` */
export async function scheduleCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...solverOptions(DEFAULTS.homecare.timeLimitSeconds),
      compare: { type: "string" },
      top: { type: "string", default: "15" },
      quiet: { type: "boolean", short: "q" },
      "travel-weight": { type: "string", default: "1" },
      workers: { type: "string" },
      "search-workers": { type: "string" },
      construction: { type: "string", default: "compact" },
      bound: { type: "boolean" },
    },
  });
  if (!positionals.length) throw new UsageError("usage: kontinuum schedule ROSTER.json [options], or ROSTER... | DIR for a municipality");
  const { timeLimit, seed } = solverFlags(values);
  // the planner's trade-off: 2 makes a travel minute weigh twice as much against continuity as the default
  const travelWeight = Number(values["travel-weight"]);
  if (!(travelWeight >= 0.1 && travelWeight <= 100)) throw new UsageError(`--travel-weight must be a number from 0.1 to 100, got "${values["travel-weight"]}"`);
  // the other trade-off: "familiar" plans teams first (fewer faces, the kontaktperson more often, longer drives)
  const construction = values.construction;
  if (construction !== "compact" && construction !== "familiar") throw new UsageError(`--construction must be compact or familiar, got "${construction}"`);
  const paths = rosterPaths(positionals);
  if (paths.length > 1 || positionals.length > 1 || values.workers !== undefined) {
    if (values.compare) throw new UsageError("--compare is for one roster; for many, put each hand-made schedule beside its roster as NAME.before.csv");
    if (values["search-workers"] !== undefined) throw new UsageError("--search-workers is for one roster; many rosters share the cores by district (--workers N)");
    if (construction !== "compact") throw new UsageError("--construction is for one roster");
    if (values.csv) throw new UsageError("--csv names one file; for many rosters each district's CSV is written beside its JSON (NAME.schedule.csv)");
    return scheduleMunicipality(paths, {
      workers: values.workers === undefined ? undefined : wholeNumber(values.workers, "--workers", 1, 64),
      outDir: values.out,
      csv: true,
      seed,
      timeLimitSeconds: timeLimit,
      travelWeight,
      quiet: values.quiet ?? false,
      bound: values.bound ?? false,
    }, io);
  }
  // one roster owns the machine: one search per core (a portfolio of seeds), the bound beside them
  const searchWorkers = values["search-workers"] === undefined ? availableParallelism() : wholeNumber(values["search-workers"], "--search-workers", 1, 64);
  const rosterPath = paths[0]!;
  const roster = readRoster(readTextFile(rosterPath), rosterPath);
  // read the hand-made schedule before solving, so a bad file fails fast
  const before = values.compare ? readSchedule(readTextFile(values.compare), roster, values.compare) : undefined;
  // where the results go is checked before the solve, not after it
  const outPath = values.out ?? rosterPath.replace(/(\.roster)?\.json$/, "") + ".schedule.json";
  prepareOutput(outPath);
  if (values.csv) prepareOutput(values.csv);
  const bar = values.quiet ? undefined : progressBar<SolveProgress>((p) => `best ${Math.round(p.best)}  unassigned ${p.unassigned}  staff-sum ${p.distinctSum}`);
  const run = await runHomecare(roster, { seed, timeLimitSeconds: timeLimit, travelWeight, searchWorkers, construction, ...(bar ? { onProgress: bar.update } : {}) });
  bar?.end();
  writeTextFile(outPath, JSON.stringify(scheduleToJson(roster, run.schedule, run.metrics), null, 2) + "\n");
  if (values.csv) writeTextFile(values.csv, scheduleToCsv(roster, run.schedule));
  io.out(`wrote ${outPath}${values.csv ? ` and ${values.csv}` : ""} (${(run.elapsedMs / 1000).toFixed(1)} s, ${run.iterations} improvement moves)`);
  io.out(formatMetrics(run.metrics));
  const bound = run.metrics.lowerBound;
  io.out(`lower bound on U21401:                  ${bound.u21401 ?? "-"}${bound.proven ? "" : ` (not proven: ${bound.detail})`}`);
  for (const u of run.schedule.unassigned.slice(0, 10)) io.out(`unassigned ${u.client}/${u.visit}/${u.date}: ${u.reason}`);
  if (before) {
    io.out("");
    io.out(formatComparison(compareMetrics(computeMetrics(roster, before), run.metrics), Number(values.top)));
  }
  return 0;
}
