import { postJson } from "./api.js";
import { $, fillTable, fmt, show } from "./dom.js";
import { guarded } from "./jobs.js";
import { drawMap } from "./map.js";
import type { ChangeReport, Explanation, RosterDoc, ScheduleFile } from "./types.js";

/**
 * The scheduler's day on the page: a sick call re-planned (POST /v1/homecare/replan) with the
 * proposed changes to accept, a client's explanation beside its strip (/explain), and the map.
 * The page keeps the schedule in force: the job's result, then whatever was accepted.
 */

let roster: RosterDoc & object;
let current: ScheduleFile;
let onAccept: (schedule: ScheduleFile) => void = () => {};

const periodDates = (r: RosterDoc) =>
  Array.from({ length: r.period.days }, (_, i) => {
    const d = new Date(`${r.period.start}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });

/** Called when a schedule is shown: fills the sick-call form and the map's day list. */
export function dayTools(r: RosterDoc & object, schedule: ScheduleFile, accepted: (schedule: ScheduleFile) => void): void {
  roster = r;
  current = schedule;
  onAccept = accepted;
  const dates = periodDates(r);
  $<HTMLSelectElement>("sick-caregiver").replaceChildren(...r.caregivers.map((c) => new Option(`${c.id}${c.name ? ` (${c.name})` : ""}`, c.id)));
  $<HTMLSelectElement>("sick-from").replaceChildren(...dates.map((d) => new Option(d, d)));
  $<HTMLSelectElement>("map-date").replaceChildren(...dates.map((d) => new Option(d, d)));
  show("sick-result", false);
}

export const currentSchedule = () => current;

$("sick-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void guarded(async () => {
    const caregiver = $<HTMLSelectElement>("sick-caregiver").value;
    const from = $<HTMLSelectElement>("sick-from").value;
    const days = Number($<HTMLInputElement>("sick-days").value);
    const now = `${from}T${$<HTMLInputElement>("sick-now").value}`;
    const to = periodDates({ ...roster, period: { start: from, days: days + 1 } })[days]!;
    const changes = { roster: roster.name, now, changes: [{ type: "caregiverAbsent", caregiver, from: now, to }] };
    const answer = await postJson<{ schedule: ScheduleFile; report: ChangeReport; roster: RosterDoc & object }>("/v1/homecare/replan", { roster, schedule: current, changes });
    const s = answer.report.summary;
    $("sick-summary").textContent =
      `${caregiver} away ${from} ${now.slice(11)} to ${to}: ${s.changedAssignments} assignments change, ${s.caregiversNewToAClient} caregivers new to a client, ${s.unassigned} unassigned; ` +
      `U21401 ${fmt(s.u21401.before, 2)} → ${fmt(s.u21401.after, 2)}, travel ${s.travelMinutes.before} → ${s.travelMinutes.after} min`;
    const side = (x: { start: string; caregivers: string[] } | null) => (x ? `${x.start.slice(11, 16)} ${x.caregivers.join(" + ")}` : "–");
    fillTable($<HTMLTableElement>("sick-changes"), ["visit", "before", "after", "why"], answer.report.changed.map((c) => [`${c.client} ${c.visit} ${c.date}`, side(c.before), side(c.after), c.why]));
    $("sick-accepted").textContent = "";
    show("sick-result", true);
    $("sick-accept").onclick = () => {
      // the roster in force is the changed one (her shifts gone, pins on them dropped): the next
      // explanation, map or sick call is asked of it, which the accepted schedule is valid for
      roster = answer.roster;
      current = answer.schedule;
      onAccept(current);
      $("sick-accepted").textContent = `Accepted: ${answer.report.changed.length} changes are in the schedule now.`;
    };
  });
});

/** What the client meets and why, beside its strip. */
export async function explainBeside(client: string): Promise<void> {
  const box = $("client-explain");
  box.textContent = "Explaining…";
  const e = await postJson<Explanation>("/v1/homecare/explain", { roster, schedule: current, client });
  box.replaceChildren();
  const h = document.createElement("h4");
  h.textContent = `Why ${e.client} meets ${e.caregivers.length}`;
  const team = e.caregivers.filter((c) => c.team);
  const p = document.createElement("p");
  p.textContent = `Main team: ${team.map((c) => `${c.caregiver} (${c.visits}${c.contactPerson ? ", kontaktperson" : ""})`).join(", ")}. ${e.outsideTeam.length} visits by others:`;
  const list = document.createElement("ul");
  for (const v of e.outsideTeam.slice(0, 12)) {
    // team members stopped the same way in one clause: "d06, e04 off shift; d18 on k012/lunch…"
    const byReason = new Map<string, string[]>();
    for (const t of v.team) {
      const kind = t.reason.split(" (")[0]!;
      byReason.set(kind, [...(byReason.get(kind) ?? []), t.caregiver]);
    }
    const li = document.createElement("li");
    li.textContent = `${v.occurrence.split("/").slice(1).join(" ")} ${v.start.slice(11)} by ${v.by.join(" + ")}: ${[...byReason].map(([why, who]) => `${who.join(", ")} ${why}`).join("; ")}`;
    list.append(li);
  }
  box.append(h, p, list);
  if (e.outsideTeam.length > 12) box.append(`… and ${e.outsideTeam.length - 12} more (kontinuum explain lists all).`);
}

const drawSelectedDay = () => drawMap($("map") as unknown as SVGSVGElement, $("map-legend"), roster, current, $<HTMLSelectElement>("map-date").value);
$("map-date").addEventListener("change", drawSelectedDay);
$("t-map").addEventListener("click", drawSelectedDay);
