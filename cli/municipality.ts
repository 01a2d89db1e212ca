import { existsSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { Worker } from "node:worker_threads";
import { prepareOutput } from "../src/common/files.js";
import { table } from "../src/common/table.js";
import { municipalFigures, type Metrics } from "../src/homecare/figures.js";
import type { DistrictJob } from "./district-worker.js";
import { UsageError, type CliIo } from "./io.js";

/**
 * `kontinuum schedule ROSTER... | DIR`: a municipality's districts planned in parallel, `workers`
 * at a time (default one per core), each slot's districts one after another in one worker thread,
 * with one progress line, a row per district, and the municipality's U21401/U21402/U21436 over all
 * counted clients together (what Kolada publishes), before and after where hand-made schedules lie
 * beside the rosters. A district that fails is reported and the others go on.
 */

export interface MunicipalityOptions {
  workers: number | undefined;
  outDir: string | undefined;
  csv: boolean;
  seed: number;
  timeLimitSeconds: number;
  travelWeight: number;
  quiet: boolean;
  /** each district's lower bound too: it takes a core the next district would use */
  bound: boolean;
  /** the worker thread's script (district-worker.ts; a test puts a stand-in there) */
  districtWorker?: URL;
}

type DistrictResult = { path: string; ok: true; name: string; clients: number; before: Metrics | null; after: Metrics; seconds: number } | { path: string; ok: false; message: string };

/** The rosters named: files as given, a folder's `*.roster.json` in name order. */
export function rosterPaths(positionals: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of positionals) {
    if (existsSync(p) && statSync(p).isDirectory()) {
      const found = readdirSync(p).filter((f) => f.endsWith(".roster.json")).sort();
      if (!found.length) throw new UsageError(`${p}: no *.roster.json in this folder`);
      out.push(...found.map((f) => join(p, f)));
    } else out.push(p);
  }
  return [...new Set(out)];
}

export async function scheduleMunicipality(paths: string[], options: MunicipalityOptions, io: CliIo): Promise<number> {
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), paths.length));
  const stem = (p: string) => basename(p).replace(/(\.roster)?\.json$/, "");
  const jobs: DistrictJob[] = paths.map((rosterPath) => {
    const base = options.outDir ? join(options.outDir, stem(rosterPath)) : rosterPath.replace(/(\.roster)?\.json$/, "");
    return {
      rosterPath,
      beforePath: rosterPath.replace(/(\.roster)?\.json$/, "") + ".before.csv",
      outPath: `${base}.schedule.json`,
      csvPath: options.csv ? `${base}.schedule.csv` : null,
      seed: options.seed,
      timeLimitSeconds: options.timeLimitSeconds,
      travelWeight: options.travelWeight,
      bound: options.bound,
    };
  });
  // every output can be written before a minute is spent
  for (const j of jobs) {
    prepareOutput(j.outPath);
    if (j.csvPath) prepareOutput(j.csvPath);
  }
  const started = Date.now();
  const fraction = new Map<string, number>();
  const results: DistrictResult[] = [];
  const line = () => {
    if (options.quiet) return;
    const running = [...fraction].map(([p, f]) => `${stem(p)} ${Math.round(f * 100)} %`).join(", ");
    const text = `districts ${results.length}/${jobs.length} done${running ? `; running ${running}` : ""}  ${((Date.now() - started) / 1000).toFixed(0)} s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text.padEnd(100)}`);
  };
  const timer = setInterval(line, 1000);
  type WorkerEvent = { kind: "progress"; fraction: number } | { kind: "done"; name: string; clients: number; before: Metrics | null; after: Metrics; seconds: number } | { kind: "failed"; message: string } | { kind: "died"; message: string };
  // one worker thread per slot, kept from district to district (district-worker.ts says why); a
  // thread that dies takes its district with it, and the slot starts a new one for the next
  const slot = async () => {
    let worker: Worker | null = null;
    let current: ((e: WorkerEvent) => void) | null = null;
    const start = () => {
      const w = new Worker(options.districtWorker ?? new URL("./district-worker.js", import.meta.url));
      w.on("message", (m: WorkerEvent) => current?.(m));
      w.on("error", (e) => current?.({ kind: "died", message: `internal error: ${e.message}` }));
      w.on("exit", (code) => current?.({ kind: "died", message: `the district's worker stopped (exit ${code})` }));
      return w;
    };
    for (let job = queue.shift(); job; job = queue.shift()) {
      const w: Worker = (worker ??= start());
      const path = job.rosterPath;
      fraction.set(path, 0);
      const result = await new Promise<DistrictResult>((resolve) => {
        current = (m) => {
          if (m.kind === "progress") return void fraction.set(path, m.fraction);
          current = null;
          if (m.kind === "died") {
            worker = null;
            void w.terminate();
          }
          resolve(m.kind === "done" ? { path, ok: true, name: m.name, clients: m.clients, before: m.before, after: m.after, seconds: m.seconds } : { path, ok: false, message: m.message });
        };
        w.postMessage(job);
      });
      fraction.delete(path);
      results.push(result);
      if (!options.quiet && !process.stderr.isTTY) process.stderr.write(`${results.length}/${jobs.length} ${stem(path)} ${result.ok ? "done" : "FAILED"}\n`);
    }
    await (worker as Worker | null)?.terminate();
  };
  const queue = [...jobs];
  await Promise.all(Array.from({ length: workers }, slot));
  clearInterval(timer);
  if (!options.quiet && process.stderr.isTTY) process.stderr.write("\n");
  results.sort((a, b) => a.path.localeCompare(b.path));
  const ok = results.filter((r): r is Extract<DistrictResult, { ok: true }> => r.ok);
  const seconds = (Date.now() - started) / 1000;
  const fig = (x: number | null | undefined) => (x === null || x === undefined ? "-" : String(x));
  io.out(
    table(
      ["district", "clients", "counted", "seconds", "unassigned", "U21401 before -> after", ...(options.bound ? ["bound"] : []), "travel min before -> after"],
      results.map((r) =>
        r.ok
          ? [stem(r.path), r.clients, r.after.counted, r.seconds.toFixed(1), r.after.unassigned, `${fig(r.before?.u21401)} -> ${fig(r.after.u21401)}`, ...(options.bound ? [fig((r.after as Metrics & { lowerBound?: { u21401: number | null } }).lowerBound?.u21401)] : []), `${r.before ? r.before.travelMinutes : "-"} -> ${r.after.travelMinutes}`]
          : [stem(r.path), "", "", "", "", "FAILED", ...(options.bound ? [""] : []), ""],
      ),
    ),
  );
  for (const r of results) if (!r.ok) io.err(r.message.startsWith(r.path) ? r.message : `${r.path}: ${r.message}`);
  const after = municipalFigures(ok.map((r) => r.after));
  const withBefore = ok.filter((r) => r.before);
  const before = withBefore.length === ok.length && ok.length ? municipalFigures(ok.map((r) => r.before!)) : null;
  io.out("");
  io.out(`municipality: ${ok.length} of ${results.length} districts planned in ${seconds.toFixed(1)} s with ${workers} worker(s); ${after.counted} clients counted`);
  io.out(
    table(
      ["", ...(before ? ["before"] : []), "after"],
      [
        ["U21401 (mean distinct staff, 14 days)", ...(before ? [fig(before.u21401)] : []), fig(after.u21401)],
        ["U21402 (median)", ...(before ? [fig(before.u21402)] : []), fig(after.u21402)],
        ["U21436 (% meeting more than 20)", ...(before ? [fig(before.u21436)] : []), fig(after.u21436)],
        ["unassigned visits", ...(before ? [String(before.unassigned)] : []), String(after.unassigned)],
        ["travel minutes", ...(before ? [String(before.travelMinutes)] : []), String(after.travelMinutes)],
      ],
    ),
  );
  if (withBefore.length && !before) io.out(`(before: only ${withBefore.length} of ${ok.length} districts have a hand-made schedule beside the roster, so no municipal before)`);
  return results.some((r) => !r.ok) ? 2 : 0;
}
