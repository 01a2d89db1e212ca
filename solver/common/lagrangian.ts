import { rowSides, type LpModel, type LpRow, type LpVariable } from "./lp.js";

/**
 * A Lagrangian relaxation of a maximizing model split into parts: each variable belongs to one
 * part (or none), a row whose variables all lie in one part stays in it, and every other row is
 * priced: with price p (a dual of the LP relaxation, say), its terms leave the objective at p per
 * unit and p times its right-hand side is added back. For any prices whose sign matches the row's
 * side (p ≥ 0 on a ≤ row, p ≤ 0 on a ≥ row, either on an equality), every feasible point satisfies
 *   objective ≤ Σ_parts (optimum of the part) + Σ_free (best of each free variable alone) + constant,
 * since at that point each priced row's term p·(row − rhs) is ≤ 0 (weak duality). So the sum bounds
 * the model's optimum, however the prices were found, and an upper bound on each part's optimum
 * (a MIP's dual bound) may stand for it. Solved as integer models the parts can be far tighter than
 * the whole model's LP relaxation, whose optimum the sum equals when the parts are relaxed too and
 * the prices are that relaxation's duals.
 */
export interface PricedParts {
  parts: Map<string, LpModel>;
  /** the priced rows' right-hand sides at their prices */
  constant: number;
  /** the variables of no part, each at its best within its bounds (Infinity when one is unbounded) */
  free: number;
}

export function priceByParts(model: LpModel, duals: ReadonlyMap<string, number>, partOf: (variable: string) => string | null): PricedParts {
  if (model.sense !== "max") throw new Error("priceByParts: a maximizing model");
  const objective = new Map(model.variables.map((v) => [v.name, v.objective]));
  const kept = new Map<string, LpRow[]>();
  let constant = 0;
  for (const row of model.rows) {
    const parts = new Set(row.terms.map(([v]) => partOf(v)));
    const [only] = parts;
    if (parts.size === 1 && only !== null && only !== undefined) {
      if (!kept.has(only)) kept.set(only, []);
      kept.get(only)!.push(row);
      continue;
    }
    for (const { name, side, rhs } of rowSides(row)) {
      const dual = duals.get(name) ?? 0;
      // a price of the wrong sign would not bound: that side is left unpriced
      const price = side === "hi" ? Math.max(0, dual) : side === "lo" ? Math.min(0, dual) : dual;
      if (Math.abs(price) < 1e-12) continue;
      for (const [v, a] of row.terms) objective.set(v, objective.get(v)! - price * a);
      constant += price * rhs;
    }
  }
  const variables = new Map<string, LpVariable[]>();
  let free = 0;
  for (const v of model.variables) {
    const part = partOf(v.name);
    const c = objective.get(v.name)!;
    if (part === null) {
      if (c > 1e-12) free += v.upper === undefined ? Infinity : c * v.upper;
      continue;
    }
    if (!variables.has(part)) variables.set(part, []);
    variables.get(part)!.push({ ...v, objective: c });
  }
  const parts = new Map<string, LpModel>();
  for (const [part, vs] of variables) parts.set(part, { sense: "max", variables: vs, rows: kept.get(part) ?? [] });
  return { parts, constant, free };
}
