import { occurrenceKey, type Caregiver, type Occurrence, type Roster, type Schedule } from "./model.js";
import { breakFits, shiftContaining, travelOfStops, type Stop } from "./timeline.js";
import { formatViolation, runRules, type Finding, type Violation } from "../common/violation.js";
import { InputError } from "../common/errors.js";
import { localClock, localTime } from "./clock.js";
import { buildContext, type ValidationContext } from "./context.js";
import type { TravelMatrix } from "./travel.js";

/**
 * The hard rules of `shared/spec/homecare.md`, one function each, in the spirit of Timefold's
 * constraint providers: each reads the resolved context and returns its findings, and a violation's
 * id is its rule's function name. `validateSchedule` runs them all. The predicates first are the
 * rules' tests on one caregiver and one visit; the solver (solver/homecare/) calls the same ones.
 */

type Rule = (ctx: ValidationContext) => Finding[];

const span = (ctx: ValidationContext, start: number, end: number) => `${localTime(ctx.roster, start)}-${localClock(ctx.roster, end)}`;

// ---- predicates: the rules' tests on one caregiver and one visit, called by the validator below and by the solver

/** Spec rule 1: the caregiver holds every skill the visit requires. */
export const holdsSkills = (c: Caregiver, o: Occurrence): boolean => o.skills.every((s) => c.skills.has(s));

/** Spec rule 1: the client has not excluded the caregiver. */
export const notExcludedBy = (roster: Roster, c: Caregiver, o: Occurrence): boolean => !roster.clients[o.client]!.excluded.has(c.index);

/** Skills and exclusions: the part of spec rule 1 that does not depend on time. */
export const qualified = (roster: Roster, c: Caregiver, o: Occurrence): boolean => holdsSkills(c, o) && notExcludedBy(roster, c, o);

/** Spec rule 1, shifts: the first shift of the caregiver that can hold the whole visit at a start inside its window, or -1. */
export const holdingShift = (c: Caregiver, o: Occurrence): number =>
  c.shifts.findIndex((s) => Math.max(o.earliest, s.start) <= Math.min(o.latest, s.end - o.duration));

/** Spec rule 1, shifts: some shift of the caregiver can hold the whole visit. */
export const shiftCanHold = (c: Caregiver, o: Occurrence): boolean => holdingShift(c, o) >= 0;

/** Whether the caregiver may serve the visit at all, before any other visit is placed: all of spec rule 1. */
export const mayServe = (roster: Roster, c: Caregiver, o: Occurrence): boolean => qualified(roster, c, o) && shiftCanHold(c, o);

// ---- the rules

/** Every caregiver a schedule names is in the roster. */
export const knownCaregivers: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c, k) => (c ? [] : [{ where: r.key, who: r.assignment.caregivers[k]!, message: `unknown caregiver "${r.assignment.caregivers[k]}"` }])),
  );

/** Every assignment is an occurrence of the roster, planned once. */
export const assignmentsAreOccurrences: Rule = (ctx) => {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const r of ctx.resolved) {
    if (seen.has(r.key)) out.push({ where: r.key, message: "is planned more than once" });
    seen.add(r.key);
    if (!r.occurrence && !ctx.roster.awayKeys.has(r.key)) out.push({ where: r.key, message: "is not a visit occurrence of the roster" });
  }
  return out;
};

/** Spec rule 3: no visit on a day the client is away (such a day has no occurrence). */
export const notWhileAway: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    !r.occurrence && ctx.roster.awayKeys.has(r.key) ? [{ where: r.key, message: `the client is away on ${r.assignment.date}; no visit may be planned` }] : [],
  );

/** Every occurrence is either assigned or listed unassigned with a reason; never silently dropped. */
export const everyOccurrenceAccountedFor: Rule = (ctx) => {
  const out: Finding[] = [];
  const assigned = new Set(ctx.resolved.map((r) => r.key));
  const unassigned = new Map<string, string>();
  for (const u of ctx.schedule.unassigned) {
    const key = occurrenceKey(u.client, u.visit, u.date);
    if (assigned.has(key)) out.push({ where: key, message: "is both assigned and listed unassigned" });
    if (!ctx.occurrenceByKey.has(key)) out.push({ where: key, message: "is listed unassigned but is not a visit occurrence of the roster" });
    if (!u.reason.trim()) out.push({ where: key, message: "is listed unassigned without a reason" });
    unassigned.set(key, u.reason);
  }
  for (const o of ctx.roster.occurrences)
    if (!assigned.has(o.key) && !unassigned.has(o.key)) out.push({ where: o.key, message: "is neither assigned nor listed unassigned" });
  return out;
};

/** The planned visit lasts exactly its durationMinutes, for each of its caregivers. */
export const durationMatches: Rule = (ctx) =>
  ctx.resolved.flatMap((r) => {
    const o = r.occurrence;
    if (!o) return [];
    const k = r.starts.findIndex((s, i) => r.ends[i]! - s !== o.duration);
    if (k < 0) return [];
    const planned = r.ends[k]! - r.starts[k]!;
    const who = r.starts.length > 1 ? { who: r.assignment.caregivers[k]! } : {};
    return [{ where: r.key, ...who, amount: Math.abs(planned - o.duration), unit: "minutes" as const, message: `lasts ${planned} min, the visit takes ${o.duration} min` }];
  });

/** Spec rule 1: a shift of each assigned caregiver contains the whole visit. */
export const withinShift: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c, k) => {
      if (!c || !r.occurrence) return [];
      const start = r.starts[k]!;
      const end = r.ends[k]!;
      if (shiftContaining(c.shifts, start, end) >= 0) return [];
      // how far the visit sticks out of the nearest shift
      const outside = Math.min(...c.shifts.map((s) => Math.max(0, s.start - start) + Math.max(0, end - s.end)), r.occurrence.duration);
      return [{ where: r.key, who: c.id, amount: outside, unit: "minutes" as const, message: `${span(ctx, start, end)} is not inside a shift of ${c.id}` }];
    }),
  );

/** Spec rule 1: each assigned caregiver holds every skill the visit requires. */
export const hasRequiredSkills: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c) => {
      if (!c || !r.occurrence || holdsSkills(c, r.occurrence)) return [];
      const missing = r.occurrence.skills.filter((s) => !c.skills.has(s));
      return [{ where: r.key, who: c.id, message: `${c.id} lacks the skill ${missing.join(", ")}` }];
    }),
  );

/** Spec rule 1: no caregiver the client has excluded. */
export const notExcluded: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    r.caregivers.flatMap((c) =>
      c && r.occurrence && !notExcludedBy(ctx.roster, c, r.occurrence) ? [{ where: r.key, who: c.id, message: `client ${r.assignment.client} has excluded ${c.id}` }] : [],
    ),
  );

/** Spec rule 2: exactly `staff` distinct caregivers. */
export const staffCount: Rule = (ctx) =>
  ctx.resolved.flatMap((r) => {
    if (!r.occurrence) return [];
    const ids = r.assignment.caregivers;
    const distinct = new Set(ids).size;
    if (distinct !== ids.length) return [{ where: r.key, message: `names a caregiver twice (${ids.join(", ")})` }];
    return distinct === r.occurrence.staff
      ? []
      : [{ where: r.key, amount: Math.abs(r.occurrence.staff - distinct), unit: "caregivers" as const, message: `has ${distinct} caregiver(s), the visit needs ${r.occurrence.staff}` }];
  });

/** Spec rule 2: with dubbelbemanning both caregivers start together. */
export const simultaneousStart: Rule = (ctx) =>
  ctx.resolved.flatMap((r) =>
    new Set(r.starts).size > 1
      ? [{ where: r.key, amount: Math.max(...r.starts) - Math.min(...r.starts), unit: "minutes" as const, message: `the caregivers start at different times (${r.starts.map((s) => localClock(ctx.roster, s)).join(" and ")})` }]
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
      : [{ where: r.key, amount: bad < o.earliest ? o.earliest - bad : bad - o.latest, unit: "minutes" as const, message: `starts ${localTime(ctx.roster, bad)}, outside its window ${localClock(ctx.roster, o.earliest)}-${localClock(ctx.roster, o.latest)}` }];
  });

/** Spec rule 3: at least N minutes after the start of the same day's other visit (when both are planned). */
export const minGapAfter: Rule = (ctx) => {
  const startByKey = new Map(ctx.resolved.map((r) => [r.key, r.assignment.start]));
  return ctx.resolved.flatMap((r) => {
    const gap = r.occurrence?.gapAfter;
    if (!gap) return [];
    const other = ctx.roster.occurrences[gap.occurrence]!;
    const otherStart = startByKey.get(other.key);
    if (otherStart === undefined || r.assignment.start - otherStart >= gap.minutes) return [];
    const after = r.assignment.start - otherStart;
    return [{ where: r.key, amount: gap.minutes - after, unit: "minutes" as const, message: `starts ${after} min after ${other.key}, needs at least ${gap.minutes}` }];
  });
};

/** Consecutive visits of each caregiver, with their caregiver's id (the pairs rule 4 reads). */
function consecutiveStops(ctx: ValidationContext, each: (a: Stop, b: Stop, id: string) => Finding | null): Finding[] {
  const out: Finding[] = [];
  ctx.stops.forEach((stops, cg) => {
    const id = ctx.roster.caregivers[cg]!.id;
    for (let i = 1; i < stops.length; i++) {
      const f = each(stops[i - 1]!, stops[i]!, id);
      if (f) out.push(f);
    }
  });
  return out;
}

/** Spec rule 4: a caregiver's visits do not overlap. */
export const noOverlap: Rule = (ctx) =>
  consecutiveStops(ctx, (a, b, id) =>
    b.start < a.end
      ? { where: b.key, who: id, amount: a.end - b.start, unit: "minutes", message: `${id} is still at ${a.key} until ${localClock(ctx.roster, a.end)} when this visit starts ${localClock(ctx.roster, b.start)}` }
      : null,
  );

/** Spec rule 4: consecutive visits leave the travel time between them. */
export const travelTime: Rule = (ctx) =>
  consecutiveStops(ctx, (a, b, id) => {
    const need = ctx.travel.between(a.client, b.client);
    const has = b.start - a.end;
    return has >= 0 && has < need
      ? { where: b.key, who: id, amount: need - has, unit: "minutes", message: `${id} has ${has} min from ${a.key} to this visit, travel takes ${need} min` }
      : null;
  });

/** Spec rule 4: a shift with a break has room for it, free of visits and travel, starting in its window. */
export const breakHasRoom: Rule = (ctx) =>
  ctx.stops.flatMap((stops, cg) => {
    const c = ctx.roster.caregivers[cg]!;
    return c.shifts.flatMap((shift) => {
      if (!shift.break) return [];
      const inside = stops.filter((s) => s.start < shift.end && s.end > shift.start);
      return breakFits(shift, inside, ctx.travel)
        ? []
        : [{ who: c.id, amount: shift.break.minutes, unit: "minutes" as const, message: `no room for ${c.id}'s ${shift.break.minutes}-minute break starting ${localClock(ctx.roster, shift.break.earliest)}-${localClock(ctx.roster, shift.break.latest)} in the shift of ${shift.date}` }];
    });
  });

/** Spec rule 5: visit plus travel minutes stay within maxMinutes. */
export const maxMinutes: Rule = (ctx) =>
  ctx.stops.flatMap((stops, cg) => {
    const c = ctx.roster.caregivers[cg]!;
    if (c.maxMinutes === undefined) return [];
    const worked = stops.reduce((sum, s) => sum + (s.end - s.start), 0) + travelOfStops(stops, c.shifts, ctx.travel);
    return worked > c.maxMinutes
      ? [{ who: c.id, amount: worked - c.maxMinutes, unit: "minutes" as const, message: `${c.id} works ${worked} min (visits and travel), at most ${c.maxMinutes}` }]
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
      ? [{ where: o.key, who: missing[0]!, message: `is pinned to ${ids.join(" and ")}, the schedule has ${r ? r.assignment.caregivers.join(" and ") : "it unassigned"}` }]
      : [];
  });
};

/** The hard rules, in the order a scheduler reads them. */
export const HARD_RULES: readonly Rule[] = [
  knownCaregivers,
  assignmentsAreOccurrences,
  notWhileAway,
  everyOccurrenceAccountedFor,
  durationMatches,
  withinShift,
  hasRequiredSkills,
  notExcluded,
  staffCount,
  simultaneousStart,
  startInWindow,
  minGapAfter,
  noOverlap,
  travelTime,
  breakHasRoom,
  maxMinutes,
  pinsKept,
];

/** Runs every hard rule; a schedule is valid when the list is empty. */
export function validateSchedule(roster: Roster, schedule: Schedule, travel?: TravelMatrix): Violation[] {
  return runRules(HARD_RULES, buildContext(roster, schedule, travel));
}

/**
 * A schedule that questions are asked of (re-planning, explain, recommend) must keep every hard
 * rule of its roster: the answers are insertions into it. An input error otherwise, on `schedule`.
 */
export function requireValidSchedule(roster: Roster, schedule: Schedule, source?: string): void {
  const broken = validateSchedule(roster, schedule);
  if (broken.length) throw new InputError(broken.slice(0, 10).map((v) => ({ path: "schedule", message: `breaks a hard rule of the roster: ${formatViolation(v)}` })), source);
}
