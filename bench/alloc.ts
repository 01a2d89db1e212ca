import { Session } from "node:inspector/promises";
import { readFileSync } from "node:fs";
import { table } from "../src/common/table.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { solveHomecare } from "../solver/homecare/search.js";

/**
 * What the home-care search allocates: one search (seed 1) of a district for a number of moves
 * under V8's sampling heap profiler, counting the objects the collector has taken again too (the
 * garbage is the point: on two cores, collecting it takes the other core). Prints the megabytes
 * allocated and the functions that allocated most (inlined callees count with their caller).
 */
export async function allocationProfile(rosterPath: string, moves: number): Promise<string> {
  const roster = readRoster(readFileSync(rosterPath, "utf8"), rosterPath);
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const started = Date.now();
  const result = solveHomecare(roster, { seed: 1, moves, timeLimitSeconds: 3600 });
  const seconds = (Date.now() - started) / 1000;
  const { profile } = await session.post("HeapProfiler.stopSampling");
  session.disconnect();
  const bytes = new Map<string, number>();
  const walk = (node: typeof profile.head): void => {
    const f = node.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url ? `${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}` : "(native)"}`;
    bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return [
    `${rosterPath}: ${moves} moves in ${seconds.toFixed(1)} s (objective ${result.objective}), ${(total / 1e6).toFixed(0)} MB allocated (sampled every 16 kB)`,
    table(["function", "share"], top.map(([name, b]) => [name, `${((100 * b) / total).toFixed(1)} %`])),
  ].join("\n");
}
