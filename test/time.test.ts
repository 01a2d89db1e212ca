import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { absToIso, absToWall, buildLocalDays, clockMinuteOrInvalid, clockToMinute, wallToAbs } from "../src/common/time.js";
import { InputError } from "../src/common/errors.js";
import { smallRoster, smallRosterInput } from "./helpers.js";
import { normalizeRoster } from "../src/homecare/normalize.js";

const Z = "Europe/Stockholm";
const minute = (iso: string) => Date.parse(iso) / 60000;

describe("local days and DST (Europe/Stockholm)", () => {
  it("has a 23-hour day on 2026-03-29 and a 25-hour day on 2026-10-25", () => {
    const [spring] = buildLocalDays(Z, "2026-03-29", 1);
    const [autumn] = buildLocalDays(Z, "2026-10-25", 1);
    expect(spring!.end - spring!.start).toBe(23 * 60);
    expect(autumn!.end - autumn!.start).toBe(25 * 60);
    const [plain] = buildLocalDays(Z, "2026-10-24", 1);
    expect(plain!.end - plain!.start).toBe(24 * 60);
    expect(plain!.transition).toBeUndefined();
  });

  it("reports a time in the skipped hour as nonexistent", () => {
    const [spring] = buildLocalDays(Z, "2026-03-29", 1);
    expect(wallToAbs(spring!, clockToMinute("02:30"))).toBeNull();
    expect(wallToAbs(spring!, clockToMinute("01:59"))).toBe(minute("2026-03-29T01:59:00+01:00"));
    expect(wallToAbs(spring!, clockToMinute("03:00"))).toBe(minute("2026-03-29T03:00:00+02:00"));
  });

  it("takes the earlier instant of an ambiguous time (summer time first)", () => {
    const [autumn] = buildLocalDays(Z, "2026-10-25", 1);
    expect(wallToAbs(autumn!, clockToMinute("02:30"))).toBe(minute("2026-10-25T02:30:00+02:00"));
    expect(wallToAbs(autumn!, clockToMinute("03:00"))).toBe(minute("2026-10-25T03:00:00+01:00"));
    expect(absToWall(autumn!, minute("2026-10-25T02:30:00+01:00"))).toBe(clockToMinute("02:30"));
  });

  it("writes the right offset on each side of the change", () => {
    expect(absToIso(minute("2026-10-24T07:30:00+02:00"), Z)).toBe("2026-10-24T07:30:00+02:00");
    expect(absToIso(minute("2026-10-25T07:30:00+01:00"), Z)).toBe("2026-10-25T07:30:00+01:00");
    expect(absToIso(minute("2026-03-29T07:30:00+02:00"), Z)).toBe("2026-03-29T07:30:00+02:00");
  });
});

describe("night shifts across the change", () => {
  const withNight = (start: string, date: string) =>
    normalizeRoster({
      ...smallRosterInput(),
      period: { start, days: 3 },
      caregivers: [{ id: "natt", skills: [], languages: [], shifts: [{ date, start: "21:45", end: "07:15" }] }],
      clients: [],
    });

  it("a 21:45-07:15 shift into 2026-10-25 lasts 10.5 hours (the clock goes back)", () => {
    const shift = withNight("2026-10-23", "2026-10-24").caregivers[0]!.shifts[0]!;
    expect(shift.start).toBe(minute("2026-10-24T21:45:00+02:00"));
    expect(shift.end).toBe(minute("2026-10-25T07:15:00+01:00"));
    expect(shift.end - shift.start).toBe(10.5 * 60);
  });

  it("a 21:45-07:15 shift into 2026-03-29 lasts 8.5 hours (the clock goes forward)", () => {
    const shift = withNight("2026-03-27", "2026-03-28").caregivers[0]!.shifts[0]!;
    expect(shift.end - shift.start).toBe(8.5 * 60);
    expect(absToIso(shift.end, Z)).toBe("2026-03-29T07:15:00+02:00");
  });
});

describe("a visit at a time that does not exist", () => {
  it("is an input error naming the field and the date", () => {
    const input = smallRosterInput({ period: { start: "2026-03-28", days: 2 } });
    input.caregivers = [];
    input.clients[0]!.visits = [{ id: "natt", days: "daily", earliest: "02:30", latest: "02:45", durationMinutes: 10 }];
    input.clients[1]!.visits = [];
    input.clients[0]!.contactPerson = undefined as never;
    delete input.clients[0]!.contactPerson;
    try {
      normalizeRoster(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const issues = (e as InputError).issues;
      expect(issues.map((i) => i.path)).toEqual(["clients[0].visits[0].earliest", "clients[0].visits[0].latest"]);
      expect(issues[0]!.message).toContain("2026-03-29");
    }
  });

  it("is fine on the days around it", () => {
    expect(smallRoster().occurrences.length).toBe(6);
  });
});

describe("clock times read by character codes", () => {
  it("agree with the HH:MM pattern on any five characters near a clock time", () => {
    const near = fc.string({ unit: fc.constantFrom("0", "1", "2", "3", "5", "9", ":", "a", " ", "/", "٣"), minLength: 0, maxLength: 6 });
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 6 })), (text) => {
        const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
        expect(clockMinuteOrInvalid(text)).toBe(m ? Number(m[1]) * 60 + Number(m[2]) : -1);
      }),
      { numRuns: 5000 },
    );
    expect(clockMinuteOrInvalid("23:59")).toBe(1439);
    expect(clockMinuteOrInvalid("24:00")).toBe(-1);
  });
});
