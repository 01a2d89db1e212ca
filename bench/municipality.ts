import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFixture } from "../cli/fixture.js";
import { scheduleToCsv } from "../src/homecare/schedule-io.js";

/**
 * Issue 19's municipality target: 20 districts of 80 clients planned in the time of 10 on 2 cores
 * (two at a time). Eighteen from our generator (nine city, nine rural) and the two 80-client
 * districts made outside this project, each with its hand-made schedule beside it; the first ten
 * planned one at a time (`--workers 1`), then all twenty two at a time (`--workers 2`), each by
 * the real CLI in its own process. Returns the two wall times and the municipal figures printed.
 */
const OUTSIDE_DIR = fileURLToPath(new URL("../../../shared/bench/homecare/", import.meta.url));
const CLI = fileURLToPath(new URL("../../bin/kontinuum.js", import.meta.url));

export function municipalityBench(): { ten: number; twenty: number; output: string } {
  const root = mkdtempSync(join(tmpdir(), "kontinuum-municipality-"));
  const all = join(root, "all");
  const ten = join(root, "ten");
  mkdirSync(all);
  mkdirSync(ten);
  const names: string[] = [];
  for (let i = 0; i < 18; i++) {
    const family = i % 2 ? "rural" : "city";
    const f = generateFixture({ clients: 80, seed: 100 + i, family, name: `Distrikt ${i + 1} (${family})` });
    const name = `d${String(i + 1).padStart(2, "0")}-${family}`;
    writeFileSync(join(all, `${name}.roster.json`), JSON.stringify(f.input));
    writeFileSync(join(all, `${name}.before.csv`), scheduleToCsv(f.roster, f.handmade));
    names.push(name);
  }
  for (const outside of ["district-101", "district-102"]) {
    copyFileSync(join(OUTSIDE_DIR, `${outside}.roster.json`), join(all, `${outside}.roster.json`));
    copyFileSync(join(OUTSIDE_DIR, `${outside}.before.csv`), join(all, `${outside}.before.csv`));
    names.push(outside);
  }
  // the ten: every other one, so both families and one outside district are among them
  for (const name of names.filter((_, i) => i % 2 === 0))
    for (const ext of [".roster.json", ".before.csv"]) copyFileSync(join(all, name + ext), join(ten, name + ext));
  const run = (dir: string, workers: number) => {
    const started = Date.now();
    const output = execFileSync(process.execPath, [CLI, "schedule", dir, "--workers", String(workers), "-q", "-o", join(dir, "out")], { encoding: "utf8", maxBuffer: 1 << 24 });
    return { seconds: (Date.now() - started) / 1000, output };
  };
  const a = run(ten, 1);
  const b = run(all, 2);
  return { ten: a.seconds, twenty: b.seconds, output: b.output };
}
