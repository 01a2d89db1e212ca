import { IssueCollector } from "../common/errors.js";
import type { Caregiver, Client, Pin, Roster, Shift } from "./model.js";
import { occurrenceKey } from "./model.js";
import { expandOccurrences, isAway, nonexistent } from "./occurrences.js";
import type { RosterInput } from "./schema.js";
import { buildLocalDays, clockToMinute, wallToAbs, type LocalDay } from "../common/time.js";

/**
 * Parsed roster -> normalized roster. Checks what a schema cannot: duplicate ids, references to
 * unknown caregivers and visits, dates outside the period, times that do not exist on their date.
 * Throws one InputError with every problem found.
 */
export function normalizeRoster(input: RosterInput, source?: string): Roster {
  const issues = new IssueCollector();
  const periodDays = input.period.days;
  // one extra day: night shifts and late visits end on the day after the period
  const days = buildLocalDays(input.timezone, input.period.start, periodDays + 1);
  const dayIndex = new Map(days.slice(0, periodDays).map((d, i) => [d.date, i]));

  const caregiverIndex = new Map<string, number>();
  input.caregivers.forEach((c, i) => {
    if (caregiverIndex.has(c.id)) issues.add(`caregivers[${i}].id`, `duplicate caregiver id "${c.id}"`);
    else caregiverIndex.set(c.id, i);
  });
  const caregiverRef = (path: string, id: string): number | undefined => {
    const idx = caregiverIndex.get(id);
    if (idx === undefined) issues.add(path, `unknown caregiver "${id}"`);
    return idx;
  };

  const caregivers: Caregiver[] = input.caregivers.map((c, i) => ({
    index: i,
    id: c.id,
    ...(c.name !== undefined ? { name: c.name } : {}),
    skills: new Set(c.skills ?? []),
    languages: new Set(c.languages ?? []),
    ...(c.maxMinutes !== undefined ? { maxMinutes: c.maxMinutes } : {}),
    shifts: c.shifts
      .map((s, j) => normalizeShift(s, `caregivers[${i}].shifts[${j}]`, days, dayIndex, issues))
      .filter((s): s is Shift => s !== null)
      .sort((a, b) => a.start - b.start),
  }));
  caregivers.forEach((c, i) => {
    for (let j = 1; j < c.shifts.length; j++) {
      if (c.shifts[j]!.start < c.shifts[j - 1]!.end)
        issues.add(`caregivers[${i}].shifts`, `shifts on ${c.shifts[j - 1]!.date} and ${c.shifts[j]!.date} overlap`);
    }
  });

  const clientIndex = new Map<string, number>();
  const clients: Client[] = input.clients.map((c, i) => {
    const path = `clients[${i}]`;
    if (clientIndex.has(c.id)) issues.add(`${path}.id`, `duplicate client id "${c.id}"`);
    else clientIndex.set(c.id, i);
    const visitIds = new Set<string>();
    c.visits.forEach((v, j) => {
      if (visitIds.has(v.id)) issues.add(`${path}.visits[${j}].id`, `duplicate visit id "${v.id}" in client ${c.id}`);
      visitIds.add(v.id);
    });
    c.visits.forEach((v, j) => {
      const gap = v.minGapAfter;
      if (gap && (!visitIds.has(gap.visit) || gap.visit === v.id))
        issues.add(`${path}.visits[${j}].minGapAfter.visit`, `"${gap.visit}" is not another visit of client ${c.id}`);
    });
    const refs = (field: "preferredCaregivers" | "excludedCaregivers") =>
      (c[field] ?? [])
        .map((id, k) => caregiverRef(`${path}.${field}[${k}]`, id))
        .filter((x): x is number => x !== undefined);
    const contact = c.contactPerson !== undefined ? caregiverRef(`${path}.contactPerson`, c.contactPerson) : undefined;
    const excluded = new Set(refs("excludedCaregivers"));
    if (contact !== undefined && excluded.has(contact))
      issues.add(`${path}.contactPerson`, `"${c.contactPerson}" is also in excludedCaregivers`);
    return {
      index: i,
      id: c.id,
      lat: c.location.lat,
      lon: c.location.lon,
      ...(contact !== undefined ? { contactPerson: contact } : {}),
      preferred: refs("preferredCaregivers"),
      excluded,
      ...(c.language !== undefined ? { language: c.language } : {}),
      ...(c.birthYear !== undefined ? { birthYear: c.birthYear } : {}),
      awayDates: new Set(
        Array.from({ length: periodDays }, (_, d) => days[d]!.date).filter((date) => isAway(c.away, date)),
      ),
      visitIds: c.visits.map((v) => v.id),
    };
  });

  const { occurrences, awayKeys } = expandOccurrences(input.clients, days, periodDays, issues);
  const occurrenceByKey = new Map(occurrences.map((o) => [o.key, o]));

  const pins: Pin[] = [];
  (input.pinned ?? []).forEach((p, i) => {
    const path = `pinned[${i}]`;
    const ci = clientIndex.get(p.client);
    if (ci === undefined) return issues.add(`${path}.client`, `unknown client "${p.client}"`);
    if (!input.clients[ci]!.visits.some((v) => v.id === p.visit))
      return issues.add(`${path}.visit`, `client ${p.client} has no visit "${p.visit}"`);
    const key = occurrenceKey(p.client, p.visit, p.date);
    const occ = occurrenceByKey.get(key);
    if (!occ) {
      const why = awayKeys.has(key) ? "the client is away that day" : "the visit does not occur that day";
      return issues.add(`${path}.date`, `${key} is not a visit occurrence: ${why}`);
    }
    const cgs = p.caregivers
      .map((id, k) => caregiverRef(`${path}.caregivers[${k}]`, id))
      .filter((x): x is number => x !== undefined);
    if (new Set(p.caregivers).size !== p.caregivers.length) issues.add(`${path}.caregivers`, "names a caregiver twice");
    if (p.caregivers.length > occ.staff)
      issues.add(`${path}.caregivers`, `pins ${p.caregivers.length} caregivers to a visit with staff ${occ.staff}`);
    if (pins.some((q) => q.occurrence === occ.index)) issues.add(path, `${key} is pinned twice`);
    pins.push({ occurrence: occ.index, caregivers: cgs });
  });

  issues.throwIfAny(source);
  return {
    name: input.name,
    zone: input.timezone,
    days,
    periodDays,
    travel: { ...input.travel },
    caregivers,
    clients,
    occurrences,
    awayKeys,
    pins,
  };
}

function normalizeShift(
  s: RosterInput["caregivers"][number]["shifts"][number],
  path: string,
  days: LocalDay[],
  dayIndex: Map<string, number>,
  issues: IssueCollector,
): Shift | null {
  const d = dayIndex.get(s.date);
  if (d === undefined) {
    issues.add(`${path}.date`, `${s.date} is outside the period ${days[0]!.date}..${days[days.length - 2]!.date}`);
    return null;
  }
  const startClock = clockToMinute(s.start);
  const endClock = clockToMinute(s.end);
  const start = wallToAbs(days[d]!, startClock);
  // end <= start on the wall clock: the shift ends the next day
  const endDay = endClock <= startClock ? days[d + 1]! : days[d]!;
  const end = wallToAbs(endDay, endClock);
  if (start === null) issues.add(`${path}.start`, nonexistent(s.start, s.date));
  if (end === null) issues.add(`${path}.end`, nonexistent(s.end, endDay.date));
  if (start === null || end === null) return null;
  if (end <= start) {
    issues.add(`${path}.end`, `the shift ${s.start}-${s.end} on ${s.date} has no length`);
    return null;
  }
  const shift: Shift = { date: s.date, start, end };
  if (s.breakMinutes === undefined) return shift;
  // break bounds are taken at their first occurrence at or after the shift's start
  const firstAtOrAfter = (clock: string, field: string): number | null => {
    const m = clockToMinute(clock);
    for (const day of [days[d]!, days[d + 1]!]) {
      const abs = wallToAbs(day, m);
      if (abs === null) {
        issues.add(`${path}.${field}`, nonexistent(clock, day.date));
        return null;
      }
      if (abs >= start) return abs;
    }
    return null;
  };
  const earliest = s.breakEarliest !== undefined ? firstAtOrAfter(s.breakEarliest, "breakEarliest") : start;
  const latestRaw = s.breakLatest !== undefined ? firstAtOrAfter(s.breakLatest, "breakLatest") : end - s.breakMinutes;
  if (earliest === null || latestRaw === null) return null;
  const latest = Math.min(latestRaw, end - s.breakMinutes);
  if (earliest > latest) {
    issues.add(
      `${path}.breakEarliest`,
      `a ${s.breakMinutes}-minute break starting ${s.breakEarliest ?? s.start}-${s.breakLatest ?? "end"} does not fit in the shift ${s.start}-${s.end}`,
    );
    return null;
  }
  shift.break = { minutes: s.breakMinutes, earliest, latest };
  return shift;
}

