import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRoster } from "../src/homecare/roster-io.js";
import { TravelMatrix } from "../src/homecare/travel.js";
import { shiftCanHold } from "../src/homecare/rules.js";
import { RouteState } from "../solver/homecare/routes.js";
import { planTeams, TEAM_CAP } from "../solver/homecare/team-plan.js";
import { koladaClients } from "../src/homecare/figures.js";
import { normalizeRoster } from "../src/homecare/normalize.js";
import { rosterSchema } from "../src/homecare/schema.js";
import { smallRoster, smallRosterInput } from "./helpers.js";

const plan = (roster: ReturnType<typeof smallRoster>) => {
  const travel = new TravelMatrix(roster.clients, roster.travel);
  return planTeams(roster, new RouteState(roster, travel), travel, new Float64Array(roster.clients.length).fill(1));
};

describe("the team plan (phase 0 of the optimizer)", () => {
  it("puts the kontaktperson first and never a caregiver the client excludes or who lacks the skill", () => {
    const roster = smallRoster();
    const teams = plan(roster);
    const anna = roster.caregivers.find((c) => c.id === "anna")!.index;
    expect(teams[0]![0]).toBe(anna); // k1's kontaktperson
    expect(teams[1]).toEqual([anna]); // k2's insulin: only anna holds the skill

    const input = smallRosterInput();
    const k1 = input.clients[0]!;
    const { contactPerson: _dropped, ...rest } = k1;
    const excluding = normalizeRoster(rosterSchema.parse({ ...input, clients: [{ ...rest, excludedCaregivers: ["anna"] }, input.clients[1]] }));
    const excludedTeams = plan(excluding);
    expect(excludedTeams[0]!.length).toBeGreaterThan(0);
    expect(excludedTeams[0]).not.toContain(anna);
  });

  it("plans the heavier client first: where one caregiver's plan has room for one of two clients, the weight decides which", () => {
    // one caregiver, one 4-hour shift: a quarter of it (the plan's share) holds one 45-minute visit, not two
    const input = smallRosterInput({
      period: { start: "2026-10-19", days: 1 },
      caregivers: [{ id: "anna", shifts: [{ date: "2026-10-19", start: "08:00", end: "12:00" }] }] as never,
    });
    input.clients = [0, 1].map((k) => ({
      id: `k${k}`,
      location: { lat: 57.7, lon: 11.97 + k / 1000 },
      visits: [{ id: "besok", days: "daily" as const, earliest: "09:00", latest: "10:00", durationMinutes: 45 }],
    })) as never;
    const roster = normalizeRoster(rosterSchema.parse(input));
    const travel = new TravelMatrix(roster.clients, roster.travel);
    const teams = (weights: number[]) => planTeams(roster, new RouteState(roster, travel), travel, Float64Array.from(weights));
    expect(teams([3, 1])).toEqual([[0], []]);
    expect(teams([1, 3])).toEqual([[], [0]]);
  });

  it("on the bundled district: short teams of caregivers who can do the client's visits, every Kolada-counted client's first", () => {
    const roster = readRoster(readFileSync("fixtures/district.roster.json", "utf8"));
    const travel = new TravelMatrix(roster.clients, roster.travel);
    const counted = koladaClients(roster);
    const teams = planTeams(roster, new RouteState(roster, travel), travel, Float64Array.from(roster.clients, (c) => (counted.has(c.index) ? 3 : 1)));
    const care = roster.clients.map((c) => roster.occurrences.filter((o) => o.client === c.index && o.kind === "care"));
    teams.forEach((team, c) => {
      // the plan fills a quarter of each shift: a client planned last may find it full and get its team in the construction
      if (counted.has(c) && care[c]!.length) expect(team.length).toBeGreaterThan(0);
      expect(team.length).toBeLessThanOrEqual(TEAM_CAP);
      expect(new Set(team).size).toBe(team.length);
      for (const cg of team) expect(care[c]!.some((o) => shiftCanHold(roster.caregivers[cg]!, o))).toBe(true);
    });
    const planned = teams.filter((t, c) => t.length && care[c]!.length);
    expect(planned.length).toBeGreaterThan(0.8 * care.filter((v) => v.length).length);
    expect(planned.reduce((s, t) => s + t.length, 0) / planned.length).toBeLessThan(8);
  });
});
