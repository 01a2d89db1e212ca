import { z } from "zod";
import { IssueCollector } from "../common/errors.js";
import { parseJsonText, parseWithSchema } from "../common/parse.js";
import { capped, dateString, idString, localTimeString, nameString } from "../common/schema.js";
import { absToLocal, addDays, clockToMinute, localTimeToAbs, wallToAbs } from "../common/time.js";
import type { Roster, Schedule } from "./model.js";
import { occurrenceKey } from "./model.js";
import { isAway, visitOccursOn } from "./occurrences.js";
import { caregiverSchema, shiftSchema, visitSchema, type RosterInput } from "./schema.js";

/**
 * The change list of `shared/spec/replan.md` and how it turns a roster into the changed roster.
 * The changes are applied to the roster as the user wrote it (then normalized as any roster), so
 * the changed roster obeys every rule of homecare.md by the same code.
 */

const changeSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("caregiverAbsent"), caregiver: idString, from: localTimeString, to: localTimeString }),
  z.strictObject({ type: z.literal("clientAway"), client: idString, from: dateString, to: dateString }),
  z.strictObject({ type: z.literal("visitCancelled"), client: idString, visit: idString, date: dateString }),
  z.strictObject({ type: z.literal("visitAdded"), client: idString, visit: visitSchema }),
  z.strictObject({ type: z.literal("caregiverAdded"), caregiver: caregiverSchema }),
  z.strictObject({ type: z.literal("shiftAdded"), caregiver: idString, shift: shiftSchema }),
], { error: "must have a type: caregiverAbsent, clientAway, visitCancelled, visitAdded, caregiverAdded or shiftAdded" });

export const changesSchema = z.strictObject({
  roster: nameString,
  now: localTimeString,
  changes: capped(changeSchema, 10_000, "changes"),
});

export type ChangesInput = z.infer<typeof changesSchema>;
export type Change = ChangesInput["changes"][number];

/** Changes JSON text -> the change list (strict: an unknown field or type is an error with its path). */
export function readChanges(text: string, source?: string): ChangesInput {
  return parseWithSchema(changesSchema, parseJsonText(text, source), source);
}

/** An absence in absolute minutes, for the change report's "why". */
export interface Absence {
  caregiver: string;
  from: number;
  to: number;
  label: string;
}

export interface ChangedRoster {
  input: RosterInput;
  /** the freeze point, absolute */
  now: number;
  absences: Absence[];
  /** occurrence keys a change took away (cancelled, client away), with the reason */
  removed: Map<string, string>;
}

/**
 * Applies the changes in order to the roster input (rule 1 of replan.md). `roster` is the
 * normalized original and `published` its schedule: a shift of an absent caregiver that is under
 * way at `now` with visits she has started is cut after the last of them rather than removed, so
 * the frozen past stays valid (rule 2: "an absent caregiver whose visit had not started by now").
 * Unknown ids, a wrong roster name and wall times that do not exist are input errors on the
 * change's field; nothing is applied then.
 */
export function applyChanges(original: RosterInput, roster: Roster, published: Schedule, changes: ChangesInput, source?: string): ChangedRoster {
  const issues = new IssueCollector();
  const input: RosterInput = structuredClone(original);
  const zone = input.timezone;
  if (changes.roster !== input.name) issues.add("roster", `"${changes.roster}" is not this roster's name ("${input.name}")`);
  const now = localTimeToAbs(zone, changes.now);
  if (now === null) issues.add("now", `${changes.now} does not exist in ${zone} (the clocks jump past it)`);
  const period = roster.days.slice(0, roster.periodDays);
  const dayByDate = new Map(roster.days.map((d) => [d.date, d]));
  const absences: Absence[] = [];
  const removed = new Map<string, string>();
  const caregiverAt = (id: string) => input.caregivers.find((c) => c.id === id);
  const clientAt = (id: string) => input.clients.find((c) => c.id === id);

  changes.changes.forEach((change, i) => {
    const at = `changes[${i}]`;
    switch (change.type) {
      case "caregiverAbsent": {
        const c = caregiverAt(change.caregiver);
        if (!c) return issues.add(`${at}.caregiver`, `unknown caregiver "${change.caregiver}"`);
        const from = localTimeToAbs(zone, change.from);
        const to = localTimeToAbs(zone, change.to);
        if (from === null) return issues.add(`${at}.from`, `${change.from} does not exist in ${zone} (the clocks jump past it)`);
        if (to === null) return issues.add(`${at}.to`, `${change.to} does not exist in ${zone} (the clocks jump past it)`);
        if (to <= from) return issues.add(`${at}.to`, "must be after from");
        absences.push({ caregiver: c.id, from, to, label: `${c.id} absent ${change.from.replace("T", " ")} to ${change.to.replace("T", " ")}` });
        // visits she had started by now stay hers (frozen); her shift then ends after the last of them
        const started = published.assignments.filter((a) => a.caregivers.includes(c.id) && now !== null && a.start < now);
        c.shifts = c.shifts.flatMap((s) => {
          const day = dayByDate.get(s.date);
          const start = day ? wallToAbs(day, clockToMinute(s.start)) : null;
          const endDay = s.end <= s.start ? dayByDate.get(addDays(s.date, 1)) : day;
          const end = endDay ? wallToAbs(endDay, clockToMinute(s.end)) : null;
          if (start === null || end === null || end <= from || start >= to) return [s];
          const lastStarted = Math.max(...started.filter((a) => a.start >= start && a.end <= end).map((a) => a.end));
          if (!Number.isFinite(lastStarted)) return [];
          // the rest of the shift is gone, and with it the break (she went home)
          const cut = absToLocal(Math.max(lastStarted, Math.min(from, end)), zone);
          return [{ date: s.date, start: s.start, end: cut.clock }];
        });
        return;
      }
      case "clientAway": {
        const c = clientAt(change.client);
        if (!c) return issues.add(`${at}.client`, `unknown client "${change.client}"`);
        if (change.to < change.from) return issues.add(`${at}.to`, "must not be before from");
        for (const d of period)
          if (d.date >= change.from && d.date <= change.to)
            for (const v of c.visits) removed.set(occurrenceKey(c.id, v.id, d.date), `${c.id} away ${change.from} to ${change.to}`);
        c.away = [...(c.away ?? []), { from: change.from, to: change.to }];
        return;
      }
      case "visitCancelled": {
        const c = clientAt(change.client);
        if (!c) return issues.add(`${at}.client`, `unknown client "${change.client}"`);
        const v = c.visits.find((x) => x.id === change.visit);
        if (!v) return issues.add(`${at}.visit`, `client ${c.id} has no visit "${change.visit}"`);
        const dates = period.filter((d, k) => visitOccursOn(v, d, k) && !isAway(c.away, d.date)).map((d) => d.date);
        if (!dates.includes(change.date)) return issues.add(`${at}.date`, `${occurrenceKey(c.id, v.id, change.date)} is not a visit occurrence of the roster`);
        // the visit keeps every other date it had: its day rule becomes the explicit list
        v.days = dates.filter((d) => d !== change.date) as typeof v.days;
        delete v.everyOtherWeek;
        removed.set(occurrenceKey(c.id, v.id, change.date), `${occurrenceKey(c.id, v.id, change.date)} cancelled`);
        return;
      }
      case "visitAdded": {
        const c = clientAt(change.client);
        if (!c) return issues.add(`${at}.client`, `unknown client "${change.client}"`);
        if (c.visits.some((x) => x.id === change.visit.id)) return issues.add(`${at}.visit.id`, `client ${c.id} already has a visit "${change.visit.id}"`);
        const first = period[0]!.date;
        const last = period[period.length - 1]!.date;
        if (Array.isArray(change.visit.days))
          for (const [k, d] of change.visit.days.entries())
            if (d.includes("-") && (d < first || d > last)) return issues.add(`${at}.visit.days[${k}]`, `${d} is outside the period ${first}..${last}`);
        c.visits.push(change.visit);
        return;
      }
      case "caregiverAdded":
        if (caregiverAt(change.caregiver.id)) return issues.add(`${at}.caregiver.id`, `caregiver "${change.caregiver.id}" exists already`);
        input.caregivers.push(change.caregiver);
        return;
      case "shiftAdded": {
        const c = caregiverAt(change.caregiver);
        if (!c) return issues.add(`${at}.caregiver`, `unknown caregiver "${change.caregiver}"`);
        if (!dayByDate.has(change.shift.date) || change.shift.date === roster.days[roster.periodDays]!.date)
          return issues.add(`${at}.shift.date`, `${change.shift.date} is outside the roster's period`);
        c.shifts.push(change.shift);
        return;
      }
    }
  });
  issues.throwIfAny(source);
  // a pin the changes overrule (its visit gone, or its caregiver absent that day) is dropped with it
  const absentOn = (id: string, date: string) => {
    const day = dayByDate.get(date)!;
    return absences.some((a) => a.caregiver === id && a.from < day.end && a.to > day.start);
  };
  if (input.pinned)
    input.pinned = input.pinned.filter((p) => !removed.has(occurrenceKey(p.client, p.visit, p.date)) && !p.caregivers.some((id) => absentOn(id, p.date)));
  return { input, now: now!, absences, removed };
}
