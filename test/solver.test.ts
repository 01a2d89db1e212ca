import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRoster } from "../src/homecare/roster-io.js";
import { readScheduleCsv } from "../src/homecare/schedule-io.js";
import { computeMetrics } from "../src/homecare/figures.js";
import { normalizeRoster } from "../src/homecare/normalize.js";
import { rosterSchema } from "../src/homecare/schema.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { solveHomecare } from "../solver/homecare/search.js";
import { Plan } from "../solver/homecare/plan.js";
import { byDifficulty, candidatesByDay, toSchedule } from "../solver/homecare/construct.js";
import { TravelMatrix } from "../src/homecare/travel.js";
import { Moves } from "../solver/homecare/moves.js";
import { TeamFirst } from "../solver/homecare/ranking.js";
import { seededRandom } from "../src/common/random.js";
import { continuityBoundInWorker } from "../solver/homecare/lowerbound.js";
import { runHomecare } from "../solver/homecare/run.js";
import { formatViolation } from "../src/common/violation.js";
import { smallRosterInput } from "./helpers.js";

const fixture = (name: string) => {
  const roster = readRoster(readFileSync(new URL(`../fixtures/${name}.roster.json`, import.meta.url), "utf8"));
  const before = readScheduleCsv(readFileSync(new URL(`../fixtures/${name}.before.csv`, import.meta.url), "utf8"), roster);
  return { roster, before };
};

describe("bundled fixtures", () => {
  for (const name of ["example", "district"]) {
    it(`${name}: the hand-made schedule is valid and as poor as real practice`, () => {
      const { roster, before } = fixture(name);
      expect(validateSchedule(roster, before).map(formatViolation)).toEqual([]);
      expect(before.unassigned).toEqual([]);
      const m = computeMetrics(roster, before);
      expect(m.u21401!).toBeGreaterThanOrEqual(8);
      expect(m.u21401!).toBeLessThanOrEqual(16);
    });

    it(`${name}: the optimizer's schedule is valid, staffs everything and beats the hand-made one`, async () => {
      const { roster, before } = fixture(name);
      const run = await runHomecare(roster, { seed: 1, moves: 20_000, timeLimitSeconds: 60 });
      expect(validateSchedule(roster, run.schedule)).toEqual([]);
      expect(run.schedule.unassigned).toEqual([]);
      const hand = computeMetrics(roster, before);
      expect(run.metrics.u21401!).toBeLessThan(hand.u21401! - 2);
      expect(run.metrics.u21401!).toBeGreaterThanOrEqual(run.metrics.lowerBound.u21401!);
      expect(run.metrics.travelMinutes).toBeLessThanOrEqual(hand.travelMinutes * 1.1);
    });
  }

  it("is deterministic for a seed", () => {
    const { roster } = fixture("example");
    const a = solveHomecare(roster, { seed: 5, moves: 3000, timeLimitSeconds: 60 });
    const b = solveHomecare(roster, { seed: 5, moves: 3000, timeLimitSeconds: 60 });
    expect(a.schedule).toEqual(b.schedule);
  });

  it("both cores: a portfolio of two searches gives the same schedule for a seed and worker count, never worse than the one-worker run", async () => {
    const { roster } = fixture("example");
    const options = { seed: 5, moves: 3000, timeLimitSeconds: 60, bound: false };
    const a = await runHomecare(roster, { ...options, searchWorkers: 2 });
    const b = await runHomecare(roster, { ...options, searchWorkers: 2 });
    expect(a.schedule).toEqual(b.schedule);
    expect(validateSchedule(roster, a.schedule)).toEqual([]);
    // the first search of the portfolio is the one-worker run (the same seed): the winner is at least as good
    const one = solveHomecare(roster, { seed: 5, moves: 3000, timeLimitSeconds: 60 });
    const second = solveHomecare(roster, { seed: 6, moves: 3000, timeLimitSeconds: 60 });
    expect(one.objective).not.toBe(second.objective);
    expect(a.schedule).toEqual(second.objective < one.objective ? second.schedule : one.schedule);
  });

  it("reports progress through the callback", () => {
    const { roster } = fixture("example");
    const phases: string[] = [];
    solveHomecare(roster, { seed: 1, moves: 500, onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe("construct");
    expect(phases.at(-1)).toBe("done");
  });
});

describe("visits nobody can do", () => {
  it("are unassigned with a reason a scheduler can act on", () => {
    const input = smallRosterInput();
    input.clients[1]!.visits.push({ id: "sondmat", days: "daily", earliest: "09:00", latest: "10:00", durationMinutes: 20, skills: ["peg"] });
    input.clients[1]!.visits.push({ id: "natt", days: "daily", earliest: "23:00", latest: "23:30", durationMinutes: 10 });
    const roster = normalizeRoster(input);
    const { schedule } = solveHomecare(roster, { seed: 1, moves: 200 });
    expect(validateSchedule(roster, schedule)).toEqual([]);
    const reason = (visit: string) => schedule.unassigned.find((u) => u.visit === visit && u.date === "2026-10-19")?.reason;
    expect(reason("sondmat")).toBe("no caregiver with skill peg has a shift covering 09:00-10:20 on 2026-10-19");
    expect(reason("natt")).toBe("no caregiver has a shift covering a 10-minute visit in 23:00-23:40 on 2026-10-19");
    expect(schedule.assignments).toHaveLength(6);
  });

  it("the search never ends worse than where it started, though visits stay unassigned (repairs run all along)", () => {
    const input = smallRosterInput();
    input.clients[1]!.visits.push({ id: "sondmat", days: "daily", earliest: "09:00", latest: "10:00", durationMinutes: 20, skills: ["peg"] });
    const roster = normalizeRoster(input);
    for (const seed of [1, 2, 3, 4]) {
      const start = solveHomecare(roster, { seed, moves: 0 });
      const searched = solveHomecare(roster, { seed, moves: 3000 });
      expect(searched.schedule.unassigned.length).toBe(2);
      expect(searched.objective).toBeLessThanOrEqual(start.objective);
    }
  });

  it("the lower bound ignores them and counts the fewest covering caregivers", async () => {
    const bound = async (input: ReturnType<typeof smallRosterInput>) => continuityBoundInWorker(normalizeRoster(input), 20).settle(30_000);
    // only k1 is counted (k2 has one visit a day): anna or bo can do all of it
    const input = smallRosterInput({ period: { start: "2026-10-19", days: 2 } });
    expect(await bound(input)).toMatchObject({ u21401: 1, proven: true });
    // k1 gets a visit needing a skill nobody has and one at night outside every shift: neither changes its bound
    input.clients[0]!.visits.push({ id: "sondmat", days: "daily", earliest: "09:00", latest: "10:00", durationMinutes: 20, skills: ["peg"] });
    input.clients[0]!.visits.push({ id: "natt", days: "daily", earliest: "23:00", latest: "23:30", durationMinutes: 10 });
    expect(normalizeRoster(input).occurrences.filter((o) => o.visitId === "sondmat" || o.visitId === "natt")).toHaveLength(4);
    expect(await bound(input)).toMatchObject({ u21401: 1, proven: true });
    // k2 counted too, with a visit after anna's shifts end (only bo) beside the insulin only anna can do: 1 + 2 over two clients
    input.clients[1]!.birthYear = 1935;
    input.clients[1]!.visits.push({ id: "kvall", days: "daily", earliest: "15:00", latest: "15:30", durationMinutes: 20 });
    input.caregivers[0]!.shifts = input.caregivers[0]!.shifts.map((sh) => ({ ...sh, end: "14:00" }));
    expect(await bound(input)).toMatchObject({ u21401: 1.5, proven: true });
  });
});

/**
 * The bundled district with every visit placed by first fit in the planner's order (byDifficulty),
 * each with the first caregiver in its candidate list, or in the team-first order: a state the
 * search's properties start from.
 */
const placedDistrict = (order: "listed" | "team-first") => {
  const { roster } = fixture("district");
  const travel = new TravelMatrix(roster.clients, roster.travel);
  const plan = new Plan(roster, travel);
  const candidates = candidatesByDay(plan.state);
  const ranking = new TeamFirst(roster, plan, travel, candidates);
  for (const o of byDifficulty(roster.occurrences)) plan.insert(o, order === "listed" ? candidates(o) : ranking.order(o, candidates(o)));
  plan.journal = [];
  return { roster, travel, plan, candidates, ranking };
};

describe("the team-first order (TeamFirst.order)", () => {
  it("yields every candidate in the order of one sort of all of them by score, the avoided caregiver last, from any state", () => {
    const { roster, plan, candidates, ranking } = placedDistrict("team-first");
    // the reference: every candidate scored and sorted at once (the one-tier order the tiers and the threshold scan must keep)
    const oneSort = (o: (typeof roster.occurrences)[number], avoid: number) => ranking["sorted"](o, candidates(o), avoid);
    let avoidedSeen = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: roster.occurrences.length - 1 }), fc.integer({ min: 0, max: 50 })), { maxLength: 30 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: roster.occurrences.length - 1 }), fc.integer({ min: -1, max: 40 })), { minLength: 1, maxLength: 20 }),
        (steps, asks) => {
          // random re-placements: other teams, other routes, so other scores and tiers
          for (const [k, shift] of steps) {
            const o = roster.occurrences[k]!;
            if (plan.state.start[o.index]! >= 0) plan.remove(o);
            const list = candidates(o);
            plan.insert(o, list.map((_, i) => list[(i + shift) % list.length]!));
          }
          plan.journal = [];
          for (const [k, pick] of asks) {
            const o = roster.occurrences[k]!;
            const list = candidates(o);
            const avoid = pick < 0 || !list.length ? -1 : list[pick % list.length]!;
            const yielded = [...ranking.order(o, list, avoid)];
            expect(yielded).toEqual(oneSort(o, avoid));
            if (avoid >= 0 && plan.counts[o.client]![avoid]! === 0 && yielded.length > 1) {
              expect(yielded.at(-1)).toBe(avoid);
              avoidedSeen++;
            }
          }
        },
      ),
      { numRuns: 60, seed: 21 },
    );
    expect(avoidedSeen).toBeGreaterThan(10);
  });
});

describe("the search's early rejection (Moves.ceiling)", () => {
  it("placing lifted visits again never ends below Plan.floorAfterPlacing, whatever is lifted and whoever takes them", () => {
    const { roster, plan, candidates } = placedDistrict("listed");
    const placed = roster.occurrences.filter((o) => plan.state.start[o.index]! >= 0);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: placed.length - 1 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1000 }), (picked, shift) => {
        const mark = plan.journal.length;
        const lifted = picked.map((k) => placed[k]!);
        const before = plan.unassigned;
        for (const o of lifted) plan.remove(o);
        const floor = plan.floorAfterPlacing(before);
        // each goes back to the first who fits in a rotated candidate order: mostly someone else than before
        for (const o of lifted) {
          const list = candidates(o);
          plan.insert(o, list.map((_, k) => list[(k + shift) % list.length]!));
          expect(plan.objective()).toBeGreaterThanOrEqual(floor - 1e-6);
        }
        plan.undoTo(mark);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the search's copy of its best schedule (RouteState.drainChanged)", () => {
  it("stays equal to the routes when only the occurrences drained since the last copy are copied again", () => {
    const { roster, plan, candidates } = placedDistrict("listed");
    const copy = Int32Array.from(plan.state.start);
    const teams = plan.state.assigned.map((a) => a.join("+"));
    plan.state.drainChanged();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: roster.occurrences.length - 1 }), fc.integer({ min: 0, max: 50 })), { maxLength: 40 }), fc.boolean(), (steps, undo) => {
        const mark = plan.journal.length;
        for (const [k, shift] of steps) {
          const o = roster.occurrences[k]!;
          if (plan.state.start[o.index]! >= 0) plan.remove(o);
          else {
            const list = candidates(o);
            plan.insert(o, list.map((_, i) => list[(i + shift) % list.length]!));
          }
        }
        if (undo) plan.undoTo(mark);
        plan.journal = [];
        for (const i of plan.state.drainChanged()) {
          copy[i] = plan.state.start[i]!;
          teams[i] = plan.state.assigned[i]!.join("+");
        }
        expect(Array.from(copy)).toEqual(Array.from(plan.state.start));
        expect(teams).toEqual(plan.state.assigned.map((a) => a.join("+")));
      }),
      { numRuns: 100 },
    );
  });
});

describe("a moved visit the team cannot take (Moves.placeMoved)", () => {
  it("that reinsert(o, avoid) cannot place, reinsert(o) cannot place either, so a move may stop there", () => {
    const { roster, plan, candidates, ranking } = placedDistrict("team-first");
    const moves = new Moves(roster, plan, ranking, candidates, new Map(), seededRandom(1));
    const placed = roster.occurrences.filter((o) => plan.state.start[o.index]! >= 0 && o.staff === 1);
    let failed = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: placed.length - 1 }),
        fc.uniqueArray(fc.integer({ min: 0, max: placed.length - 1 }), { maxLength: 40 }),
        fc.integer({ min: -3000, max: 3000 }),
        fc.boolean(),
        (pick, crowd, slack, otherVisitsToo) => {
          const mark = plan.journal.length;
          const o = placed[pick]!;
          const avoid = plan.state.assigned[o.index]![0]!;
          // other visits moved onto everyone else who could take o make it fit nowhere but with `avoid`
          const others = candidates(o).filter((cg) => cg !== avoid);
          for (const k of crowd) {
            const p = placed[k]!;
            if (p === o || plan.state.start[p.index]! < 0) continue;
            plan.remove(p);
            if (!plan.insert(p, others)) plan.insert(p, candidates(p));
          }
          if (plan.state.start[o.index]! >= 0 && plan.state.assigned[o.index]![0] === avoid) {
            // as a drop-one move lifts them: o alone, or every visit of the client with `avoid`
            const lifted = otherVisitsToo ? roster.occurrences.filter((p) => p.client === o.client && plan.state.assigned[p.index]!.includes(avoid)) : [o];
            moves.unassignedBefore = plan.unassigned;
            for (const p of lifted) plan.remove(p);
            // crowding `avoid` too where o was: she may no longer fit it
            for (const k of crowd.slice(0, 3)) {
              const p = placed[k]!;
              if (plan.state.start[p.index]! < 0 || p.client === o.client) continue;
              plan.remove(p);
              if (!plan.insert(p, [avoid])) plan.insert(p, candidates(p));
            }
            moves.ceiling = plan.floorAfterPlacing(moves.unassignedBefore) + slack;
            if (!moves.reinsert(o, avoid)) {
              failed++;
              expect(moves.reinsert(o)).toBe(false);
            }
            moves.ceiling = Infinity;
          }
          plan.undoTo(mark);
        },
      ),
      { numRuns: 400, seed: 22 },
    );
    // the property was checked where it says something: on visits the first reinsert could not place
    expect(failed).toBeGreaterThan(30);
  });
});

describe("the polish (Moves.polish)", () => {
  it("never raises the objective with any visit it polishes, and breaks no hard rule, from any state the moves leave", () => {
    const { roster, plan, candidates, ranking } = placedDistrict("listed");
    const pinned = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));
    const moves = new Moves(roster, plan, ranking, candidates, pinned, seededRandom(1));
    // from a polished schedule, where a polish that kept a worse place or swap would show
    while (moves.polish(Infinity) >= 1);
    let moved = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: roster.occurrences.length - 1 }), fc.integer({ min: 0, max: 50 })), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: roster.occurrences.length - 1 }), { minLength: 1, maxLength: 40 }),
        (steps, picks) => {
          // random re-placements first: the polish starts from states no search would leave
          for (const [k, shift] of steps) {
            const o = roster.occurrences[k]!;
            if (plan.state.start[o.index]! < 0) continue;
            plan.remove(o);
            const list = candidates(o);
            if (!plan.insert(o, list.map((_, i) => list[(i + shift) % list.length]!))) plan.insert(o, list);
          }
          plan.journal = [];
          // the first-fit start ignores pins (the search's construction keeps them): those it broke stay listed
          const broken = new Set(validateSchedule(roster, toSchedule(plan.state)).map(formatViolation));
          const unassigned = plan.unassigned;
          for (const k of picks) {
            const o = roster.occurrences[k]!;
            const before = plan.objective();
            const where = `${plan.state.assigned[o.index]!.join("+")}@${plan.state.start[o.index]}`;
            moves.polishVisit(o);
            expect(plan.objective()).toBeLessThanOrEqual(before + 1e-6);
            if (`${plan.state.assigned[o.index]!.join("+")}@${plan.state.start[o.index]}` !== where) moved++;
          }
          expect(plan.unassigned).toBe(unassigned);
          expect(validateSchedule(roster, toSchedule(plan.state)).map(formatViolation).filter((v) => !broken.has(v))).toEqual([]);
        },
      ),
      // a fixed seed: how many visits the polish moves varies with the draws (9 to 34 in 40 runs over
      // ten seeds), so an unseeded run could fail the count below without anything being wrong
      { numRuns: 80, seed: 23 },
    );
    // the property was checked where it says something: visits the polish moved
    expect(moved).toBeGreaterThan(10);
  });

  it("the hand-over polish (Moves.handOverPolish) never raises the objective with any client, keeps every visit placed and breaks no hard rule", () => {
    const { roster, plan, candidates, ranking } = placedDistrict("listed");
    const pinned = new Map(roster.pins.map((p) => [p.occurrence, p.caregivers]));
    const moves = new Moves(roster, plan, ranking, candidates, pinned, seededRandom(1));
    const broken = new Set(validateSchedule(roster, toSchedule(plan.state)).map(formatViolation));
    const unassigned = plan.unassigned;
    const start = plan.objective();
    for (const c of roster.clients) {
      const before = plan.objective();
      moves.handOverPolishClient(c.index);
      expect(plan.objective()).toBeLessThanOrEqual(before + 1e-6);
    }
    // the listed (first-fit) schedule leaves hand-overs to find: the descent was tested where it moves
    expect(plan.objective()).toBeLessThan(start);
    expect(plan.unassigned).toBeLessThanOrEqual(unassigned);
    expect(validateSchedule(roster, toSchedule(plan.state)).map(formatViolation).filter((v) => !broken.has(v))).toEqual([]);
  });
});

// random small rosters across the autumn DST change: every output passes the validator
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const dates = ["2026-10-24", "2026-10-25", "2026-10-26"];
const shiftArb = fc.record({
  day: fc.integer({ min: 0, max: 2 }),
  start: fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
  length: fc.integer({ min: 8, max: 40 }).map((q) => q * 15),
  break: fc.option(fc.integer({ min: 15, max: 45 }), { nil: undefined }),
});
const visitArb = fc.record({
  days: fc.constantFrom("daily" as const, "weekends" as const, ["mon" as const], ["2026-10-25"]),
  earliest: fc.integer({ min: 0, max: 1380 }),
  window: fc.integer({ min: 0, max: 120 }),
  duration: fc.integer({ min: 5, max: 60 }),
  staff: fc.constantFrom(1 as const, 1 as const, 2 as const),
  insulin: fc.boolean(),
});
const rosterArb = fc.record({
  caregivers: fc.array(fc.record({ insulin: fc.boolean(), maxMinutes: fc.option(fc.integer({ min: 30, max: 900 }), { nil: undefined }), shifts: fc.array(shiftArb, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
  clients: fc.array(fc.record({ lat: fc.double({ min: 57.69, max: 57.72, noNaN: true }), lon: fc.double({ min: 11.95, max: 11.99, noNaN: true }), visits: fc.array(visitArb, { minLength: 1, maxLength: 3 }), gap: fc.boolean(), exclude: fc.boolean() }), { minLength: 1, maxLength: 4 }),
});

describe("any schedule the solver returns", () => {
  it("passes the validator and accounts for every occurrence (random rosters)", () => {
    fc.assert(
      fc.property(rosterArb, fc.integer({ min: 1, max: 1000 }), (r, seed) => {
        const caregivers = r.caregivers.map((c, i) => {
          // one shift per date at most, and none reaching into the next one (the roster would be rejected)
          const byDay = new Map(c.shifts.map((s) => [s.day, s]));
          let previousEnd = -1;
          for (const s of [...byDay.values()].sort((a, b) => a.day - b.day)) {
            const start = s.day * 1440 + s.start;
            if (start < previousEnd) byDay.delete(s.day);
            else previousEnd = start + Math.min(s.length, 1440 - 60 - 15) + 60; // + 60: the 25-hour day
          }
          return {
            id: `c${i}`,
            ...(c.insulin ? { skills: ["insulin"] } : {}),
            ...(c.maxMinutes ? { maxMinutes: c.maxMinutes } : {}),
            shifts: [...byDay.values()].map((s) => {
              const length = Math.min(s.length, 1440 - 60 - 15);
              const end = (s.start + length) % 1440;
              return {
                date: dates[s.day]!,
                start: hhmm(s.start),
                end: hhmm(end),
                ...(s.break && s.break < length ? { breakMinutes: s.break } : {}),
              };
            }).filter((s) => s.end !== s.start),
          };
        });
        const clients = r.clients.map((c, i) => ({
          id: `k${i}`,
          location: { lat: c.lat, lon: c.lon },
          ...(c.exclude && caregivers.length > 1 ? { excludedCaregivers: ["c0"] } : {}),
          visits: c.visits.map((v, j) => ({
            id: `v${j}`,
            days: v.days,
            earliest: hhmm(Math.min(v.earliest, 1439)),
            latest: hhmm(Math.min(v.earliest + v.window, 1439)),
            durationMinutes: v.duration,
            staff: v.staff,
            ...(v.insulin ? { skills: ["insulin"] } : {}),
            ...(c.gap && j > 0 ? { minGapAfter: { visit: "v0", minutes: 60 } } : {}),
          })),
        }));
        const input = rosterSchema.parse({ name: "random", period: { start: dates[0], days: 3 }, caregivers, clients });
        const roster = normalizeRoster(input);
        const { schedule } = solveHomecare(roster, { seed, moves: 300, timeLimitSeconds: 10 });
        const violations = validateSchedule(roster, schedule);
        expect(violations.map(formatViolation)).toEqual([]);
        expect(schedule.assignments.length + schedule.unassigned.length).toBe(roster.occurrences.length);
        for (const u of schedule.unassigned) expect(u.reason.length).toBeGreaterThan(10);
      }),
      { numRuns: 150 },
    );
  });
});
