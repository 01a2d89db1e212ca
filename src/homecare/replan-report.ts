import { absToIso } from "../common/time.js";
import { table } from "../common/table.js";
import type { ChangedRoster } from "./changes.js";
import { localTime } from "./clock.js";
import { computeMetrics } from "./figures.js";
import type { Assignment, Roster, Schedule } from "./model.js";
import { occurrenceKey } from "./model.js";

/**
 * The change report of replan.md: every occurrence whose assignment differs between the
 * published and the re-planned schedule, with why, and the summary. A changed assignment is
 * one whose caregivers changed or whose start moved by more than 15 minutes (replan.md rule 4).
 */

/** A start moved by this much or less is not a change a caregiver has to be called about (replan.md). */
export const START_TOLERANCE_MINUTES = 15;

export interface ChangeEntry {
  client: string;
  visit: string;
  date: string;
  before: { start: string; caregivers: string[] } | null;
  after: { start: string; caregivers: string[] } | null;
  why: string;
}

export interface ChangeReport {
  changed: ChangeEntry[];
  summary: {
    changedAssignments: number;
    caregiversNewToAClient: number;
    unassigned: number;
    u21401: { before: number | null; after: number | null };
    travelMinutes: { before: number; after: number };
  };
}

const keyOf = (a: { client: string; visit: string; date: string }) => occurrenceKey(a.client, a.visit, a.date);
const sameTeam = (a: Assignment, b: Assignment) => a.caregivers.length === b.caregivers.length && a.caregivers.every((c) => b.caregivers.includes(c));

/** Whether re-planning changed the assignment, in the spec's sense. */
export const isChanged = (before: Assignment, after: Assignment | undefined): boolean =>
  !after || !sameTeam(before, after) || Math.abs(after.start - before.start) > START_TOLERANCE_MINUTES;

export function buildChangeReport(
  original: Roster,
  published: Schedule,
  roster: Roster,
  replanned: Schedule,
  changes: ChangedRoster,
  madeRoomFor: ReadonlyMap<string, string>,
): ChangeReport {
  const before = new Map(published.assignments.map((a) => [keyOf(a), a]));
  const after = new Map(replanned.assignments.map((a) => [keyOf(a), a]));
  const unassigned = new Map(replanned.unassigned.map((u) => [keyOf(u), u]));
  const originalKeys = new Set(original.occurrences.map((o) => o.key));
  const metBefore = new Set(published.assignments.flatMap((a) => a.caregivers.map((c) => `${a.client} ${c}`)));
  const side = (a: Assignment | undefined) => (a ? { start: absToIso(a.start, roster.zone), caregivers: a.caregivers } : null);
  const changed: ChangeEntry[] = [];
  let changedAssignments = 0;

  const cause = (a: Assignment, key: string) => {
    const absence = changes.absences.find((x) => a.caregivers.includes(x.caregiver) && x.from < a.end && x.to > a.start);
    if (absence) return absence.label;
    const room = madeRoomFor.get(key);
    if (room) return `moved to make room for ${room}`;
    return "no longer fits the changed roster";
  };
  const relation = (a: Assignment, b: Assignment | undefined) =>
    a.caregivers
      .filter((c) => !b || !b.caregivers.includes(c))
      .map((c) => (metBefore.has(`${a.client} ${c}`) ? `${c} already visits ${a.client}` : `${c} is new to ${a.client}`));

  for (const key of new Set([...before.keys(), ...after.keys(), ...unassigned.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const [client, visit, date] = key.split("/") as [string, string, string];
    const entry = (why: string) => changed.push({ client, visit, date, before: side(b), after: side(a), why });
    const removed = changes.removed.get(key);
    if (b && removed) {
      entry(removed);
      continue;
    }
    if (b && !isChanged(b, a)) continue;
    if (b) {
      changedAssignments++;
      const u = unassigned.get(key);
      if (!a) entry(`${cause(b, key)}; unassigned: ${u?.reason ?? "no caregiver can take it"}`);
      else if (sameTeam(a, b)) entry(`${cause(b, key)}; starts ${localTime(roster, a.start)} instead of ${localTime(roster, b.start)}`);
      else entry([cause(b, key), ...relation(a, b)].join("; "));
      continue;
    }
    const isNew = !originalKeys.has(key);
    if (a) entry([isNew ? "a new visit" : "was unassigned", ...relation(a, undefined)].join("; "));
    else if (isNew) entry(`a new visit; unassigned: ${unassigned.get(key)?.reason ?? ""}`);
  }
  changed.sort((x, y) => x.date.localeCompare(y.date) || (x.before?.start ?? x.after?.start ?? "").localeCompare(y.before?.start ?? y.after?.start ?? "") || x.client.localeCompare(y.client));

  const newPairs = new Set(
    replanned.assignments.flatMap((a) => a.caregivers.filter((c) => !metBefore.has(`${a.client} ${c}`)).map((c) => `${a.client} ${c}`)),
  );
  const m0 = computeMetrics(original, published);
  const m1 = computeMetrics(roster, replanned);
  return {
    changed,
    summary: {
      changedAssignments,
      caregiversNewToAClient: newPairs.size,
      unassigned: replanned.unassigned.length,
      u21401: { before: m0.u21401, after: m1.u21401 },
      travelMinutes: { before: m0.travelMinutes, after: m1.travelMinutes },
    },
  };
}

/** The change table a scheduler reads on stdout: who moves, to whom, why. */
export function formatChangeReport(report: ChangeReport, roster: Roster, limit = Infinity): string {
  const clock = (s: ChangeEntry["before"]) => (s ? `${s.start.slice(11, 16)} ${s.caregivers.join("+")}` : "-");
  const rows = report.changed.slice(0, limit).map((c) => [`${c.client}/${c.visit}/${c.date}`, clock(c.before), clock(c.after)]);
  const s = report.summary;
  // the reason is free text of any length: it goes last, unpadded
  const lines = [
    ...table(["occurrence", "before", "after"], rows).split("\n").map((line, i) => (i < 2 ? line + (i === 0 ? "  why" : "  ---") : `${line}  ${report.changed[i - 2]!.why}`)),
    ...(report.changed.length > limit ? [`... and ${report.changed.length - limit} more (all in the JSON report)`] : []),
    "",
    `changed assignments ${s.changedAssignments}, caregivers new to a client ${s.caregiversNewToAClient}, unassigned ${s.unassigned}`,
    `U21401 ${s.u21401.before ?? "-"} -> ${s.u21401.after ?? "-"}, travel ${s.travelMinutes.before} -> ${s.travelMinutes.after} min (${roster.name})`,
  ];
  return lines.join("\n");
}
