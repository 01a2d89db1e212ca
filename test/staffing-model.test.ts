import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeCalls } from "../src/calls/normalize.js";
import { longestRest } from "../src/calls/rules.js";
import { placementTable, workable } from "../src/calls/shifts.js";
import { generateCallsFixture } from "../src/generate/calls.js";
import { readCallRowsCsv } from "../src/io/calls.js";
import { freeDateRows, freeDateWeek, type OwnShift } from "../solver/assignment-model.js";
import type { LpRow, LpVariable } from "../solver/lp.js";
import { nurseClasses } from "../solver/nurse-classes.js";

// a Monday-to-Sunday fortnight away from DST, and one across it (the week of 2026-10-25 has 169 hours)
const region = (start: string) => {
  const fixture = generateCallsFixture({ seed: 4, nurses: 20, days: 14, historyWeeks: 2, start });
  return normalizeCalls(fixture.input, { history: readCallRowsCsv(fixture.historyCsv, "history") });
};

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
