import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import highsModule, { type Highs } from "highs";
import lpSolver from "javascript-lp-solver";

/**
 * One linear model, two back ends: HiGHS (WebAssembly, from the `highs` package) for models with
 * hundreds or thousands of integers, javascript-lp-solver for small ones. The model is plain data;
 * the writers below turn it into each solver's input.
 */

export interface LpVariable {
  name: string;
  objective: number;
  upper?: number;
  integer?: boolean;
}

export interface LpRow {
  name: string;
  terms: [variable: string, coefficient: number][];
  min?: number;
  max?: number;
}

export interface LpModel {
  sense: "max" | "min";
  variables: LpVariable[];
  rows: LpRow[];
}

export interface LpSolution {
  status: "optimal" | "feasible" | "infeasible" | "failed";
  objective: number;
  values: Map<string, number>;
  /** the solver's own status text */
  detail: string;
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(12));

/** CPLEX LP format, as HiGHS reads it (short lines: some readers limit line length). */
/** A row as the LP format writes it (and HiGHS names it): an equality, or its lower and upper sides, `_lo` and `_hi`. */
export function rowSides(row: LpRow): { name: string; side: "eq" | "lo" | "hi"; rhs: number }[] {
  if (row.min !== undefined && row.max !== undefined && row.min === row.max) return [{ name: row.name, side: "eq", rhs: row.min }];
  return [...(row.min !== undefined ? [{ name: `${row.name}_lo`, side: "lo" as const, rhs: row.min }] : []), ...(row.max !== undefined ? [{ name: `${row.name}_hi`, side: "hi" as const, rhs: row.max }] : [])];
}

export function toLpFormat(model: LpModel, relax = false): string {
  const out: string[] = [model.sense === "max" ? "Maximize" : "Minimize"];
  const expr = (terms: [string, number][]) => {
    const parts = terms.filter(([, c]) => c !== 0).map(([v, c], i) => `${c < 0 ? "- " : i ? "+ " : ""}${num(Math.abs(c))} ${v}`);
    const lines: string[] = [];
    for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(" "));
    return lines.length ? lines.join("\n  ") : "0 " + (terms[0]?.[0] ?? model.variables[0]!.name);
  };
  out.push(` obj: ${expr(model.variables.map((v) => [v.name, v.objective]))}`);
  out.push("Subject To");
  const relation = { eq: "=", lo: ">=", hi: "<=" } as const;
  for (const r of model.rows) for (const { name, side, rhs } of rowSides(r)) out.push(` ${name}: ${expr(r.terms)} ${relation[side]} ${num(rhs)}`);
  out.push("Bounds");
  for (const v of model.variables) out.push(v.upper === undefined ? ` ${v.name} >= 0` : ` 0 <= ${v.name} <= ${num(v.upper)}`);
  const ints = relax ? [] : model.variables.filter((v) => v.integer);
  if (ints.length) {
    out.push("General");
    for (let i = 0; i < ints.length; i += 10) out.push(" " + ints.slice(i, i + 10).map((v) => v.name).join(" "));
  }
  out.push("End");
  return out.join("\n");
}

// the package ships an ES module for `import`; its types describe the CommonJS build, hence the cast
const loadHighs = highsModule as unknown as () => Promise<Highs>;
let highs: Promise<Highs> | null = null;

export async function solveWithHighs(
  model: LpModel,
  options: { timeLimitSeconds: number; relax?: boolean; mipGap?: number; maxNodes?: number },
): Promise<LpSolution> {
  highs ??= loadHighs();
  const solver = await highs;
  const result = solver.solve(toLpFormat(model, options.relax ?? false), {
    time_limit: Math.max(0.5, options.timeLimitSeconds),
    output_flag: false,
    mip_rel_gap: options.mipGap ?? 1e-4,
    ...(options.maxNodes !== undefined ? { mip_max_nodes: options.maxNodes } : {}),
  });
  const hasValues = result.Status === "Optimal" || ((result.Status === "Time limit reached" || result.Status === "Iteration limit reached") && Object.values(result.Columns).some((c) => "Primal" in (c as object)));
  const values = new Map<string, number>();
  if (hasValues) for (const [name, col] of Object.entries(result.Columns)) values.set(name, (col as { Primal: number }).Primal);
  return {
    status: result.Status === "Optimal" ? "optimal" : hasValues ? "feasible" : result.Status === "Infeasible" ? "infeasible" : "failed",
    objective: hasValues ? result.ObjectiveValue : NaN,
    values,
    detail: result.Status,
  };
}

export interface IntegerBound {
  /** no integer solution of the model is better than this (null: infeasible, or the root not solved in time) */
  bound: number | null;
  /** HiGHS's model status: "optimal", "time limit", "infeasible", ... */
  detail: string;
  seconds: number;
  /** a relaxed model's row duals by HiGHS's row names (toLpFormat's), when asked for */
  duals?: [row: string, dual: number][];
  /** the best solution found (its nonzero values by variable name), when asked for and one was */
  values?: [variable: string, value: number][];
}

// Runs in the worker: plain CommonJS, so that it needs no build step (the tests run the TypeScript).
const BOUND_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const load = () => require(workerData.highsPath)();
load().then(async (first) => {
  let highs = first;
  const statusName = Object.fromEntries(Object.entries(highs.constants.modelStatus).map(([name, code]) => [code, name]));
  const deadline = Date.now() + workerData.deadlineSeconds * 1000;
  const results = [];
  for (const { lp, timeLimitSeconds, mipGap, duals, values } of workerData.models) {
    const started = Date.now();
    // past the deadline, a model is not started: its bound is unknown
    const left = (deadline - started) / 1000;
    if (left <= 0.05) {
      results.push({ bound: null, detail: "not started before the deadline", seconds: 0 });
      continue;
    }
    let model = null;
    try {
      model = highs.createModel({ format: "lp", data: lp });
      model.options.set({ output_flag: false, time_limit: Math.min(timeLimitSeconds ?? workerData.timeLimitSeconds, left), mip_rel_gap: mipGap ?? workerData.mipGap });
      const status = model.run().modelStatus;
      const detail = statusName[status] ?? String(status);
      // an LP (relaxed) model's bound is its optimum; an integer model's is the dual bound
      const integer = lp.includes("\\nGeneral\\n");
      const bound = integer ? Number(model.info.get("mip_dual_bound")) : detail === "optimal" ? Number(model.info.get("objective_function_value")) : NaN;
      const result = { bound: detail !== "infeasible" && Number.isFinite(bound) ? bound : null, detail, seconds: (Date.now() - started) / 1000 };
      if (duals && !integer && detail === "optimal") {
        const rowDual = model.getSolution().rowDual;
        result.duals = Array.from(rowDual, (d, r) => [model.getRowName(r), d]);
      }
      // primal_solution_status 2: a feasible solution is at hand
      if (values && model.info.get("primal_solution_status") === 2) {
        const colValue = model.getSolution().colValue;
        result.values = [];
        colValue.forEach((v, c) => { if (Math.abs(v) > 1e-9) result.values.push([model.getColName(c), v]); });
      }
      results.push(result);
      model.dispose();
    } catch (e) {
      // The WebAssembly build can trap ("memory access out of bounds") on a date's integer model
      // (a random 4-nurse, 7-day region in test/staffing.test.ts's property, two runs in three).
      // That model gets no bound (the caller then does without it: a bound is never guessed), and
      // the models after it get a new instance: a trapped one's memory is not to be trusted.
      results.push({ bound: null, detail: "solver error: " + (e && e.message), seconds: (Date.now() - started) / 1000 });
      highs = await load();
    }
  }
  parentPort.postMessage(results);
});
`;

/**
 * HiGHS's dual bound on each integer model (one after the other; a relaxed one's optimum), in a
 * worker thread so that the caller's own solving goes on on the other core. The dual bound holds
 * even when a solve stops at its time limit: it is the best objective any integer solution could
 * still reach (for "max").
 * With `values`, a model's best solution comes back too; `mipGap` and `timeLimitSeconds` per model
 * override the shared ones.
 * With `deadlineSeconds`, no model is started after it and none runs past it (those left get no bound).
 * `cancel` stops the worker when the caller no longer needs the bounds.
 */
export function integerBoundsInWorker(
  models: readonly { model: LpModel; relax?: boolean; timeLimitSeconds?: number; mipGap?: number; duals?: boolean; values?: boolean }[],
  options: { timeLimitSeconds: number; mipGap: number; deadlineSeconds?: number },
): { result: Promise<IntegerBound[]>; cancel(): void } {
  const worker = new Worker(BOUND_WORKER, {
    eval: true,
    workerData: {
      highsPath: createRequire(import.meta.url).resolve("highs"),
      models: models.map((m) => ({ lp: toLpFormat(m.model, m.relax ?? false), timeLimitSeconds: m.timeLimitSeconds, mipGap: m.mipGap, duals: m.duals ?? false, values: m.values ?? false })),
      timeLimitSeconds: Math.max(0.5, options.timeLimitSeconds),
      deadlineSeconds: options.deadlineSeconds ?? Infinity,
      mipGap: options.mipGap,
    },
  });
  const result = new Promise<IntegerBound[]>((resolve, reject) => {
    worker.once("message", (bounds: IntegerBound[]) => {
      resolve(bounds);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the bound worker stopped (exit code ${code}) before it answered`)));
  });
  // a caller that stops early does not leave an unhandled rejection behind
  result.catch(() => undefined);
  return { result, cancel: () => void worker.terminate() };
}

// the package's types describe its CommonJS build; under ESM the default export is the solver itself
const jsLp = lpSolver as unknown as {
  Solve(model: object): { feasible: boolean; result: number; bounded?: boolean; [name: string]: unknown };
};

/** The same model through javascript-lp-solver (no time limit of its own: use it on small models). */
export function solveWithJsLp(model: LpModel, relax = false): LpSolution {
  const constraints: Record<string, { min?: number; max?: number }> = {};
  const variables: Record<string, Record<string, number>> = {};
  const ints: Record<string, 1> = {};
  for (const v of model.variables) {
    variables[v.name] = { __objective: v.objective };
    if (v.upper !== undefined) {
      constraints[`${v.name}__ub`] = { max: v.upper };
      variables[v.name]![`${v.name}__ub`] = 1;
    }
    if (v.integer && !relax) ints[v.name] = 1;
  }
  for (const r of model.rows) {
    constraints[r.name] = { ...(r.min !== undefined ? { min: r.min } : {}), ...(r.max !== undefined ? { max: r.max } : {}) };
    for (const [name, c] of r.terms) variables[name]![r.name] = (variables[name]![r.name] ?? 0) + c;
  }
  const result = jsLp.Solve({ optimize: "__objective", opType: model.sense, constraints, variables, ints });
  const values = new Map<string, number>();
  for (const v of model.variables) values.set(v.name, typeof result[v.name] === "number" ? (result[v.name] as number) : 0);
  return { status: result.feasible ? "optimal" : "infeasible", objective: result.result, values, detail: result.feasible ? "feasible" : "infeasible" };
}
