import { describe, expect, it } from "vitest";
import { generateCallsFixture } from "../src/calls/generate.js";
import { readCallRowsCsv, readStaffing, resolveAbsence, staffingFile } from "../src/calls/io.js";
import { normalizeCalls } from "../src/calls/normalize.js";
import { toRosterShifts, validateStaffing, validateStaffingFile } from "../src/calls/rules.js";
import { InputError } from "../src/common/errors.js";
import { restaffReport, runRestaff, runStaffing } from "../solver/calls/run.js";

describe("kontinuum restaff: a nurse's absence filled with the fewest changes", () => {
  const fixture = generateCallsFixture({ seed: 3, nurses: 12, days: 7, historyWeeks: 3 });
  const problem = normalizeCalls(fixture.input, { history: readCallRowsCsv(fixture.historyCsv, "history.csv") });

  it("takes her shifts away, keeps every rule, wins calls back, and the written file validates with the leave", async () => {
    const run = await runStaffing(problem, { seed: 4, moves: 20_000, timeLimitSeconds: 60 });
    const text = JSON.stringify(staffingFile(problem, run, 4));
    const published = readStaffing(text, problem);
    // the nurse with the most shifts on days 2-3
    const day = (i: number) => problem.days[i]!.date;
    const counts = new Map<string, number>();
    for (const s of published.roster) if (s.date === day(2) || s.date === day(3)) counts.set(s.nurseId, (counts.get(s.nurseId) ?? 0) + 1);
    const nurse = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const absence = resolveAbsence(problem, nurse, day(2), day(4));
    const r = runRestaff(problem, published, absence.nurse, absence.from, absence.to);
    expect(r.removed.length).toBeGreaterThan(0);
    expect(r.shifts.some((s) => s.nurse === absence.nurse && s.start < absence.to && s.end > absence.from)).toBe(false);
    expect(validateStaffing(r.problem, toRosterShifts(r.problem, r.shifts))).toEqual([]);
    expect(r.serviceLevel.withGap).toBeLessThan(r.serviceLevel.published);
    expect(r.serviceLevel.after).toBeGreaterThanOrEqual(r.serviceLevel.withGap);
    if (r.changes.length) expect(r.serviceLevel.after).toBeGreaterThan(r.serviceLevel.withGap);
    // each change is one shift added or one moved: the roster differs from the published by exactly that
    const key = (s: { nurse: number | null; start: number; template: number | null }) => `${s.nurse} ${s.start} ${s.template}`;
    const before = new Set(published.roster.map(key));
    const added = r.shifts.filter((s) => !before.has(key(s)));
    expect(added).toHaveLength(r.changes.length);
    // the file names the leave, so validate-staffing counts it as paid; without it her contract band fails
    const report = restaffReport(r);
    const file = JSON.stringify({ ...staffingFile(r.problem, { demand: r.demand, solution: { shifts: r.shifts, upperBound: null, upperBoundHard: null, moves: 0, models: [] }, report: r.report, today: null, seconds: 0 }, 0), absences: report.absences });
    expect(validateStaffingFile(problem, readStaffing(file, problem))).toEqual([]);
    const withoutLeave = JSON.parse(file);
    delete withoutLeave.absences;
    expect(validateStaffingFile(problem, readStaffing(JSON.stringify(withoutLeave), problem)).map((v) => v.rule)).toContain("contractKept");
  });

  it("names the field of a bad absence", () => {
    const paths = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as InputError).issues.map((i) => i.path);
      }
      return [];
    };
    expect(paths(() => resolveAbsence(problem, "nobody", problem.days[1]!.date, problem.days[2]!.date))).toEqual(["absent"]);
    expect(paths(() => resolveAbsence(problem, problem.nurses[0]!.id, "2026-13-01", problem.days[2]!.date))).toEqual(["from"]);
    expect(paths(() => resolveAbsence(problem, problem.nurses[0]!.id, problem.days[2]!.date, problem.days[1]!.date))).toEqual(["to"]);
  });
});
