import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration, type TooltipItem } from "chart.js";
import type { Assignment, StaffingFile, Timelines } from "./types.js";

/** Chart.js views: a client's 14-day strip, a caregiver's Gantt, the 1177 load and day charts. */

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173"];
const KIND_COLOUR = { visit: "#1f5fbf", travel: "#b8bec9", break: "#2ca02c" } as const;

const charts = new Map<HTMLCanvasElement, Chart>();
function draw(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  charts.get(canvas)?.destroy();
  const chart = new Chart(canvas, config);
  charts.set(canvas, chart);
  return chart;
}

/** The local wall-clock minute of an ISO time with offset, counted from midnight of `baseDate` (a visit past midnight goes on past 1440). */
export function wallMinute(iso: string, baseDate: string): number {
  const days = (Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) - Date.UTC(+baseDate.slice(0, 4), +baseDate.slice(5, 7) - 1, +baseDate.slice(8, 10))) / 86_400_000;
  return days * 1440 + Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
}

const clock = (minute: number) => {
  const m = ((Math.round(minute) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};
const weekday = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

/**
 * One column a day, visits as bars at their time of day, one colour per caregiver. The second
 * caregiver of a dubbelbemanning visit is a narrower bar on top of the first, so both show.
 */
export function clientStrip(canvas: HTMLCanvasElement, client: string, assignments: Assignment[], dates: string[]): string[] {
  const caregivers = [...new Set(assignments.flatMap((a) => a.caregivers))].sort();
  const labels = dates.map(weekday);
  const bars = (cg: string, position: number) =>
    assignments
      .filter((a) => (position === 0 ? a.caregivers[0] === cg : a.caregivers.indexOf(cg) >= 1))
      .map((a) => ({ x: weekday(a.date), y: [wallMinute(a.start, a.date), wallMinute(a.end, a.date)] as [number, number], visit: a.visit, team: a.caregivers.join(" + ") }));
  const datasets = [0, 1].flatMap((position) =>
    caregivers
      .map((cg, k) => ({ label: cg, backgroundColor: PALETTE[k % PALETTE.length]!, data: bars(cg, position), barPercentage: position === 0 ? 0.9 : 0.4, order: position === 0 ? 1 : 0 }))
      .filter((d) => d.data.length > 0),
  );
  canvas.setAttribute("aria-label", `${client}'s visits over ${dates.length} days, coloured by caregiver: ${caregivers.join(", ")}`);
  draw(canvas, {
    type: "bar",
    data: { labels, datasets: datasets as never },
    options: {
      maintainAspectRatio: false,
      animation: false,
      grouped: false,
      scales: {
        y: { reverse: true, min: 360, max: 1440, ticks: { stepSize: 120, callback: (v: number | string) => clock(Number(v)) }, title: { display: true, text: "time of day" } },
      },
      plugins: {
        legend: {
          position: "right",
          title: { display: true, text: `${caregivers.length} caregivers` },
          // one entry a caregiver, though a partner in dubbelbemanning has a dataset of its own
          labels: {
            filter: (item: { text: string; datasetIndex?: number }) => datasets.findIndex((d) => d.label === item.text) === item.datasetIndex,
            sort: (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text),
          },
        },
        tooltip: { callbacks: { label: (c: TooltipItem<"bar">) => { const d = c.raw as { y: [number, number]; visit: string; team: string }; return `${d.team}: ${d.visit} ${clock(d.y[0])}-${clock(d.y[1])}`; } } },
      },
    } as never,
  });
  return caregivers;
}

/** A row a day, the caregiver's visits, travel and break along the time of day. */
export function caregiverGantt(canvas: HTMLCanvasElement, caregiver: Timelines["caregivers"][number]): void {
  const rows = caregiver.shifts;
  const labels = rows.map((s) => weekday(s.date));
  const kinds = ["visit", "travel", "break"] as const;
  const datasets = kinds.map((kind) => ({
    label: kind,
    backgroundColor: KIND_COLOUR[kind],
    data: rows.flatMap((s) => s.segments.filter((g) => g.kind === kind).map((g) => ({ y: weekday(s.date), x: [wallMinute(g.start, s.date), wallMinute(g.end, s.date)] as [number, number], client: g.client ?? "" }))),
  }));
  const shiftBars = { label: "shift", backgroundColor: "rgba(31, 95, 191, 0.08)", data: rows.map((s) => ({ y: weekday(s.date), x: [wallMinute(s.start, s.date), wallMinute(s.end, s.date)] as [number, number], client: "" })) };
  const all = [...datasets, shiftBars].flatMap((d) => d.data.flatMap((p) => p.x));
  const min = Math.floor(Math.min(...all, 420) / 60) * 60;
  const max = Math.ceil(Math.max(...all, 1320) / 60) * 60;
  canvas.setAttribute("aria-label", `${caregiver.id}'s shifts: visits, travel and breaks per day`);
  draw(canvas, {
    type: "bar",
    data: { labels, datasets: [...datasets, shiftBars] as never },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      grouped: false,
      scales: { x: { min, max, ticks: { stepSize: 60, callback: (v: number | string) => clock(Number(v)) } } },
      plugins: {
        tooltip: { callbacks: { label: (c: TooltipItem<"bar">) => { const d = c.raw as { x: [number, number]; client: string }; return `${c.dataset.label}${d.client ? ` ${d.client}` : ""} ${clock(d.x[0])}-${clock(d.x[1])}`; } } },
      },
    } as never,
  });
}

/** Offered calls, required and staffed nurses per interval: every interval the server lists, so DST days have 92 or 100. */
export function loadChart(canvas: HTMLCanvasElement, intervals: StaffingFile["intervals"]): void {
  const labels = intervals.map((iv) => iv.start);
  draw(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [
        { label: "offered calls", data: intervals.map((iv) => iv.offered), borderColor: "#7f7f7f", pointRadius: 0, borderWidth: 1, yAxisID: "calls" },
        { label: "required nurses", data: intervals.map((iv) => iv.required), borderColor: "#d62728", pointRadius: 0, borderWidth: 1.5, stepped: true, yAxisID: "nurses" },
        { label: "staffed nurses", data: intervals.map((iv) => iv.staffed), borderColor: "#1f5fbf", pointRadius: 0, borderWidth: 1.5, stepped: true, yAxisID: "nurses" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 0, callback: (_v, i) => (labels[i]!.slice(11, 16) === "00:00" && (i === 0 || labels[i - 1]!.slice(11, 16) !== "00:00") ? weekday(labels[i]!.slice(0, 10)) : null) } },
        calls: { position: "left", title: { display: true, text: "calls per interval" } },
        nurses: { position: "right", title: { display: true, text: "nurses" }, grid: { drawOnChartArea: false } },
      },
    },
  });
}

/** Call-weighted service level per day, ours (and today's roster when given) against the target. */
export function dayChart(canvas: HTMLCanvasElement, days: StaffingFile["summary"]["days"], target: number, today?: StaffingFile["summary"]["days"]): void {
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  draw(canvas, {
    type: "bar",
    data: {
      labels: days.map((d) => weekday(d.date)),
      datasets: [
        ...(today ? [{ type: "bar" as const, label: "today's roster", data: today.map((d) => pct(d.serviceLevel)), backgroundColor: "#b8bec9" }] : []),
        { type: "bar" as const, label: "Kontinuum", data: days.map((d) => pct(d.serviceLevel)), backgroundColor: "#1f5fbf" },
        { type: "line" as const, label: `target ${pct(target)} %`, data: days.map(() => pct(target)), borderColor: "#d62728", pointRadius: 0, borderDash: [6, 4] },
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "% answered within the threshold" } } } },
  } as never);
}
