import { api, download, getJson } from "./api.js";
import { dayChart, loadChart } from "./charts.js";
import { $, fileText, fillTable, fmt, pct, show } from "./dom.js";
import { follow, guarded } from "./jobs.js";
import type { Job, StaffingFile } from "./types.js";

/** 1177: upload a calls input (and its history), then calls, nurses, service level per day and the roster. */
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
