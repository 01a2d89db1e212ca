import type { Roster, Schedule } from "../src/homecare/model.js";
import { normalizeRoster } from "../src/homecare/normalize.js";
import type { RosterInput } from "../src/homecare/schema.js";
import { handmadeSchedule } from "../solver/homecare/handmade.js";
import { generateDistrict, type DistrictOptions } from "../src/homecare/generate.js";

export interface Fixture {
  input: RosterInput;
  roster: Roster;
  handmade: Schedule;
}

/**
 * A district with its hand-made schedule. Staff is added, day or evening, until the hand-made
 * plan staffs every visit, as a unit manager would hire until the roster holds.
 */
export function generateFixture(options: DistrictOptions, pinShare = 0.01): Fixture {
  let extra = { day: 0, evening: 0 };
  for (let attempt = 0; ; attempt++) {
    const input = generateDistrict({ ...options, extraStaff: extra });
    const roster = normalizeRoster(input);
    const handmade = handmadeSchedule(roster, options.seed);
    if (!handmade.unassigned.length || attempt >= 20) {
      addPins(input, handmade, pinShare, options.seed);
      return { input, roster: normalizeRoster(input), handmade };
    }
    const byKey = new Map(roster.occurrences.map((o) => [o.key, o]));
    const missing = handmade.unassigned.map((u) => byKey.get(`${u.client}/${u.visit}/${u.date}`)!);
    const evening = missing.filter((o) => o.earliest - roster.days[o.day]!.start >= 13 * 60).length;
    // hire in steps that scale with the district, for the day part that fell short
    const step = Math.max(1, Math.round(options.clients / 80));
    extra = { day: extra.day + (evening < missing.length ? step : 0), evening: extra.evening + (evening > 0 ? step : 0) };
  }
}

/** Pins a few visits as a planner does (a fixed time with a fixed person): taken from the hand-made plan, so they hold. */
function addPins(input: RosterInput, handmade: Schedule, share: number, seed: number): void {
  if (share <= 0) return;
  const every = Math.max(1, Math.round(1 / share));
  const pins = handmade.assignments
    .filter((_, i) => (i * 7919 + seed) % every === 0)
    .map((a) => ({ client: a.client, visit: a.visit, date: a.date, caregivers: a.caregivers }));
  if (pins.length) input.pinned = pins;
}
