import type { Occurrence } from "../../src/homecare/model.js";
import { localClock, localTime } from "../../src/homecare/clock.js";
import { holdsSkills, notExcludedBy, shiftCanHold } from "../../src/homecare/rules.js";
import type { RouteState } from "./routes.js";

/**
 * Why an occurrence could not be staffed, in words a scheduler can act on: the first rule that
 * leaves no one, and who came closest.
 */
export function explainUnassigned(state: RouteState, o: Occurrence): string {
  const { roster } = state;
  const client = roster.clients[o.client]!;
  const window = `${localClock(roster, o.earliest)}-${localClock(roster, o.latest + o.duration)} on ${o.date}`;
  const list = (cgs: number[]) => {
    const ids = cgs.map((i) => roster.caregivers[i]!.id);
    return ids.length > 3 ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more` : ids.join(" and ");
  };
  const [lo, hi] = state.gapBounds(o);
  if (lo > hi && o.gapAfter) {
    const other = roster.occurrences[o.gapAfter.occurrence]!;
    return `minGapAfter: ${other.key} starts ${localTime(roster, state.start[other.index]!)}, so this visit cannot start ${o.gapAfter.minutes} min later within its window`;
  }
  const covering = roster.caregivers.filter((c) => shiftCanHold(c, o));
  if (!covering.length) return `no caregiver has a shift covering a ${o.duration}-minute visit in ${window}`;
  const skilled = covering.filter((c) => holdsSkills(c, o));
  if (skilled.length < o.staff)
    return `${skilled.length ? `only ${list(skilled.map((c) => c.index))}` : "no caregiver"} with skill ${o.skills.join(", ")} has a shift covering ${window}` +
      (o.staff === 2 ? " (the visit needs two)" : "");
  const allowed = skilled.filter((c) => notExcludedBy(roster, c, o));
  if (allowed.length < o.staff) return `the caregivers who could (${list(skilled.map((c) => c.index))}) are excluded by client ${client.id}`;
  const free = allowed.filter((c) => state.startRanges(c.index, o, lo, hi).length > 0);
  if (free.length < o.staff)
    return `${list(allowed.map((c) => c.index))} could, but ${allowed.length === 1 ? "is" : "are all"} on other visits or travelling in ${window}` +
      (o.staff === 2 && free.length === 1 ? ` (only ${list([free[0]!.index])} is free; the visit needs two)` : "");
  const hours = free.filter((c) => c.maxMinutes !== undefined && state.worked[c.index]! + o.duration > c.maxMinutes);
  if (hours.length === free.length) return `${list(free.map((c) => c.index))} are free but would exceed their maxMinutes`;
  if (o.staff === 2) return `${list(free.map((c) => c.index))} are free at times, but no two of them at the same time in ${window} with room for breaks`;
  return `${list(free.map((c) => c.index))} are free at times in ${window}, but the visit would leave no room for a break or exceed maxMinutes`;
}
