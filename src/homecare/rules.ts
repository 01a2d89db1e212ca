import { occurrenceKey } from "./model.js";
import { breakFits, shiftContaining, travelOfStops } from "./timeline.js";
import { localClock, localTime } from "./clock.js";
import type { ValidationContext, Violation } from "./context.js";

/**
 * The hard rules of `shared/spec/homecare.md`, one function each. Each reads the resolved
 * context and returns its violations; `validateSchedule` runs them all.
 */

type Rule = (ctx: ValidationContext) => Violation[];

const span = (ctx: ValidationContext, start: number, end: number) => `${localTime(ctx.roster, start)}-${localClock(ctx.roster, end)}`;

/** Every caregiver a schedule names is in the roster. */
export const knownCaregivers: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c, k) =>
      c ? [] : [{ rule: "knownCaregivers", occurrence: r.key, caregiver: r.assignment.caregivers[k]!, message: `unknown caregiver "${r.assignment.caregivers[k]}"` }],
    ),
  );

/** Every assignment is an occurrence of the roster, planned once; none on a day the client is away (spec rule 3). */
export const assignmentsAreOccurrences: Rule = (ctx) => {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const r of ctx.resolved) {
    if (seen.has(r.key)) out.push({ rule: "assignmentsAreOccurrences", occurrence: r.key, message: "is planned more than once" });
    seen.add(r.key);
    if (r.occurrence) continue;
    if (ctx.roster.awayKeys.has(r.key))
      out.push({ rule: "notWhileAway", occurrence: r.key, message: `the client is away on ${r.assignment.date}; no visit may be planned` });
    else out.push({ rule: "assignmentsAreOccurrences", occurrence: r.key, message: "is not a visit occurrence of the roster" });
  }
  return out;
};

/** Every occurrence is either assigned or listed unassigned with a reason; never silently dropped. */
export const everyOccurrenceAccountedFor: Rule = (ctx) => {
  const out: Violation[] = [];
  const assigned = new Set(ctx.resolved.map((r) => r.key));
  const unassigned = new Map<string, string>();
  for (const u of ctx.schedule.unassigned) {
    const key = occurrenceKey(u.client, u.visit, u.date);
    if (assigned.has(key)) out.push({ rule: "everyOccurrenceAccountedFor", occurrence: key, message: "is both assigned and listed unassigned" });
    if (!ctx.occurrenceByKey.has(key)) out.push({ rule: "everyOccurrenceAccountedFor", occurrence: key, message: "is listed unassigned but is not a visit occurrence of the roster" });
    if (!u.reason.trim()) out.push({ rule: "everyOccurrenceAccountedFor", occurrence: key, message: "is listed unassigned without a reason" });
    unassigned.set(key, u.reason);
  }
  for (const o of ctx.roster.occurrences)
    if (!assigned.has(o.key) && !unassigned.has(o.key))
      out.push({ rule: "everyOccurrenceAccountedFor", occurrence: o.key, message: "is neither assigned nor listed unassigned" });
  return out;
};

/** The planned visit lasts exactly its durationMinutes. */
export const durationMatches: Rule = (ctx) =>
  ctx.resolved.flatMap((r) => {
    const o = r.occurrence;
    const planned = r.assignment.end - r.assignment.start;
    return o && planned !== o.duration
      ? [{ rule: "durationMatches", occurrence: r.key, message: `lasts ${planned} min, the visit takes ${o.duration} min` }]
      : [];
  });

/** Spec rule 1: a shift of each assigned caregiver contains the whole visit. */
export const withinShift: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c, k) => {
      if (!c || !r.occurrence) return [];
      const start = r.starts[k]!;
      const end = start + r.occurrence.duration;
      return shiftContaining(c.shifts, start, end) >= 0
        ? []
        : [{ rule: "withinShift", occurrence: r.key, caregiver: c.id, message: `${span(ctx, start, end)} is not inside a shift of ${c.id}` }];
    }),
  );

/** Spec rule 1: each assigned caregiver holds every skill the visit requires. */
export const hasRequiredSkills: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c) => {
      if (!c || !r.occurrence) return [];
      const missing = r.occurrence.skills.filter((s) => !c.skills.has(s));
      return missing.length
        ? [{ rule: "hasRequiredSkills", occurrence: r.key, caregiver: c.id, message: `${c.id} lacks the skill ${missing.join(", ")}` }]
        : [];
    }),
  );

/** Spec rule 1: no caregiver the client has excluded. */
export const notExcluded: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c) =>
      c && r.occurrence && ctx.roster.clients[r.occurrence.client]!.excluded.has(c.index)
        ? [{ rule: "notExcluded", occurrence: r.key, caregiver: c.id, message: `client ${r.assignment.client} has excluded ${c.id}` }]
        : [],
    ),
  );

/** Spec rule 2: exactly `staff` distinct caregivers. */
export const staffCount: Rule = (ctx) =>
  ctx.resolved.flatMap((r) => {
    if (!r.occurrence) return [];
    const ids = r.assignment.caregivers;
    const distinct = new Set(ids).size;
    if (distinct !== ids.length)
      return [{ rule: "staffCount", occurrence: r.key, message: `names a caregiver twice (${ids.join(", ")})` }];
    return distinct === r.occurrence.staff
      ? []
      : [{ rule: "staffCount", occurrence: r.key, message: `has ${distinct} caregiver(s), the visit needs ${r.occurrence.staff}` }];
  });

/** Spec rule 2: with dubbelbemanning both caregivers start together. */
export const simultaneousStart: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    new Set(r.starts).size > 1
      ? [{ rule: "simultaneousStart", occurrence: r.key, message: `the caregivers start at different times (${r.starts.map((s) => localClock(ctx.roster, s)).join(" and ")})` }]
      : [],
  );

/** Spec rule 3: the start lies in [earliest, latest] on the occurrence's date. */
export const startInWindow: Rule = (ctx) =>
  ctx.resolved.flatMap((r) => {
    const o = r.occurrence;
    if (!o) return [];
    const bad = r.starts.find((s) => s < o.earliest || s > o.latest);
    return bad === undefined
      ? []
      : [{ rule: "startInWindow", occurrence: r.key, message: `starts ${localTime(ctx.roster, bad)}, outside its window ${localClock(ctx.roster, o.earliest)}-${localClock(ctx.roster, o.latest)}` }];
  });

/** Spec rule 3: minGapAfter: at least N minutes after the start of the same day's other visit (when both are planned). */
export const minGapAfterKept: Rule = (ctx) => {
  const startByKey = new Map(ctx.resolved.map((r) => [r.key, r.assignment.start]));
  return ctx.resolved.flatMap((r) => {
    const gap = r.occurrence?.gapAfter;
    if (!gap) return [];
    const other = ctx.roster.occurrences[gap.occurrence]!;
    const otherStart = startByKey.get(other.key);
    if (otherStart === undefined || r.assignment.start - otherStart >= gap.minutes) return [];
    return [{ rule: "minGapAfter", occurrence: r.key, message: `starts ${r.assignment.start - otherStart} min after ${other.key}, needs at least ${gap.minutes}` }];
  });
};

/** Spec rule 4: a caregiver's visits do not overlap, and consecutive visits leave the travel time between them. */
export const noOverlapAndTravel: Rule = (ctx) => {
  const out: Violation[] = [];
  ctx.stops.forEach((stops, cg) => {
    const id = ctx.roster.caregivers[cg]!.id;
    for (let i = 1; i < stops.length; i++) {
      const a = stops[i - 1]!;
      const b = stops[i]!;
      const need = ctx.travel.between(a.client, b.client);
      if (b.start < a.end)
        out.push({ rule: "noOverlap", occurrence: b.key, caregiver: id, message: `${id} is still at ${a.key} until ${localClock(ctx.roster, a.end)} when this visit starts ${localClock(ctx.roster, b.start)}` });
      else if (b.start - a.end < need)
        out.push({ rule: "travelTime", occurrence: b.key, caregiver: id, message: `${id} has ${b.start - a.end} min from ${a.key} to this visit, travel takes ${need} min` });
    }
  });
  return out;
};

/** Spec rule 4: a shift with a break has room for it, free of visits and travel, starting in its window. */
export const breakHasRoom: Rule = (ctx) => {
  const out: Violation[] = [];
  ctx.stops.forEach((stops, cg) => {
    const c = ctx.roster.caregivers[cg]!;
    for (const shift of c.shifts) {
      if (!shift.break) continue;
      const inside = stops.filter((s) => s.start < shift.end && s.end > shift.start);
      if (!breakFits(shift, inside, ctx.travel))
        out.push({ rule: "breakHasRoom", caregiver: c.id, message: `no room for ${c.id}'s ${shift.break.minutes}-minute break starting ${localClock(ctx.roster, shift.break.earliest)}-${localClock(ctx.roster, shift.break.latest)} in the shift of ${shift.date}` });
    }
  });
  return out;
};

/** Spec rule 5: visit plus travel minutes stay within maxMinutes. */
export const maxMinutesKept: Rule = (ctx) =>
  ctx.stops.flatMap((stops, cg) => {
    const c = ctx.roster.caregivers[cg]!;
    if (c.maxMinutes === undefined) return [];
    const worked = stops.reduce((sum, s) => sum + (s.end - s.start), 0) + travelOfStops(stops, c.shifts, ctx.travel);
    return worked > c.maxMinutes
      ? [{ rule: "maxMinutes", caregiver: c.id, message: `${c.id} works ${worked} min (visits and travel), at most ${c.maxMinutes}` }]
      : [];
  });

/** Spec rule 5: pinned assignments are kept. */
export const pinsKept: Rule = (ctx) => {
  const byKey = new Map(ctx.resolved.map((r) => [r.key, r]));
  return ctx.roster.pins.flatMap((p) => {
    const o = ctx.roster.occurrences[p.occurrence]!;
    const ids = p.caregivers.map((i) => ctx.roster.caregivers[i]!.id);
    const r = byKey.get(o.key);
    const missing = ids.filter((id) => !r?.assignment.caregivers.includes(id));
    return missing.length
      ? [{ rule: "pinsKept", occurrence: o.key, caregiver: missing[0]!, message: `is pinned to ${ids.join(" and ")}, the schedule has ${r ? r.assignment.caregivers.join(" and ") : "it unassigned"}` }]
      : [];
  });
};

/** The hard rules, in the order a scheduler reads them. */
export const HARD_RULES: readonly Rule[] = [
  knownCaregivers,
  assignmentsAreOccurrences,
  everyOccurrenceAccountedFor,
  durationMatches,
  withinShift,
  hasRequiredSkills,
  notExcluded,
  staffCount,
  simultaneousStart,
  startInWindow,
  minGapAfterKept,
  noOverlapAndTravel,
  breakHasRoom,
  maxMinutesKept,
  pinsKept,
];
