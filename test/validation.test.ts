import { describe, expect, it } from "vitest";
import type { Schedule } from "../src/homecare/model.js";
import * as rules from "../src/homecare/rules.js";
import { HARD_RULES, validateSchedule } from "../src/homecare/rules.js";
import type { Violation } from "../src/common/violation.js";
import { smallRoster, smallRosterInput, sthlm, validSmallSchedule } from "./helpers.js";
import { normalizeRoster } from "../src/homecare/normalize.js";

const roster = smallRoster();

function broken(edit: (s: Schedule) => void, r = roster): Violation[] {
  const s = validSmallSchedule();
  edit(s);
  return validateSchedule(r, s);
}
const find = (s: Schedule, key: string) => s.assignments.find((a) => `${a.client}/${a.visit}/${a.date}` === key)!;
const move = (s: Schedule, key: string, date: string, clock: string) => {
  const a = find(s, key);
  const len = a.end - a.start;
  a.start = sthlm(date, clock);
  a.end = a.start + len;
};

describe("the validator", () => {
  it("accepts the valid schedule", () => {
    expect(validateSchedule(roster, validSmallSchedule())).toEqual([]);
  });

  it("names each violation by its rule's function, exported under that name", () => {
    const names = HARD_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of HARD_RULES) expect((rules as Record<string, unknown>)[rule.name]).toBe(rule);
  });

  it("knownCaregivers: an unknown caregiver", () => {
    const v = broken((s) => (find(s, "k1/morgon/2026-10-20").caregivers = ["zed"]));
    expect(v).toContainEqual(expect.objectContaining({ rule: "knownCaregivers", where: "k1/morgon/2026-10-20", who: "zed" }));
  });

  it("assignmentsAreOccurrences: a visit that does not exist, and one planned twice", () => {
    const v = broken((s) => {
      s.assignments.push({ ...find(s, "k1/morgon/2026-10-19"), visit: "dusch" });
      s.assignments.push({ ...find(s, "k1/lunch/2026-10-19") });
    });
    expect(v).toContainEqual(expect.objectContaining({ rule: "assignmentsAreOccurrences", where: "k1/dusch/2026-10-19" }));
    expect(v).toContainEqual(expect.objectContaining({ rule: "assignmentsAreOccurrences", where: "k1/lunch/2026-10-19", message: "is planned more than once" }));
  });

  it("everyOccurrenceAccountedFor: a dropped occurrence, and one unassigned without reason", () => {
    const v = broken((s) => {
      s.assignments = s.assignments.filter((a) => !(a.client === "k2" && a.date === "2026-10-19") && !(a.visit === "lunch" && a.date === "2026-10-20"));
      s.unassigned.push({ client: "k1", visit: "lunch", date: "2026-10-20", reason: " " });
    });
    expect(v).toContainEqual(expect.objectContaining({ rule: "everyOccurrenceAccountedFor", where: "k2/insulin/2026-10-19", message: "is neither assigned nor listed unassigned" }));
    expect(v).toContainEqual(expect.objectContaining({ rule: "everyOccurrenceAccountedFor", where: "k1/lunch/2026-10-20", message: "is listed unassigned without a reason" }));
  });

  it("accepts an occurrence listed unassigned with a reason", () => {
    const v = broken((s) => {
      s.assignments = s.assignments.filter((a) => a.client !== "k2" || a.date !== "2026-10-20");
      s.unassigned.push({ client: "k2", visit: "insulin", date: "2026-10-20", reason: "no one with insulin is free" });
    });
    expect(v).toEqual([]);
  });

  it("durationMatches: a visit planned shorter than it takes", () => {
    const v = broken((s) => (find(s, "k1/morgon/2026-10-19").end -= 10));
    expect(v).toContainEqual(expect.objectContaining({ rule: "durationMatches", where: "k1/morgon/2026-10-19" }));
  });

  it("withinShift: a visit outside every shift of the caregiver", () => {
    const r = normalizeRoster({ ...smallRosterInput(), caregivers: smallRosterInput().caregivers.map((c) => (c.id === "bo" ? { ...c, shifts: [{ date: "2026-10-20", start: "09:00", end: "16:00" }] } : c)) });
    const v = broken(() => {}, r);
    expect(v).toContainEqual(expect.objectContaining({ rule: "withinShift", where: "k1/morgon/2026-10-20", who: "bo" }));
    expect(v.find((x) => x.rule === "withinShift")!.message).toContain("2026-10-20 07:30-08:00");
  });

  it("hasRequiredSkills: insulin given by a caregiver without the delegation", () => {
    const v = broken((s) => {
      find(s, "k2/insulin/2026-10-20").caregivers = ["bo"];
      move(s, "k2/insulin/2026-10-20", "2026-10-20", "08:30");
    });
    expect(v).toContainEqual(expect.objectContaining({ rule: "hasRequiredSkills", where: "k2/insulin/2026-10-20", who: "bo" }));
  });

  it("notExcluded: a caregiver the client has excluded", () => {
    const input = smallRosterInput();
    input.clients[0]!.excludedCaregivers = ["bo"];
    const v = broken(() => {}, normalizeRoster(input));
    expect(v).toContainEqual(expect.objectContaining({ rule: "notExcluded", where: "k1/morgon/2026-10-20", who: "bo" }));
  });

  it("staffCount: one caregiver on a dubbelbemanning visit, and a caregiver named twice", () => {
    const input = smallRosterInput();
    input.clients[0]!.visits[0]!.staff = 2;
    const r = normalizeRoster(input);
    const v = broken((s) => {
      find(s, "k1/morgon/2026-10-20").caregivers = ["bo", "bo"];
    }, r);
    expect(v).toContainEqual(expect.objectContaining({ rule: "staffCount", where: "k1/morgon/2026-10-19", message: "has 1 caregiver(s), the visit needs 2" }));
    expect(v).toContainEqual(expect.objectContaining({ rule: "staffCount", where: "k1/morgon/2026-10-20" }));
  });

  it("simultaneousStart: the two caregivers of a dubbelbemanning visit start apart", () => {
    const input = smallRosterInput();
    input.clients[0]!.visits[0]!.staff = 2;
    const v = broken((s) => {
      const a = find(s, "k1/morgon/2026-10-20");
      a.caregivers = ["bo", "anna"];
      a.caregiverStarts = [a.start, a.start + 10];
      find(s, "k1/morgon/2026-10-19").caregivers = ["anna", "bo"];
      move(s, "k2/insulin/2026-10-20", "2026-10-20", "08:45");
    }, normalizeRoster(input));
    expect(v).toContainEqual(expect.objectContaining({ rule: "simultaneousStart", where: "k1/morgon/2026-10-20" }));
  });

  it("startInWindow: a start after the latest start", () => {
    const v = broken((s) => move(s, "k1/lunch/2026-10-20", "2026-10-20", "12:45"));
    expect(v).toContainEqual(expect.objectContaining({ rule: "startInWindow", where: "k1/lunch/2026-10-20" }));
  });

  it("minGapAfter: lunch too soon after the morning visit", () => {
    const input = smallRosterInput();
    input.clients[0]!.visits[1]!.minGapAfter = { visit: "morgon", minutes: 240 };
    const v = broken((s) => move(s, "k1/morgon/2026-10-20", "2026-10-20", "08:30"), normalizeRoster(input));
    expect(v).toEqual([{ rule: "minGapAfter", where: "k1/lunch/2026-10-20", amount: 30, unit: "minutes", message: "starts 210 min after k1/morgon/2026-10-20, needs at least 240" }]);
  });

  it("notWhileAway: a visit on a day the client is away", () => {
    const input = smallRosterInput();
    input.clients[1]!.away = [{ from: "2026-10-20", to: "2026-10-20" }];
    const v = broken(() => {}, normalizeRoster(input));
    expect(v).toContainEqual(expect.objectContaining({ rule: "notWhileAway", where: "k2/insulin/2026-10-20" }));
  });

  it("noOverlap: a caregiver at two visits at once", () => {
    const v = broken((s) => move(s, "k2/insulin/2026-10-19", "2026-10-19", "07:45"));
    expect(v).toContainEqual(expect.objectContaining({ rule: "noOverlap", where: "k2/insulin/2026-10-19", who: "anna" }));
  });

  it("travelTime: too little time to travel between two clients", () => {
    // k1 -> k2 is about 1.6 km: 7 minutes at 20 km/h with the 1.3 detour factor
    const v = broken((s) => move(s, "k2/insulin/2026-10-19", "2026-10-19", "08:03"));
    expect(v).toContainEqual(expect.objectContaining({ rule: "travelTime", where: "k2/insulin/2026-10-19", who: "anna", unit: "minutes" }));
    expect(v.find((x) => x.rule === "travelTime")!.amount).toBeGreaterThan(0);
  });

  it("breakHasRoom: visits leave no room for the floating break", () => {
    const input = smallRosterInput();
    input.caregivers[0]!.shifts[0] = { date: "2026-10-19", start: "07:00", end: "16:00", breakMinutes: 30, breakEarliest: "11:15", breakLatest: "11:45" };
    const v = broken(() => {}, normalizeRoster(input));
    expect(v).toContainEqual(expect.objectContaining({ rule: "breakHasRoom", who: "anna" }));
  });

  it("maxMinutes: visit plus travel minutes over the caregiver's limit", () => {
    const input = smallRosterInput();
    input.caregivers[0]!.maxMinutes = 90; // anna: 30 + 15 + 30 + 15 visit minutes plus travel
    const v = broken(() => {}, normalizeRoster(input));
    expect(v).toContainEqual(expect.objectContaining({ rule: "maxMinutes", who: "anna" }));
  });

  it("pinsKept: a pinned assignment given to someone else", () => {
    const input = smallRosterInput();
    input.pinned = [{ client: "k1", visit: "lunch", date: "2026-10-20", caregivers: ["anna"] }];
    const v = broken(() => {}, normalizeRoster(input));
    expect(v).toContainEqual(expect.objectContaining({ rule: "pinsKept", where: "k1/lunch/2026-10-20", who: "anna" }));
  });
});
