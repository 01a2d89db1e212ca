import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The layers, as the README draws them, checked on every import of the tree (a wrong import fails
 * `npm test`). Each file belongs to the first layer whose folder holds it; a layer may import only
 * the layers it lists. No import cycles anywhere.
 *
 *   app:     cli/ api/ bench/                        (may import everything below, never web/)
 *   solver:  solver/homecare/  solver/calls/         (their domain, solver/common, src/common)
 *            solver/common/                          (src/common)
 *   domain:  src/homecare/  src/calls/               (their own folder and src/common: twins, not siblings)
 *            src/common/
 *   page:    web/                                    (talks to the API over HTTP only)
 *
 * The solver never parses: it may not import a domain's io, nor the parsing helpers.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FOLDERS = ["src", "solver", "cli", "api", "bench", "web"];

export const LAYERS: { folder: string; mayImport: string[] }[] = [
  { folder: "src/common", mayImport: ["src/common"] },
  { folder: "src/homecare", mayImport: ["src/common", "src/homecare"] },
  { folder: "src/calls", mayImport: ["src/common", "src/calls"] },
  { folder: "solver/common", mayImport: ["src/common", "solver/common"] },
  { folder: "solver/homecare", mayImport: ["src/common", "src/homecare", "solver/common", "solver/homecare"] },
  { folder: "solver/calls", mayImport: ["src/common", "src/calls", "solver/common", "solver/calls"] },
  { folder: "cli", mayImport: ["src", "solver", "cli", "api"] },
  { folder: "api", mayImport: ["src", "solver", "api"] },
  { folder: "bench", mayImport: ["src", "solver", "cli", "api", "bench"] },
  { folder: "web", mayImport: ["web"] },
];

/** Modules that read text or files: for the app layer, never the solver's. */
const PARSING = ["src/common/parse.ts", "src/common/files.ts", "src/common/csv.ts", "src/homecare/roster-io.ts", "src/homecare/schedule-io.ts", "src/calls/io.ts"];

const inside = (file: string, folder: string) => file === folder || file.startsWith(folder + "/");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of the tree: file -> imported files (as paths from the root). */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of FOLDERS.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const targets = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(\.{1,2}\/[^"]+)"/g)].map(([, spec]) =>
      relative(ROOT, normalize(join(ROOT, dirname(file), spec!))).replace(/\.js$/, ".ts"),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** The imports that break a layer rule, as "from -> to: why". */
export function layerViolations(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const layer = LAYERS.find((l) => inside(from, l.folder));
    if (!layer) continue;
    for (const to of targets) {
      if (to.startsWith("dist/") || to.startsWith("node_modules/")) continue;
      if (!layer.mayImport.some((f) => inside(to, f))) out.push(`${from} -> ${to}: ${layer.folder} may import only ${layer.mayImport.join(", ")}`);
      else if (inside(from, "solver") && PARSING.includes(to)) out.push(`${from} -> ${to}: the solver never parses`);
    }
  }
  return out;
}

/** Import cycles (strongly connected components of more than one file, or a file importing itself). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe("layers", () => {
  const graph = importGraph();

  it("reads the whole tree", () => {
    expect(graph.has("solver/homecare/search.ts")).toBe(true);
    expect(graph.has("src/calls/rules.ts")).toBe(true);
    expect([...graph.values()].flat().length).toBeGreaterThan(200);
  });

  it("every import keeps to its layer", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("no import cycles", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("every file lies in a layer", () => {
    expect([...graph.keys()].filter((f) => !LAYERS.some((l) => inside(f, l.folder)))).toEqual([]);
  });

  it("catches a wrong import and a cycle (the check can fail)", () => {
    const wrong = new Map(graph);
    wrong.set("solver/homecare/routes.ts", [...graph.get("solver/homecare/routes.ts")!, "cli/main.ts", "src/calls/model.ts", "src/homecare/roster-io.ts"]);
    wrong.set("src/homecare/model.ts", [...graph.get("src/homecare/model.ts")!, "solver/homecare/routes.ts"]);
    const found = layerViolations(wrong);
    expect(found).toContain("solver/homecare/routes.ts -> cli/main.ts: solver/homecare may import only src/common, src/homecare, solver/common, solver/homecare");
    expect(found).toContain("solver/homecare/routes.ts -> src/calls/model.ts: solver/homecare may import only src/common, src/homecare, solver/common, solver/homecare");
    expect(found).toContain("solver/homecare/routes.ts -> src/homecare/roster-io.ts: the solver never parses");
    expect(found.some((f) => f.startsWith("src/homecare/model.ts -> solver/homecare/routes.ts"))).toBe(true);
    expect(importCycles(wrong).some((c) => c.includes("src/homecare/model.ts") && c.includes("solver/homecare/routes.ts"))).toBe(true);
  });
});
