import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CallsProblem, NurseShift } from "../src/calls/model.js";
import { normalizeCalls } from "../src/calls/normalize.js";
import { longestRest, validateStaffing } from "../src/calls/rules.js";
import { placementTable, placeShift, staffedCounts, toNurseShift, workable } from "../src/calls/shifts.js";
import { generateCallsFixture } from "../src/calls/generate.js";
import { readCallRowsCsv } from "../src/calls/io.js";
import { toRosterShifts } from "../src/calls/rules.js";
import { callsInputSchema } from "../src/calls/schema.js";
import { freeDateRows, freeDateWeek, type OwnShift } from "../solver/calls/assignment-model.js";
import { callDemand } from "../src/calls/forecast.js";
import type { LpModel, LpRow, LpVariable } from "../solver/common/lp.js";
import { classShare, nurseClasses } from "../solver/calls/nurse-classes.js";
import { IntervalQueues } from "../src/calls/queues.js";
import { committedSlopes, countModel } from "../solver/calls/staffing-model.js";
import { shiftOptions } from "../solver/calls/shift-options.js";
import { runStaffing } from "../solver/calls/run.js";
import { assignmentOrder, startingCounts } from "../solver/calls/staffing.js";
import { classCountedShifts, countedGroups, staffedByOptions } from "../solver/calls/counted-groups.js";
import { datedBoundModel } from "../solver/calls/bound-by-date.js";
import { paidMinutePrice, pricedRounds, secondRoundCounts, solvedDatedBound, upperBoundsInWorker, withUnsolvedDates } from "../solver/calls/upper-bounds.js";
import { priceByParts } from "../solver/common/lagrangian.js";
import { integerBoundsInWorker, rowSides, solveWithHighs } from "../solver/common/lp.js";

// a Monday-to-Sunday fortnight away from DST, and one across it (the week of 2026-10-25 has 169 hours)
const region = (start: string) => {
  const fixture = generateCallsFixture({ seed: 4, nurses: 20, days: 14, historyWeeks: 2, start });
  return normalizeCalls(fixture.input, { history: readCallRowsCsv(fixture.historyCsv, "history") });
};

/** A few days from 2026-11-02 at hourly intervals, `offered` calls each hour. */
const hourlyProblem = (name: string, days: number, offered: number, shiftTemplates: { id: string; start: string; lengthMinutes: number }[], nurses: { id: string; contractMinutes: number }[]) =>
  normalizeCalls(
    callsInputSchema.parse({
      name,
      period: { start: "2026-11-02", days },
      intervalMinutes: 60,
      target: { answeredWithinSeconds: 480, serviceLevel: 0.75 },
      handleTimeSeconds: 300,
      forecast: Array.from({ length: 24 * days }, (_, h) => ({ start: `2026-11-0${2 + Math.floor(h / 24)}T${String(h % 24).padStart(2, "0")}:00`, offered })),
      shiftTemplates,
      nurses,
    }),
  );

describe("nurse classes", () => {
  it("pools nurses by the templates they work, each nurse with a contract in exactly one class", () => {
    const problem = region("2026-11-02");
    const classes = nurseClasses(problem);
    const members = classes.flatMap((k) => k.members).sort((a, b) => a - b);
    expect(members).toEqual(problem.nurses.filter((n) => n.contractMinutes > 0).map((n) => n.index));
    for (const k of classes)
      for (const n of k.members) {
        const own = problem.nurses[n]!.templates;
        expect(k.templates).toEqual(problem.templates.map((t) => t.index).filter((t) => !own || own.has(t)));
      }
  });

  it("assigns the classes that may work the most templates first, ties in class order, each class once", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 12 }), (sizes) => {
        const classes = sizes.map((size, c) => ({ key: `k${c}`, members: [c], templates: Array.from({ length: size }, (_, t) => t) }));
        const order = assignmentOrder(classes);
        expect(order.map(([c]) => c).sort((a, b) => a - b)).toEqual(classes.map((_, c) => c));
        for (const [c, k] of order) expect(k).toBe(classes[c]);
        for (let j = 1; j < order.length; j++) {
          const [[a, x], [b, y]] = [order[j - 1]!, order[j]!];
          expect(x.templates.length > y.templates.length || (x.templates.length === y.templates.length && a < b)).toBe(true);
        }
      }),
    );
    // region 105's classes in the nurses' order: the one of seven templates first, the night class last
    const keys = ["0_1_2_3_4_5", "6", "0_1_3_4_5", "0_1_3", "0_1_3_4_5_6", "0_1_2_3", "0_1_2_3_4_5_6"];
    const region105 = keys.map((key, c) => ({ key, members: [c], templates: key.split("_").map(Number) }));
    expect(assignmentOrder(region105).map(([, k]) => k.key)).toEqual(["0_1_2_3_4_5_6", "0_1_2_3_4_5", "0_1_3_4_5_6", "0_1_3_4_5", "0_1_2_3", "0_1_3", "6"]);
  });
});

describe("daily rest across midnight in the solver's count model", () => {
  it("takes a class's late shifts on one date and early ones on the next together, where one row per template let more through than its nurses can work", () => {
    const problem = hourlyProblem(
      "kvall then dag and fm",
      2,
      20,
      [
        { id: "dag", start: "07:00", lengthMinutes: 480 },
        { id: "fm", start: "08:00", lengthMinutes: 480 },
        { id: "kvall", start: "15:00", lengthMinutes: 480 },
      ],
      Array.from({ length: 10 }, (_, n) => ({ id: `n${n}`, contractMinutes: 960 })),
    );
    const model = countModel(problem, new IntervalQueues(problem, callDemand(problem)), shiftOptions(problem, placementTable(problem)), false);
    // 6 of the 10 on kvall (ending 23:00) on the first date, 3 each on dag (07:00) and fm (08:00) the next: only 4 are left for those 6 shifts
    const point = new Map<string, number>(model.variables.map((v) => [v.name, 0]));
    point.set(classShare(0, "0_2"), 6);
    point.set(classShare(0, "1_0"), 3);
    point.set(classShare(0, "1_1"), 3);
    const rest = model.rows.filter((r) => r.name.startsWith("krest"));
    const kept = (r: LpRow) => r.terms.reduce((acc, [name, c]) => acc + c * point.get(name)!, 0) <= r.max!;
    expect(rest.filter((r) => r.name.startsWith("krest_")).every(kept)).toBe(true);
    expect(rest.filter((r) => r.name.startsWith("krestall_") && !kept(r)).map((r) => r.name)).toEqual([`krestall_0_0_${placeShift(problem, problem.templates[2]!, 0)!.end}`]);
    // 4 on kvall fit (6 left for the 6 early shifts)
    point.set(classShare(0, "0_2"), 4);
    expect(rest.every(kept)).toBe(true);
  });
});

describe("weekly rest as a free date (assignment model)", () => {
  for (const start of ["2026-11-02", "2026-10-19"]) {
    it(`holds exactly when the week keeps its rest, for any shifts a nurse could work (period from ${start})`, () => {
      const problem = region(start);
      const table = placementTable(problem);
      const own: OwnShift[] = table.flatMap((row) => row.filter((p) => workable(p, problem)).map((p) => ({ name: `y_${p!.dayIndex}_${p!.template}`, placement: p! })));
      const week = problem.weeks.find((w) => w.start >= problem.start && w.end <= problem.end)!;
      const byDate = freeDateWeek(problem, own, week);
      // the bundled templates (shifts of 8-10 hours, 11 hours' daily rest, 36 hours' weekly) qualify
      expect(byDate).not.toBeNull();
      const variables: LpVariable[] = [];
      const rows: LpRow[] = [];
      freeDateRows(0, 0, week, byDate!, problem.rules.weeklyRestMinutes, variables, rows);
      const free = variables.map((v) => v.name);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -1, max: problem.templates.length - 1 }), { minLength: 9, maxLength: 9 }), (pick) => {
          // one shift (or none) a date, from the day before the week to the day after
          const worked = new Set<string>();
          pick.forEach((t, k) => {
            const s = byDate![k]!.find((x) => x.placement.template === t);
            if (s) worked.add(s.name);
          });
          const shifts = own.filter((s) => worked.has(s.name)).map((s) => s.placement).sort((a, b) => a.start - b.start);
          const keepsRest = longestRest(shifts, week) >= problem.rules.weeklyRestMinutes;
          // some free-date choice satisfies every row
          const satisfiable = free.some((f) =>
            rows.every((r) => {
              const sum = r.terms.reduce((acc, [name, c]) => acc + c * (name === f ? 1 : free.includes(name) ? 0 : worked.has(name) ? 1 : 0), 0);
              return (r.min === undefined || sum >= r.min) && (r.max === undefined || sum <= r.max);
            }),
          );
          expect(satisfiable).toBe(keepsRest);
        }),
        { numRuns: 3000, seed: 11 },
      );
    });
  }
});

/** A roster as a point of the count model: x per option, w per class, v per nurse, z up to each interval's staffing. */
function rosterPoint(problem: CallsProblem, model: LpModel, shifts: readonly NurseShift[]): Map<string, number> {
  const point = new Map<string, number>(model.variables.map((v) => [v.name, 0]));
  const add = (name: string) => {
    expect(point.has(name), `the model has no variable ${name}`).toBe(true);
    point.set(name, point.get(name)! + 1);
  };
  const options = shiftOptions(problem, placementTable(problem));
  const classOf = new Map(nurseClasses(problem).flatMap((k, c) => k.members.map((n) => [n, c] as const)));
  for (const s of shifts) {
    const o = options.find((o) => o.placement.dayIndex === s.dayIndex && o.placement.template === s.template && o.breakStart === s.breakStart)!;
    add(o.name);
    add(classShare(classOf.get(s.nurse)!, `${s.dayIndex}_${s.template}`));
    add(`v_${s.nurse}_${s.template}`);
  }
  staffedCounts(problem, shifts).forEach((n, i) => {
    for (let k = 0; k < n; k++) if (point.has(`z_${i}_${k}`)) point.set(`z_${i}_${k}`, 1);
  });
  return point;
}

/** The rows and variable bounds the point breaks (empty: it is a feasible point of the model). */
function broken(model: LpModel, point: Map<string, number>): string[] {
  const out: string[] = [];
  for (const v of model.variables) if ((v.upper !== undefined && point.get(v.name)! > v.upper + 1e-9) || point.get(v.name)! < 0) out.push(`${v.name} = ${point.get(v.name)}`);
  for (const r of model.rows) {
    const sum = r.terms.reduce((acc, [name, c]) => acc + c * point.get(name)!, 0);
    if ((r.min !== undefined && sum < r.min - 1e-6) || (r.max !== undefined && sum > r.max + 1e-6)) out.push(`${r.name}: ${sum} outside [${r.min ?? ""}, ${r.max ?? ""}]`);
  }
  return out;
}

function expectWithinBound(problem: CallsProblem, shifts: readonly NurseShift[]) {
  expect(validateStaffing(problem, toRosterShifts(problem, shifts))).toEqual([]);
  const queues = new IntervalQueues(problem, callDemand(problem));
  const model = countModel(problem, queues, shiftOptions(problem, placementTable(problem)), true, 0.1);
  const point = rosterPoint(problem, model, shifts);
  expect(broken(model, point)).toEqual([]);
  // the model's objective at the roster is at least the calls it answers
  const objective = model.variables.reduce((acc, v) => acc + v.objective * point.get(v.name)!, 0);
  const answered = staffedCounts(problem, shifts).reduce((acc, n, i) => acc + queues.value(i, n), 0);
  expect(objective).toBeGreaterThanOrEqual(answered - 1e-6);
  expectWithinDatedBound(problem, queues, model, point, answered);
}

/**
 * The bound by date (bound-by-date.ts) holds the roster too: with u[i,m] = 1 where it has m nurses
 * and the envelope's z filled in order up to the calls it answers, every row of the model with the
 * true curve holds; and priced by any prices of the right signs (priceByParts), the parts' priced
 * objectives at the roster, the free variables' best and the constant are at least what it answers
 * (weak duality: the reason the sum of the parts' bounds is a bound).
 */
function expectWithinDatedBound(problem: CallsProblem, queues: IntervalQueues, model: LpModel, roster: Map<string, number>, answered: number) {
  const dated = datedBoundModel(problem, queues, shiftOptions(problem, placementTable(problem)), model);
  const point = new Map(roster);
  for (const v of dated.model.variables) if (!point.has(v.name)) point.set(v.name, 0);
  const staffed = new Map<number, number>();
  for (const v of dated.model.variables) {
    const [kind, i, m] = v.name.split("_");
    if (kind !== "u") continue;
    const n = staffed.get(Number(i)) ?? [...point].filter(([name, x]) => name.startsWith(`z_${i}_`) && x > 0).length;
    staffed.set(Number(i), n);
    point.set(v.name, n >= Number(m) ? 1 : 0);
  }
  for (const [i, n] of staffed) {
    const values = queues.valuesToFullService(i, problem.nurses.length);
    let left = values[Math.min(n, values.length - 1)]! - values[0]!;
    const zs = dated.model.variables.filter((v) => v.name.startsWith(`z_${i}_`)).sort((a, b) => Number(a.name.split("_")[2]) - Number(b.name.split("_")[2]));
    for (const z of zs) {
      const x = Math.min(1, Math.max(0, left / z.objective));
      point.set(z.name, x);
      left -= x * z.objective;
    }
  }
  expect(broken(dated.model, point)).toEqual([]);
  const at = (vs: readonly LpVariable[]) => vs.reduce((acc, v) => acc + v.objective * point.get(v.name)!, 0);
  expect(at(dated.model.variables)).toBeGreaterThanOrEqual(answered - 1e-6);
  const sides = dated.model.rows.flatMap(rowSides);
  fc.assert(
    fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: sides.length, maxLength: sides.length }), (prices) => {
      const priced = priceByParts(dated.model, new Map(sides.map((side, k) => [side.name, prices[k]!])), dated.partOf);
      for (const part of priced.parts.values()) expect(broken(part, point)).toEqual([]);
      // each part's optimum is at least its priced objective at the roster, the free variables' best at least theirs
      const lagrangian = [...priced.parts.values()].reduce((acc, part) => acc + at(part.variables), 0) + priced.free + priced.constant;
      expect(lagrangian).toBeGreaterThanOrEqual(at(dated.model.variables) - 1e-6);
    }),
    { numRuns: 5 },
  );
}

describe("the upper bound's model holds every valid roster", () => {
  it("holds today's roster and Kontinuum's on a two-week region (one shift a date forced by rest)", async () => {
    const problem = region("2026-11-02");
    const run = await runStaffing(problem, { seed: 2, moves: 20_000, timeLimitSeconds: 30 });
    expectWithinBound(problem, run.solution.shifts);
    expectWithinBound(problem, run.today!.shifts);
    // the solver's model keeps the rows of daily rest across midnight that the bound leaves out (restAcrossMidnight): they too hold every valid roster
    for (const shifts of [run.solution.shifts, run.today!.shifts]) {
      const model = countModel(problem, new IntervalQueues(problem, callDemand(problem)), shiftOptions(problem, placementTable(problem)), false);
      expect(model.rows.filter((r) => r.name.startsWith("krestall_")).length).toBeGreaterThan(0);
      expect(broken(model, rosterPoint(problem, model, shifts)).filter((r) => r.startsWith("krest"))).toEqual([]);
    }
    expect(run.report.summary.serviceLevel).toBeLessThanOrEqual(run.solution.upperBoundHard! + 1e-9);
  });

  it("holds a nurse with two short shifts on one date, where daily rest allows it", () => {
    const problem = hourlyProblem(
      "two a date",
      3,
      8,
      [
        { id: "tidig", start: "06:00", lengthMinutes: 240 },
        { id: "sen", start: "21:00", lengthMinutes: 240 },
      ],
      [{ id: "n1", contractMinutes: 960 }],
    );
    const shift = (day: number, template: number) => toNurseShift(0, placeShift(problem, problem.templates[template]!, day)!, null, problem);
    // 06-10 and 21-01 keep 11 hours' rest; four shifts on three dates
    expectWithinBound(problem, [shift(0, 0), shift(0, 1), shift(2, 0), shift(2, 1)]);
  });
});

/** A 10-nurse week of our generator's, Kontinuum's run on it (today's roster with it), its queues and shift options. */
async function smallWeekStaffed() {
  const fixture = generateCallsFixture({ seed: 4, nurses: 10, days: 7, historyWeeks: 2, start: "2026-11-02" });
  const problem = normalizeCalls(fixture.input, { history: readCallRowsCsv(fixture.historyCsv, "history") });
  const run = await runStaffing(problem, { seed: 2, moves: 20_000, timeLimitSeconds: 30 });
  return { problem, run, queues: new IntervalQueues(problem, callDemand(problem)), options: shiftOptions(problem, placementTable(problem)) };
}

describe("the bound by date", () => {
  /** The 20-nurse fortnight's dated ±5 % model, its LP relaxation (with duals) and its parts priced by them. */
  const pricedRegion = async () => {
    const problem = region("2026-11-02");
    const queues = new IntervalQueues(problem, callDemand(problem));
    const options = shiftOptions(problem, placementTable(problem));
    const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, 0.05));
    const [lp] = await integerBoundsInWorker([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: 60, mipGap: 0 }).result;
    expect(lp!.duals!.length).toBeGreaterThan(0);
    return { problem, lp: lp!, priced: priceByParts(dated.model, new Map(lp!.duals), dated.partOf) };
  };

  it("with its parts relaxed and priced by the LP's own duals, equals the LP optimum (the duals' signs as HiGHS gives them)", async () => {
    const { problem, lp, priced } = await pricedRegion();
    // one part a date
    expect([...priced.parts.keys()].sort()).toEqual(Array.from({ length: problem.periodDays }, (_, d) => `d${d}`).sort());
    let sum = priced.constant + priced.free;
    for (const part of priced.parts.values()) sum += (await solveWithHighs(part, { timeLimitSeconds: 60, relax: true })).objective;
    expect(sum).toBeCloseTo(lp.bound!, 1);
  });

  it("gives each date's best solution (the counts a roster may start from): integral, within its part's rows, worth at most the part's dual bound", async () => {
    const parts = [...(await pricedRegion()).priced.parts.values()].slice(0, 4);
    const solved = await integerBoundsInWorker(parts.map((model) => ({ model, values: true })), { timeLimitSeconds: 30, mipGap: 0.05 }).result;
    parts.forEach((part, k) => {
      const values = new Map(solved[k]!.values);
      expect(values.size).toBeGreaterThan(0);
      const value = (name: string) => values.get(name) ?? 0;
      for (const v of part.variables) {
        if (v.integer) expect(Math.abs(value(v.name) - Math.round(value(v.name)))).toBeLessThan(1e-6);
        expect(value(v.name)).toBeLessThanOrEqual((v.upper ?? Infinity) + 1e-6);
      }
      for (const row of part.rows) {
        const activity = row.terms.reduce((sum, [name, a]) => sum + a * value(name), 0);
        for (const { side, rhs } of rowSides(row)) {
          if (side !== "hi") expect(activity).toBeGreaterThanOrEqual(rhs - 1e-6);
          if (side !== "lo") expect(activity).toBeLessThanOrEqual(rhs + 1e-6);
        }
      }
      const objective = part.variables.reduce((sum, v) => sum + v.objective * value(v.name), 0);
      expect(objective).toBeLessThanOrEqual(solved[k]!.bound! + 1e-6);
      // at the gap asked for
      expect(objective).toBeGreaterThanOrEqual(solved[k]!.bound! - 0.05 * Math.abs(solved[k]!.bound!) - 1e-6);
    });
  });

  it("with every date solved (the benchmark's column), holds today's roster and Kontinuum's and lies within the LP relaxation", async () => {
    const { problem, run, queues, options } = await smallWeekStaffed();
    // a date stopped by its limit still gives its dual bound: the sum holds either way
    const solved = await solvedDatedBound(problem, queues, options, 10, 2);
    expect(solved.dates).toBe(problem.periodDays);
    const answered = (shifts: readonly NurseShift[]) => staffedCounts(problem, shifts).reduce((acc, n, i) => acc + queues.value(i, n), 0);
    expect(solved.calls!).toBeGreaterThanOrEqual(answered(run.solution.shifts) - 1e-6);
    expect(solved.calls!).toBeGreaterThanOrEqual(answered(run.today!.shifts) - 1e-6);
    const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, 0.05));
    const lp = await solveWithHighs(dated.model, { timeLimitSeconds: 60, relax: true });
    expect(solved.calls!).toBeLessThanOrEqual(lp.objective + 1e-6);
  });

  it("skipped (the run's LP counts answer what the envelope credits), stops its dates and leaves the bound to the whole ±5 % model", async () => {
    const problem = region("2026-11-02");
    const queues = new IntervalQueues(problem, callDemand(problem));
    const options = shiftOptions(problem, placementTable(problem));
    const bounds = upperBoundsInWorker(problem, queues, options, 30);
    bounds.skipDates("a test");
    const dates = await bounds.dates;
    expect(dates.counts).toBeNull();
    expect(dates.bound).toBeNull();
    expect(dates.run.status).toBe("not solved: a test");
    const result = await bounds.result;
    expect(result.aim).not.toBeNull();
    expect(result.aim!).toBeLessThanOrEqual(result.hard! + 1e-6);
    expect(result.models.map((m) => [m.name, m.status])).toContainEqual(["bound ±5 % by date", "not solved: a test"]);
  });
});

describe("the dates' second round, with paid minutes priced (upper-bounds.ts)", () => {
  it("prices a paid minute only beyond the overrun limit, at the calls a minute answers times the share over", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 0.5, noNaN: true }), (answered, paid, most, limit) => {
        const price = paidMinutePrice(answered, paid, most, limit);
        if (paid <= most * (1 + limit)) expect(price).toBe(0);
        else expect(price).toBeCloseTo((answered / paid) * (paid / most - 1), 9);
        expect(price).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500, seed: 31 },
    );
  });

  it("forced on a small region: still holds today's roster and Kontinuum's, never looser than the first round, its counts pay fewer minutes; past its deadline the first round stands", async () => {
    const { problem, run, queues, options } = await smallWeekStaffed();
    const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, 0.05));
    const [lp] = await integerBoundsInWorker([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: 60, mipGap: 0 }).result;
    // at the run's 5 % gap: a date's dual bound holds at any gap
    const solveDates = (parts: readonly LpModel[]) => integerBoundsInWorker(parts.map((model) => ({ model, values: true })), { timeLimitSeconds: 30, mipGap: 0.05 }).result;
    const once = await pricedRounds(problem, queues, options, dated, lp!.duals!, solveDates, Infinity);
    // an overrun limit of 0: any overrun at all prices the paid minutes
    const twice = await pricedRounds(problem, queues, options, dated, lp!.duals!, solveDates, 0);
    expect(once.paidPrice).toBe(0);
    expect(twice.paidPrice).toBeGreaterThan(0);
    expect(twice.solved.length).toBe(2 * once.solved.length);
    const answered = (shifts: readonly NurseShift[]) => staffedCounts(problem, shifts).reduce((acc, n, i) => acc + queues.value(i, n), 0);
    expect(twice.bound!).toBeGreaterThanOrEqual(answered(run.solution.shifts) - 1e-6);
    expect(twice.bound!).toBeGreaterThanOrEqual(answered(run.today!.shifts) - 1e-6);
    expect(twice.bound!).toBeLessThanOrEqual(once.bound! + 1e-6);
    const paid = (counts: ReadonlyMap<string, number>) => options.reduce((s, o) => s + Math.round(counts.get(o.name) ?? 0) * o.placement.paidMinutes, 0);
    expect(paid(twice.counts!)).toBeLessThan(paid(once.counts!));
    // a second round past its deadline (the run's time limit) starts no date: the first round's bound and counts stand
    const cut = await pricedRounds(problem, queues, options, dated, lp!.duals!, (parts, round) =>
      integerBoundsInWorker(parts.map((model) => ({ model, values: true })), { timeLimitSeconds: 30, mipGap: 0.05, ...(round === 2 ? { deadlineSeconds: 0 } : {}) }).result,
    0);
    expect(cut.paidPrice).toBeGreaterThan(0);
    expect(cut.bound).toBe(once.bound);
    expect(paid(cut.counts!)).toBe(paid(once.counts!));
  });
});

describe("the dates cut short by the run's deadline (upper-bounds.ts)", () => {
  it("a date without a solution leaves its counts to the caller's and no second round; past the deadline none starts, and each date counts in the bound at its LP relaxation", async () => {
    const { problem, queues, options } = await smallWeekStaffed();
    const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, 0.05));
    const [lp] = await integerBoundsInWorker([{ model: dated.model, relax: true, duals: true }], { timeLimitSeconds: 60, mipGap: 0 }).result;
    const solve = (parts: readonly LpModel[], deadlineSeconds?: number) =>
      integerBoundsInWorker(parts.map((model) => ({ model, values: true })), { timeLimitSeconds: 30, mipGap: 0.05, ...(deadlineSeconds === undefined ? {} : { deadlineSeconds }) }).result;
    // the first round past its deadline: no date starts
    const none = await pricedRounds(problem, queues, options, dated, lp!.duals!, (parts) => solve(parts, 0), 0);
    expect(none.unsolved.size).toBe(problem.periodDays);
    expect(none.counts).toBeNull();
    expect(none.paidPrice).toBe(0);
    // every date at its LP relaxation, priced by the LP's own duals: the LP's optimum (a bound, only looser than the dates' integer models)
    expect(none.relaxed).toBe(problem.periodDays);
    expect(none.bound!).toBeCloseTo(lp!.bound!, 1);
    // date 2 stopped before HiGHS found a solution (its dual bound alone); an overrun limit of 0 would price any overrun
    const cut = await pricedRounds(problem, queues, options, dated, lp!.duals!, async (parts) => (await solve(parts)).map(({ values, ...b }, k) => (k === 2 ? b : { ...b, ...(values ? { values } : {}) })), 0);
    expect([...cut.unsolved]).toEqual(["d2"]);
    expect(cut.relaxed).toBe(0);
    expect(cut.paidPrice).toBe(0);
    expect(cut.solved.length).toBe(problem.periodDays);
    expect(cut.bound).not.toBeNull();
    const own = [...cut.counts!.keys()];
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((name) => dated.partOf(name) === "d2")).toEqual([]);
    // the caller's counts (here: every variable at 7) fill in date 2, and only date 2
    const fallback = new Map(dated.model.variables.map((v) => [v.name, 7]));
    const merged = withUnsolvedDates({ ...cut, partOf: dated.partOf, onDate: dated.onDate }, fallback);
    // one week: no date a week apart
    expect(merged.weekApart).toEqual([]);
    for (const v of dated.model.variables) {
      const part = dated.partOf(v.name);
      if (part === "d2") expect(merged.counts.get(v.name)).toBe(7);
      else expect(merged.counts.get(v.name)).toBe(cut.counts!.get(v.name));
    }
  });

  it("a second round cut short keeps its dates' counts, the first round's for the dates it did not solve (counted as stopped), the first's alone when it solved none", () => {
    // counts x_{date}_{template}; the variable joining dates has no date
    const partOf = (name: string) => (name.startsWith("x_") ? `d${name.split("_")[1]}` : null);
    const first = { counts: new Map([["x_0_a", 1], ["x_1_a", 1], ["x_2_a", 1], ["v_3", 1]]), unsolved: new Set<string>(), stopped: new Set(["d2"]) };
    const whole = { counts: new Map([["x_0_a", 2], ["x_1_a", 2], ["x_2_a", 2]]), unsolved: new Set<string>(), stopped: new Set<string>() };
    expect(secondRoundCounts(first, whole, partOf)).toBe(whole);
    const none = { counts: null, unsolved: new Set(["d0", "d1", "d2"]), stopped: new Set(["d0", "d1", "d2"]) };
    expect(secondRoundCounts(first, none, partOf)).toBe(first);
    // d1 not started in the second round, d0 cut with a solution
    const cut = { counts: new Map([["x_0_a", 2], ["x_2_a", 2]]), unsolved: new Set(["d1"]), stopped: new Set(["d0", "d1"]) };
    const merged = secondRoundCounts(first, cut, partOf);
    expect([...merged.counts!].sort()).toEqual([["x_0_a", 2], ["x_1_a", 1], ["x_2_a", 2]]);
    expect([...merged.stopped].sort()).toEqual(["d0", "d1"]);
    expect(merged.unsolved.size).toBe(0);
    // a date neither round solved stays unsolved (the caller's counts then)
    const neither = secondRoundCounts({ ...first, counts: new Map([["x_0_a", 1]]), unsolved: new Set(["d1", "d2"]) }, cut, partOf);
    expect([...neither.unsolved]).toEqual(["d1"]);
    expect(neither.counts!.has("x_1_a")).toBe(false);
  });

  it("a date the deadline stopped takes the counts of the same weekday a week apart where that one was solved, capped by its own eligible nurses; else its best solution, else the caller's", () => {
    const problem = region("2026-11-02");
    const queues = new IntervalQueues(problem, callDemand(problem));
    const options = shiftOptions(problem, placementTable(problem));
    const dated = datedBoundModel(problem, queues, options, countModel(problem, queues, options, true, 0.05));
    const dateOf = (name: string) => dated.partOf(name);
    const countsOrShares = dated.model.variables.filter((v) => /^[xw]_/.test(v.name) && dateOf(v.name) !== null);
    // each date's own solution: 1 + its dayIndex on every count and class share; a date a week apart differs
    const own = new Map(countsOrShares.map((v) => [v.name, 1 + Number(dateOf(v.name)!.slice(1))]));
    const fallback = new Map(countsOrShares.map((v) => [v.name, 100]));
    // d10 cut with a solution, d3 solved: d10 takes d3's; d5 without one, d12 cut with one (no date a
    // week apart solved): the caller's and d12's own
    const unsolved = new Set(["d5"]);
    const stopped = new Set(["d10", "d5", "d12"]);
    const counts = new Map([...own].filter(([name]) => !unsolved.has(dateOf(name)!)));
    const filled = withUnsolvedDates({ counts, unsolved, stopped, partOf: dated.partOf, onDate: dated.onDate }, fallback);
    expect(filled.weekApart).toEqual(["d10"]);
    let moved = 0;
    for (const v of countsOrShares) {
      const part = dateOf(v.name)!;
      const value = filled.counts.get(v.name);
      if (part === "d5") expect(value).toBe(100);
      else if (part === "d12") expect(value).toBe(13);
      else if (part !== "d10") expect(value).toBe(own.get(v.name));
      else {
        // d3's value (4) where d3 has the same variable, capped by d10's upper bound; none where d3 has none
        const from = dated.onDate(v.name, 3);
        expect(value).toBe(from && own.has(from.name) ? Math.min(4, v.upper!) : undefined);
        if (value !== undefined) moved++;
      }
    }
    expect(moved).toBeGreaterThan(0);
    // a count of d3 lands on its namesake of d10
    const sample = countsOrShares.find((v) => dateOf(v.name) === "d3" && v.name.startsWith("x_"))!;
    expect(dated.onDate(sample.name, 10)!.name).toBe(sample.name.replace(/^x_3_/, "x_10_"));
    expect(dated.onDate("z_17_0", 10)).toBeNull();
  });
});

describe("the count model's committed intervals", () => {
  // Erlang C answered calls for 0..n nurses: zero until the nurses carry the load, then steeply up
  const curve = (offered: number, handle: number) => {
    const problem = region("2026-11-02");
    const queues = new IntervalQueues(problem, { ...callDemand(problem), offered: [offered], handleTimeSeconds: [handle] });
    return queues.valuesToFullService(0, 60);
  };

  it("values a committed interval at most at its true answered calls, concave; abandons one staffed below the steep part", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 60, noNaN: true }), fc.integer({ min: 120, max: 900 }), fc.double({ min: 0, max: 1, noNaN: true }), (offered, handle, share) => {
        const values = curve(offered, handle);
        const gains = values.slice(1).map((v, k) => v - values[k]!);
        const steepest = gains.indexOf(Math.max(...gains));
        // staffed at the steep part: committed
        const slopes = committedSlopes(values, steepest + 1, share);
        expect(slopes.length).toBe(values.length - 1);
        for (let k = 1; k < slopes.length; k++) expect(slopes[k]!).toBeLessThanOrEqual(slopes[k - 1]! + 1e-9);
        // the model's value with n nurses, up to a constant: equal to the true value from the steep part on, below it before
        let f = values[steepest + 1]! - slopes.slice(0, steepest + 1).reduce((a, b) => a + b, 0);
        for (let n = 0; n < values.length; n++) {
          expect(f).toBeLessThanOrEqual(values[n]! + 1e-6);
          if (n >= steepest + 1) expect(f).toBeCloseTo(values[n]!, 6);
          f += slopes[n] ?? 0;
        }
        // staffed well below it: abandoned, worth nothing in the model
        expect(committedSlopes(values, share * (steepest + 1) - 0.5, share)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("starts the roster from the counts committed to the priced dates, else the dates' own, each only a point above the LP's", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), (committed, priced, lp) => {
        const offered = 1000;
        const taken = startingCounts({ committed, priced, lp }, offered);
        const clearly = (v: number) => v > lp + 0.01 * offered;
        // the committed counts keep every row, so they come first whenever they clear the margin
        if (clearly(committed)) expect(taken).toBe("committed");
        else if (clearly(priced)) expect(taken).toBe("priced");
        else expect(taken).toBe("lp");
      }),
    );
    // region 105's figures (calls answered in % of those offered): the committed counts, though below the dates' own
    expect(startingCounts({ committed: 76.8, priced: 78.4, lp: 68.0 }, 100)).toBe("committed");
    // region 107's: the committed counts below the LP's, the dates' own taken
    expect(startingCounts({ committed: 66.9, priced: 85.6, lp: 69.1 }, 100)).toBe("priced");
    // the bundled region's: the dates' own 0.6 points above the LP's, not enough
    expect(startingCounts({ committed: 89.5, priced: 90.1, lp: 89.5 }, 100)).toBe("lp");
  });
});

describe("assignment groups (counted-groups.ts)", () => {
  const problem = region("2026-11-02");
  const queues = new IntervalQueues(problem, callDemand(problem));
  const all = shiftOptions(problem, placementTable(problem));
  const classes = nurseClasses(problem);
  // a solution of the count model: two shifts of every (date, template) option with a break position 0, split between the classes in order
  const values = new Map<string, number>();
  const firstOfKey = new Map<string, (typeof all)[number]>();
  for (const o of all) if (!firstOfKey.has(`${o.placement.dayIndex}_${o.placement.template}`)) firstOfKey.set(`${o.placement.dayIndex}_${o.placement.template}`, o);
  for (const [key, o] of firstOfKey) {
    values.set(o.name, 2);
    classes.forEach((_, c) => values.set(classShare(c, key), c < 2 ? 1 : 0));
  }
  const counts = { status: "optimal" as const, objective: 0, values, detail: "" };

  it("hands each class its share of each (date, template)'s counted shifts, in class order", () => {
    const shares = classes.map((_, c) => classCountedShifts(all, counts, c));
    for (const [key] of firstOfKey) {
      const taken = shares.map((s) => s.get(key)?.length ?? 0);
      expect(taken.reduce((a, b) => a + b, 0)).toBe(Math.min(2, classes.length));
    }
    const everyone = staffedByOptions(problem, shares.flatMap((s) => [...s.values()].flat()));
    const counted = staffedByOptions(problem, [...firstOfKey.values()].flatMap((o) => (classes.length >= 2 ? [o, o] : [o])));
    expect(everyone).toEqual(counted);
  });

  it("values a class's shifts on what the other classes staff: next to nothing where they already give full service", () => {
    const mine = classCountedShifts(all, counts, 0);
    const none = new Array<number>(problem.intervals.length).fill(0);
    const full = problem.intervals.map((_, i) => queues.valuesToFullService(i, problem.nurses.length).length);
    const alone = countedGroups(problem, queues, all, mine, none, classes[0]!.members);
    expect(alone.length).toBeGreaterThan(0);
    // full service answers within the threshold all but a millionth of the calls
    for (const g of countedGroups(problem, queues, all, mine, full, classes[0]!.members)) expect(g.worths.reduce((s, w) => s + w, 0)).toBeLessThan(0.01);
    // with others on some intervals, no group is worth more than alone
    const some = none.map((_, i) => (i % 2 ? full[i]! : 0));
    for (const g of countedGroups(problem, queues, all, mine, some, classes[0]!.members)) {
      const a = alone.find((x) => x.key === g.key)!;
      expect(g.worths.reduce((s, w) => s + w, 0)).toBeLessThanOrEqual(a.worths.reduce((s, w) => s + w, 0) + 1e-9);
    }
  });
});
