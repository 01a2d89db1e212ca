import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { generateFixture } from "../src/generate/fixture.js";
import { computeMetrics } from "../src/metrics.js";
import { table } from "../src/report.js";
import { runHomecare } from "../solver/run.js";

/**
 * `npm run bench`: home-care districts of 20, 80 and 300 clients (two weeks, fixed seeds), each
 * solved in its own process so peak memory is that size's own.
 */

const SIZES = [
  { clients: 20, seed: 11 },
  { clients: 80, seed: 7 },
  { clients: 300, seed: 13 },
];

function one(clients: number, seed: number): string[] {
  const fixture = generateFixture({ clients, seed });
  const started = Date.now();
  const run = runHomecare(fixture.roster, { seed: 1, timeLimitSeconds: clients >= 300 ? 300 : 60 });
  const seconds = (Date.now() - started) / 1000;
  const hand = computeMetrics(fixture.roster, fixture.handmade);
  const m = run.metrics;
  return [
    String(clients),
    String(fixture.roster.occurrences.length),
    seconds.toFixed(1),
    String(m.unassigned),
    `${m.u21401} / ${m.u21402} / ${m.u21436}`,
    String(m.lowerBound.u21401),
    `${hand.u21401} (${hand.unassigned} unass.)`,
    `${m.travelMinutes} / ${hand.travelMinutes}`,
    `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  ];
}

const arg = process.argv.indexOf("--one");
if (arg >= 0) {
  const [clients, seed] = process.argv.slice(arg + 1, arg + 3).map(Number) as [number, number];
  process.stdout.write(JSON.stringify(one(clients, seed)));
} else {
  const self = fileURLToPath(import.meta.url);
  const rows = SIZES.map(({ clients, seed }) => {
    process.stderr.write(`solving ${clients} clients ...\n`);
    return JSON.parse(execFileSync(process.execPath, [self, "--one", String(clients), String(seed)], { encoding: "utf8", maxBuffer: 1 << 20 })) as string[];
  });
  console.log(`home care, two weeks (seed 1, 300,000 moves or the time limit); ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, Node ${process.version}`);
  console.log(
    table(
      ["clients", "occurrences", "seconds", "unassigned", "U21401/U21402/U21436", "lower bound", "hand-made U21401", "travel min (ours / hand)", "peak RSS"],
      rows,
    ),
  );
}
