import { api, ApiProblem, download, getJson, postJson, token } from "./api.js";
import { caregiverGantt, clientStrip, dayChart, loadChart } from "./charts.js";
import type { ClientRow, Job, ScheduleFile, StaffingFile, Timelines, Totals } from "./types.js";

/** The planner's page: sign in, upload, follow the job, then look at the result. All data comes from the API. */

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string, visible: boolean) => ($(id).hidden = !visible);

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? "–" : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${Math.round(x * 100)} %`);

function cell(text: string | number, cls?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = String(text);
  if (cls) td.className = cls;
  return td;
}

function fillTable(table: HTMLTableElement, header: string[], rows: (string | number)[][]): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of header) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  // figures right-aligned, words left
  for (const r of rows) body.insertRow().append(...r.map((v) => cell(v, /^[-+]?[\d.,]*\s?%?$|^–$/.test(String(v)) ? undefined : "text")));
}

// ---- sign in ----

function signedIn(): void {
  show("sign-in", false);
  show("start", true);
  show("sign-out", true);
}

$("token-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  token.set($<HTMLInputElement>("token").value.trim());
  try {
    await api("/v1/runs?limit=1");
    $("token-error").textContent = "";
    signedIn();
  } catch (err) {
    token.clear();
    $("token-error").textContent = err instanceof ApiProblem && err.status === 401 ? "That token is not known to this server." : String((err as Error).message);
  }
});
$("sign-out").addEventListener("click", () => {
  token.clear();
  location.reload();
});
if (token.get()) signedIn();

// ---- jobs ----

let currentJob: string | null = null;

async function follow(job: Job): Promise<Job> {
  currentJob = job.id;
  show("progress-box", true);
  const bar = $<HTMLProgressElement>("progress");
  for (;;) {
    const p = job.progress;
    bar.value = p?.fraction ?? 0;
    const figures = !p ? "" : job.kind === "homecare" ? ` · ${p.unassigned ?? 0} unassigned · ${p.distinctStaffSum ?? 0} client-caregiver pairs` : ` · service level ${fmt(p.best * 100)} %`;
    $("progress-label").textContent = job.status === "queued" ? "Queued" : `${p?.phase ?? "starting"}${figures} · ${fmt(p?.elapsedSeconds ?? 0)} s`;
    if (!["queued", "running"].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 500));
    job = await getJson<Job>(`/v1/jobs/${job.id}`);
  }
  show("progress-box", false);
  currentJob = null;
  if (job.status !== "done") throw new Error(`The job ${job.status}${job.error ? `: ${job.error}` : ""}`);
  return job;
}

$("cancel").addEventListener("click", async () => {
  if (currentJob) await api(`/v1/jobs/${currentJob}`, { method: "DELETE" }).catch(() => undefined);
});

async function guarded(run: () => Promise<void>): Promise<void> {
  $("problem").textContent = "";
  for (const b of document.querySelectorAll<HTMLButtonElement>("form button[type=submit]")) b.disabled = true;
  try {
    await run();
  } catch (err) {
    show("progress-box", false);
    $("problem").textContent = (err as Error).message;
  } finally {
    for (const b of document.querySelectorAll<HTMLButtonElement>("form button[type=submit]")) b.disabled = false;
  }
}

const fileText = async (id: string) => $<HTMLInputElement>(id).files?.[0]?.text();

// ---- home care ----

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
    await showSchedule(job, JSON.parse(roster) as object, before);
  });
});

async function showSchedule(job: Job, roster: object, before: string | undefined): Promise<void> {
  const schedule = await getJson<ScheduleFile>(job.result!);
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
  await caregiverView(job);
  $("download-json").onclick = () => void download(job.result!, "application/json", `${job.roster}.schedule.json`);
  $("download-csv").onclick = () => void download(job.result!, "text/csv", `${job.roster}.schedule.csv`);
  $("homecare-result-title").textContent = `Schedule: ${job.roster}`;
  show("homecare-result", true);
  selectTab("t-summary");
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
        open.addEventListener("click", () => openClient(r, schedule));
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

// ---- tabs (arrow keys move between them, as WAI-ARIA's tab pattern) ----

const tabs = () => [...document.querySelectorAll<HTMLButtonElement>("#homecare-result [role=tab]")];
function selectTab(id: string): void {
  for (const t of tabs()) {
    const on = t.id === id;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")!).hidden = !on;
  }
}
for (const t of tabs()) {
  t.addEventListener("click", () => selectTab(t.id));
  t.addEventListener("keydown", (e) => {
    const all = tabs();
    const i = all.indexOf(t);
    const next = e.key === "ArrowRight" ? all[(i + 1) % all.length] : e.key === "ArrowLeft" ? all[(i - 1 + all.length) % all.length] : undefined;
    if (next) {
      next.click();
      next.focus();
    }
  });
}

// ---- 1177 ----

$("calls-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void guarded(async () => {
    const form = new FormData();
    form.set("calls", new Blob([(await fileText("calls-file"))!], { type: "application/json" }), "calls.json");
    const history = await fileText("history-file");
    if (history !== undefined) form.set("history", new Blob([history], { type: "text/csv" }), "history.csv");
    const seconds = $<HTMLInputElement>("calls-time").value;
    show("homecare-result", false);
    show("calls-result", false);
    const submitted = (await (await api(`/v1/calls/jobs${seconds ? `?timeLimitSeconds=${encodeURIComponent(seconds)}` : ""}`, { method: "POST", body: form })).json()) as Job;
    const job = await follow(submitted);
    await showStaffing(job);
  });
});

async function showStaffing(job: Job): Promise<void> {
  const file = await getJson<StaffingFile>(job.result!);
  const s = file.summary;
  const t = s.today;
  const rows: [string, (x: StaffingFile["summary"]) => string][] = [
    ["service level (share answered in time)", (x) => pct(x.serviceLevel)],
    ["payment share", (x) => pct(x.paymentStep.paymentShare)],
    ["mean wait (s)", (x) => fmt(x.averageWaitSeconds, 0)],
    ["abandoned", (x) => pct(x.abandonedShare)],
    ["understaffed intervals", (x) => String(x.understaffedIntervals)],
  ];
  fillTable($<HTMLTableElement>("calls-summary"), t ? ["", "today's roster", "Kontinuum"] : ["", "Kontinuum"], [
    ...rows.map(([label, f]) => (t ? [label, f(t), f(s)] : [label, f(s)])),
    t ? ["upper bound", "", pct(s.upperBound)] : ["upper bound", pct(s.upperBound)],
  ]);
  $("calls-summary").dataset.serviceLevel = pct(s.serviceLevel);
  loadChart($<HTMLCanvasElement>("load-chart"), file.intervals);
  dayChart($<HTMLCanvasElement>("day-chart"), s.days, s.targetServiceLevel, t?.days);
  const time = (iso: string) => iso.slice(11, 16);
  fillTable(
    $<HTMLTableElement>("roster-table"),
    ["nurse", "date", "template", "start", "end", "break"],
    file.roster.map((r) => [r.nurse, r.date, r.template, time(r.start), time(r.end), r.break ? `${time(r.break.start)}-${time(r.break.end)}` : ""]),
  );
  $("download-roster-csv").onclick = () => void download(job.result!, "text/csv", `${job.roster}.roster.csv`);
  $("calls-result-title").textContent = `Nurse roster: ${job.roster}`;
  show("calls-result", true);
}
