import { occurrenceKey, type Caregiver, type Occurrence, type Roster, type Schedule } from "./model.js";
import { breakFits, shiftContaining, stopsOverlapping, travelOfStops, type Stop } from "./timeline.js";
import { formatViolation, runRules, type Finding, type Violation } from "../common/violation.js";
import { InputError } from "../common/errors.js";
import { localClock, localTime } from "./clock.js";
import { buildContext, type ResolvedAssignment, type ValidationContext } from "./context.js";
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

// ---- walking the schedule: each rule's test on one assignment (or one of its caregivers), findings collected
// in one list (plain loops, no array per assignment: the API validates a schedule on every request, issue #19)

function eachAssignment(ctx: ValidationContext, test: (r: ResolvedAssignment) => Finding | null): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.resolved) {
    const f = test(r);
    if (f) out.push(f);
  }
  return out;
}

function eachCaregiver(ctx: ValidationContext, test: (r: ResolvedAssignment, c: Caregiver | undefined, k: number) => Finding | null): Finding[] {
  const out: Finding[] = [];
  for (const r of ctx.resolved)
    for (let k = 0; k < r.caregivers.length; k++) {
      const f = test(r, r.caregivers[k], k);
      if (f) out.push(f);
    }
  return out;
}

// ---- the rules

/** Every caregiver a schedule names is in the roster. */
export const knownCaregivers: Rule = (ctx) =>
  eachCaregiver(ctx, (r, c, k) => (c ? null : { where: r.key, who: r.assignment.caregivers[k]!, message: `unknown caregiver "${r.assignment.caregivers[k]}"` }));

/** Every assignment is an occurrence of the roster, planned once. */
export const assignmentsAreOccurrences: Rule = (ctx) => {
  const out: Finding[] = [];
  // an occurrence of the roster is planned again when it is not its first assignment; any other key by a set
  const seen = new Set<string>();
  ctx.resolved.forEach((r, i) => {
    const again = r.occurrence ? ctx.assignmentOf[r.occurrence.index] !== i : seen.has(r.key);
    if (again) out.push({ where: r.key, message: "is planned more than once" });
    if (!r.occurrence) seen.add(r.key);
    if (!r.occurrence && !ctx.roster.awayKeys.has(r.key)) out.push({ where: r.key, message: "is not a visit occurrence of the roster" });
  });
  return out;
};

/** Spec rule 3: no visit on a day the client is away (such a day has no occurrence). */
export const notWhileAway: Rule = (ctx) =>
  eachAssignment(ctx, (r) =>
    !r.occurrence && ctx.roster.awayKeys.has(r.key) ? { where: r.key, message: `the client is away on ${r.assignment.date}; no visit may be planned` } : null,
  );

/** Every occurrence is either assigned or listed unassigned with a reason; never silently dropped. */
export const everyOccurrenceAccountedFor: Rule = (ctx) => {
  const out: Finding[] = [];
  const listed = new Uint8Array(ctx.roster.occurrences.length);
  // assigned keys that are no occurrence of the roster (an away day, a typo): usually none
  const otherAssigned = new Set(ctx.resolved.filter((r) => !r.occurrence).map((r) => r.key));
  for (const u of ctx.schedule.unassigned) {
    const key = occurrenceKey(u.client, u.visit, u.date);
    const o = ctx.occurrenceByKey.get(key);
    if (o ? ctx.assignmentOf[o.index] !== -1 : otherAssigned.has(key)) out.push({ where: key, message: "is both assigned and listed unassigned" });
    if (!o) out.push({ where: key, message: "is listed unassigned but is not a visit occurrence of the roster" });
    if (!u.reason.trim()) out.push({ where: key, message: "is listed unassigned without a reason" });
    if (o) listed[o.index] = 1;
  }
  for (const o of ctx.roster.occurrences)
    if (ctx.assignmentOf[o.index] === -1 && !listed[o.index]) out.push({ where: o.key, message: "is neither assigned nor listed unassigned" });
  return out;
};

/** The planned visit lasts exactly its durationMinutes, for each of its caregivers. */
export const durationMatches: Rule = (ctx) =>
  eachAssignment(ctx, (r) => {
    const o = r.occurrence;
    if (!o) return null;
    const k = r.starts.findIndex((s, i) => r.ends[i]! - s !== o.duration);
    if (k < 0) return null;
    const planned = r.ends[k]! - r.starts[k]!;
    const who = r.starts.length > 1 ? { who: r.assignment.caregivers[k]! } : {};
    return { where: r.key, ...who, amount: Math.abs(planned - o.duration), unit: "minutes", message: `lasts ${planned} min, the visit takes ${o.duration} min` };
  });

/** Spec rule 1: a shift of each assigned caregiver contains the whole visit. */
export const withinShift: Rule = (ctx) =>
  eachCaregiver(ctx, (r, c, k) => {
    if (!c || !r.occurrence) return null;
    const start = r.starts[k]!;
    const end = r.ends[k]!;
    if (shiftContaining(c.shifts, start, end) >= 0) return null;
    // how far the visit sticks out of the nearest shift
    const outside = Math.min(...c.shifts.map((s) => Math.max(0, s.start - start) + Math.max(0, end - s.end)), r.occurrence.duration);
    return { where: r.key, who: c.id, amount: outside, unit: "minutes", message: `${span(ctx, start, end)} is not inside a shift of ${c.id}` };
  });

/** Spec rule 1: each assigned caregiver holds every skill the visit requires. */
export const hasRequiredSkills: Rule = (ctx) =>
  eachCaregiver(ctx, (r, c) => {
    if (!c || !r.occurrence || holdsSkills(c, r.occurrence)) return null;
    const missing = r.occurrence.skills.filter((s) => !c.skills.has(s));
    return { where: r.key, who: c.id, message: `${c.id} lacks the skill ${missing.join(", ")}` };
  });

/** Spec rule 1: no caregiver the client has excluded. */
export const notExcluded: Rule = (ctx) =>
  eachCaregiver(ctx, (r, c) =>
    c && r.occurrence && !notExcludedBy(ctx.roster, c, r.occurrence) ? { where: r.key, who: c.id, message: `client ${r.assignment.client} has excluded ${c.id}` } : null,
  );

/** Spec rule 2: exactly `staff` distinct caregivers. */
export const staffCount: Rule = (ctx) =>
  eachAssignment(ctx, (r) => {
    if (!r.occurrence) return null;
    const ids = r.assignment.caregivers;
    // one or two names: compared directly, no set built
    const distinct = ids.length === 1 ? 1 : ids.length === 2 && ids[0] !== ids[1] ? 2 : new Set(ids).size;
    if (distinct !== ids.length) return { where: r.key, message: `names a caregiver twice (${ids.join(", ")})` };
    return distinct === r.occurrence.staff
      ? null
      : { where: r.key, amount: Math.abs(r.occurrence.staff - distinct), unit: "caregivers", message: `has ${distinct} caregiver(s), the visit needs ${r.occurrence.staff}` };
  });

/** Spec rule 2: with dubbelbemanning both caregivers start together. */
export const simultaneousStart: Rule = (ctx) =>
  eachAssignment(ctx, (r) =>
    r.starts.some((s) => s !== r.starts[0])
      ? { where: r.key, amount: Math.max(...r.starts) - Math.min(...r.starts), unit: "minutes", message: `the caregivers start at different times (${r.starts.map((s) => localClock(ctx.roster, s)).join(" and ")})` }
      : null,
  );

/** Spec rule 3: the start lies in [earliest, latest] on the occurrence's date. */
export const startInWindow: Rule = (ctx) =>
  eachAssignment(ctx, (r) => {
    const o = r.occurrence;
    if (!o) return null;
    const bad = r.starts.find((s) => s < o.earliest || s > o.latest);
    return bad === undefined
      ? null
      : { where: r.key, amount: bad < o.earliest ? o.earliest - bad : bad - o.latest, unit: "minutes", message: `starts ${localTime(ctx.roster, bad)}, outside its window ${localClock(ctx.roster, o.earliest)}-${localClock(ctx.roster, o.latest)}` };
  });

/** Spec rule 3: at least N minutes after the start of the same day's other visit (when both are planned). */
export const minGapAfter: Rule = (ctx) => {
  return eachAssignment(ctx, (r) => {
    const gap = r.occurrence?.gapAfter;
    if (!gap) return null;
    const other = ctx.roster.occurrences[gap.occurrence]!;
    const k = ctx.assignmentOf[gap.occurrence]!;
    const otherStart = k < 0 ? undefined : ctx.resolved[k]!.assignment.start;
    if (otherStart === undefined || r.assignment.start - otherStart >= gap.minutes) return null;
    const after = r.assignment.start - otherStart;
    return { where: r.key, amount: gap.minutes - after, unit: "minutes", message: `starts ${after} min after ${other.key}, needs at least ${gap.minutes}` };
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
    const longest = stops.reduce((m, s) => Math.max(m, s.end - s.start), 0);
    return c.shifts.flatMap((shift) => {
      if (!shift.break) return [];
      const inside = stopsOverlapping(stops, shift.start, shift.end, longest);
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
  return ctx.roster.pins.flatMap((p) => {
    const o = ctx.roster.occurrences[p.occurrence]!;
    const ids = p.caregivers.map((i) => ctx.roster.caregivers[i]!.id);
    const k = ctx.assignmentOf[p.occurrence]!;
    const r = k < 0 ? undefined : ctx.resolved[k];
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
