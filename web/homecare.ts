import { download, getJson, postJson } from "./api.js";
import { caregiverGantt, clientStrip } from "./charts.js";
import { $, cell, fileText, fillTable, fmt, pct, show } from "./dom.js";
import { follow, guarded } from "./jobs.js";
import { selectTab } from "./tabs.js";
import { currentSchedule, dayTools, explainBeside } from "./replan.js";
import type { ClientRow, Job, RosterDoc, ScheduleFile, Timelines, Totals } from "./types.js";

/** Home care: upload a roster (and the hand-made schedule), then the summary, clients, caregivers and unassigned. */
$("homecare-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void guarded(async () => {
    const roster = (await fileText("roster-file"))!;
    const before = await fileText("before-file");
    // an empty field leaves the time limit to the server's default
    const seconds = $<HTMLInputElement>("homecare-time").value;
    show("homecare-result", false);
    show("calls-result", false);
    const job = await follow(await postJson<Job>(`/v1/homecare/jobs${seconds ? `?timeLimitSeconds=${encodeURIComponent(seconds)}` : ""}`, roster));
    await showSchedule(job, JSON.parse(roster) as RosterDoc, before);
  });
});

async function showSchedule(job: Job, roster: RosterDoc, before: string | undefined): Promise<void> {
  const schedule = await getJson<ScheduleFile>(job.result!);
  // an accepted re-plan becomes the schedule the figures and the client table show
  dayTools(roster, schedule, (accepted) => void guarded(() => showFigures(job, roster, before, accepted)));
  await showFigures(job, roster, before, schedule);
  await caregiverView(job);
  $("download-json").onclick = () => void download(job.result!, "application/json", `${job.roster}.schedule.json`);
  $("download-csv").onclick = () => void download(job.result!, "text/csv", `${job.roster}.schedule.csv`);
  $("homecare-result-title").textContent = `Schedule: ${job.roster}`;
  show("homecare-result", true);
  selectTab("t-summary");
}

async function showFigures(job: Job, roster: RosterDoc, before: string | undefined, schedule: ScheduleFile): Promise<void> {
  let totals: { before: Totals | null; after: Totals };
  let clients: ClientRow[];
  if (before !== undefined) {
    const c = await postJson<{ before: Totals; after: Totals; clients: ClientRow[] }>("/v1/homecare/compare", { roster, before, after: schedule });
    totals = c;
    clients = c.clients;
  } else {
    const s = await postJson<Totals & { clients: { client: string; counted: boolean; distinctStaff: number; contactPersonShare: number | null }[] }>("/v1/homecare/score", { roster, schedule });
    totals = { before: null, after: s };
    clients = s.clients.map((c) => ({ client: c.client, counted: c.counted, before: null, after: c.distinctStaff, gain: null, contactBefore: null, contactAfter: c.contactPersonShare }));
  }
  summaryTable(totals, job.metrics?.lowerBoundU21401 ?? null);
  clientTable(clients, schedule);
  fillTable($<HTMLTableElement>("unassigned"), ["client", "visit", "date", "why"], schedule.unassigned.map((u) => [u.client, u.visit, u.date, u.reason]));
  if (!schedule.unassigned.length) $("unassigned").insertAdjacentHTML("beforeend", `<caption class="muted">Every visit is staffed.</caption>`);
  $("t-unassigned").textContent = `Unassigned (${schedule.unassigned.length})`;
}

function summaryTable(t: { before: Totals | null; after: Totals }, lowerBound: number | null): void {
  const b = t.before;
  const rows: [string, (x: Totals) => string][] = [
    ["U21401: mean distinct staff in 14 days", (x) => fmt(x.u21401)],
    ["U21402: median", (x) => fmt(x.u21402)],
    ["U21436: % meeting more than 20", (x) => fmt(x.u21436)],
    ["clients counted (Kolada)", (x) => String(x.counted)],
    ["unassigned visits", (x) => String(x.unassigned)],
    ["travel minutes", (x) => String(x.travelMinutes)],
    ["visits by the kontaktperson", (x) => pct(x.contactPersonShare)],
  ];
  fillTable(
    $<HTMLTableElement>("summary"),
    b ? ["", "hand-made", "Kontinuum"] : ["", "Kontinuum"],
    [...rows.map(([label, f]) => (b ? [label, f(b), f(t.after)] : [label, f(t.after)])), b ? ["lower bound on U21401", "", fmt(lowerBound)] : ["lower bound on U21401", fmt(lowerBound)]],
  );
  $("summary").dataset.u21401 = fmt(t.after.u21401);
}

function clientTable(rows: ClientRow[], schedule: ScheduleFile): void {
  const table = $<HTMLTableElement>("clients");
  const withBefore = rows.some((r) => r.before !== null);
  const columns: { name: string; value: (r: ClientRow) => string | number; text?: (r: ClientRow) => string }[] = [
    { name: "client", value: (r) => r.client, text: (r) => r.client + (r.counted ? "" : " *") },
    ...(withBefore ? [{ name: "staff before", value: (r: ClientRow) => r.before ?? 0 }] : []),
    { name: withBefore ? "staff after" : "distinct staff", value: (r) => r.after },
    ...(withBefore ? [{ name: "gain", value: (r: ClientRow) => r.gain ?? 0, text: (r: ClientRow) => ((r.gain ?? 0) > 0 ? `+${r.gain}` : String(r.gain)) }] : []),
    ...(withBefore ? [{ name: "kontaktperson before", value: (r: ClientRow) => r.contactBefore ?? -1, text: (r: ClientRow) => pct(r.contactBefore) }] : []),
    { name: "kontaktperson", value: (r) => r.contactAfter ?? -1, text: (r) => pct(r.contactAfter) },
  ];
  let sortBy = withBefore ? 3 : 0;
  let descending = withBefore;
  const render = () => {
    const col = columns[sortBy]!;
    const sorted = [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return descending ? -c : c;
    });
    table.replaceChildren();
    table.createCaption().textContent = "Open a client for its 14-day strip. * not counted by Kolada's rule.";
    const head = table.createTHead().insertRow();
    columns.forEach((c, i) => {
      const th = document.createElement("th");
      th.scope = "col";
      if (i === sortBy) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = c.name;
      button.addEventListener("click", () => {
        descending = sortBy === i ? !descending : typeof c.value(rows[0]!) === "number";
        sortBy = i;
        render();
        (table.querySelectorAll("th button")[i] as HTMLButtonElement).focus();
      });
      th.append(button);
      head.append(th);
    });
    const body = table.createTBody();
    for (const r of sorted) {
      const tr = body.insertRow();
      if ((r.gain ?? 0) > 0) tr.className = "better";
      columns.forEach((c, i) => {
        if (i > 0) return void tr.append(cell(c.text ? c.text(r) : c.value(r), c.name === "gain" ? "gain" : undefined));
        const td = cell("", "text");
        const open = document.createElement("button");
        open.type = "button";
        open.className = "client-open";
        open.textContent = c.text!(r);
        open.addEventListener("click", () => openClient(r, currentSchedule()));
        td.append(open);
        tr.append(td);
      });
    }
  };
  render();
}

function openClient(row: ClientRow, schedule: ScheduleFile): void {
  const { client } = row;
  const dates = [...new Set(schedule.assignments.map((a) => a.date))].sort();
  const mine = schedule.assignments.filter((a) => a.client === client);
  show("client-strip", true);
  const caregivers = clientStrip($<HTMLCanvasElement>("strip-chart"), client, mine, dates);
  // the strip shows every visit; Kolada's figure counts care visits 07:00-22:00 only
  $("client-strip-title").textContent = `${client}: ${mine.length} visits by ${caregivers.length} caregivers; ${row.after} on the visits Kolada counts`;
  $("client-strip").scrollIntoView({ block: "nearest" });
  void guarded(() => explainBeside(client));
}

async function caregiverView(job: Job): Promise<void> {
  const timelines = await getJson<Timelines>(`/v1/jobs/${job.id}/timeline`);
  const select = $<HTMLSelectElement>("caregiver-select");
  select.replaceChildren(...timelines.caregivers.map((c) => new Option(`${c.id}${c.name ? ` (${c.name})` : ""}`, c.id)));
  const drawSelected = () => caregiverGantt($<HTMLCanvasElement>("gantt-chart"), timelines.caregivers.find((c) => c.id === select.value)!);
  select.onchange = drawSelected;
  $("t-caregivers").onclick = () => {
    selectTab("t-caregivers");
    drawSelected();
  };
}
