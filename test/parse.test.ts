import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/common/errors.js";
import { readRoster, rosterFromValue } from "../src/homecare/roster-io.js";
import { smallRosterInput } from "./helpers.js";

function issuesOf(value: unknown): { path: string; message: string }[] {
  try {
    rosterFromValue(value);
  } catch (e) {
    if (e instanceof InputError) return e.issues;
    throw e;
  }
  return [];
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe("roster parsing", () => {
  it("applies the spec's defaults", () => {
    const input = clone(smallRosterInput()) as Record<string, unknown>;
    delete input.timezone;
    delete input.travel;
    const roster = rosterFromValue(input);
    expect(roster.zone).toBe("Europe/Stockholm");
    expect(roster.travel).toEqual({ speedKmh: 20, detourFactor: 1.3, minMinutes: 2 });
  });

  it("rejects an unknown field with its path", () => {
    const input = clone(smallRosterInput()) as any;
    input.clients[1].visits[0].duration = 10;
    input.extra = true;
    expect(issuesOf(input)).toEqual(
      expect.arrayContaining([
        { path: "clients[1].visits[0].duration", message: "unknown field" },
        { path: "extra", message: "unknown field" },
      ]),
    );
  });

  it("reports every shape problem at once, each with its path", () => {
    const input = clone(smallRosterInput()) as any;
    input.clients[0].visits[1].latest = "10:00"; // before earliest 11:30
    input.clients[1].visits[0].staff = 3;
    input.period.days = 63;
    input.caregivers[0].shifts[0].start = "7:00";
    const paths = issuesOf(input).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["clients[0].visits[1].latest", "clients[1].visits[0].staff", "period.days", "caregivers[0].shifts[0].start"]),
    );
  });

  it("rejects a period of 0 days", () => {
    const input = clone(smallRosterInput()) as any;
    input.period.days = 0;
    expect(issuesOf(input).map((i) => i.path)).toEqual(["period.days"]);
  });

  it("reports every reference problem at once", () => {
    const input = clone(smallRosterInput()) as any;
    input.caregivers[1].id = "anna"; // duplicate
    input.clients[1].id = "k1"; // duplicate
    input.clients[0].contactPerson = "nobody";
    input.clients[0].preferredCaregivers = ["ghost"];
    input.clients[0].excludedCaregivers = ["phantom"];
    input.clients[0].visits[1].minGapAfter.visit = "frukost";
    input.pinned = [{ client: "k1", visit: "lunch", date: "2026-10-19", caregivers: ["zed"] }, { client: "k9", visit: "x", date: "2026-10-19", caregivers: ["anna"] }];
    const issues = issuesOf(input);
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        "caregivers[1].id",
        "clients[1].id",
        "clients[0].contactPerson",
        "clients[0].preferredCaregivers[0]",
        "clients[0].excludedCaregivers[0]",
        "clients[0].visits[1].minGapAfter.visit",
        "pinned[0].caregivers[0]",
        "pinned[1].client",
      ]),
    );
    expect(issues.find((i) => i.path === "clients[0].contactPerson")!.message).toContain('unknown caregiver "nobody"');
  });

  it("rejects a pin on a day the visit does not occur or the client is away", () => {
    const input = clone(smallRosterInput()) as any;
    input.clients[0].away = [{ from: "2026-10-20", to: "2026-10-21" }];
    input.pinned = [{ client: "k1", visit: "morgon", date: "2026-10-20", caregivers: ["anna"] }];
    const [issue] = issuesOf(input);
    expect(issue!.path).toBe("pinned[0].date");
    expect(issue!.message).toContain("away");
  });

  it("gives a clear error for empty and non-JSON input", () => {
    expect(() => readRoster("", "x.json")).toThrow(/the input is empty/);
    expect(() => readRoster("{nope", "x.json")).toThrow(/not valid JSON/);
    expect(() => readRoster("[]", "x.json")).toThrow(InputError);
  });

  it("never throws anything but InputError, whatever JSON it is given", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          rosterFromValue(value);
        } catch (e) {
          return e instanceof InputError && e.issues.length > 0;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("never throws anything but InputError on a roster with random fields broken", () => {
    const base = smallRosterInput();
    const paths: (string | number)[][] = [
      ["period", "start"], ["clients", 0, "visits", 0, "earliest"], ["caregivers", 0, "shifts", 0, "end"],
      ["clients", 1, "location", "lat"], ["travel", "speedKmh"], ["clients", 0, "visits", 1, "days"], ["timezone"],
      ["caregivers", 0, "shifts", 0, "breakLatest"], ["clients", 0, "away"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const input = clone(base) as any;
        let node = input;
        for (const k of path.slice(0, -1)) node = node[k];
        node[path[path.length - 1]!] = value;
        try {
          rosterFromValue(input);
        } catch (e) {
          return e instanceof InputError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
