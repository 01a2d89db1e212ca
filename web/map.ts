import { PALETTE } from "./charts.js";
import type { RosterDoc, ScheduleFile } from "./types.js";

/**
 * A day on the map, drawn from the roster's coordinates alone (no tile server, so it works
 * offline): each client visited that day a dot, each caregiver's route that day a line in its
 * colour, in visit order. An equirectangular projection, which at a district's size (a few km)
 * is as good as any; the scale bar says how far a kilometre is.
 */
const SVG = "http://www.w3.org/2000/svg";
const W = 900;
const H = 640;
const MARGIN = 30;

export function drawMap(svg: SVGSVGElement, legend: HTMLElement, roster: RosterDoc, schedule: ScheduleFile, date: string): { caregivers: number; clients: number } {
  const where = new Map(roster.clients.map((c) => [c.id, c.location]));
  const all = roster.clients.map((c) => c.location);
  const meanLat = all.reduce((s, l) => s + l.lat, 0) / (all.length || 1);
  const kx = Math.cos((meanLat * Math.PI) / 180);
  const xs = all.map((l) => l.lon * kx);
  const ys = all.map((l) => l.lat);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((W - 2 * MARGIN) / (x1 - x0 || 1e-3), (H - 2 * MARGIN) / (y1 - y0 || 1e-3));
  const px = (l: { lat: number; lon: number }): [number, number] => [MARGIN + (l.lon * kx - x0) * scale, H - MARGIN - (l.lat - y0) * scale];

  const day = schedule.assignments.filter((a) => a.date === date).sort((a, b) => a.start.localeCompare(b.start));
  const caregivers = [...new Set(day.flatMap((a) => a.caregivers))].sort();
  const el = (name: string, attrs: Record<string, string | number>, title?: string) => {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (title) {
      const t = document.createElementNS(SVG, "title");
      t.textContent = title;
      e.append(t);
    }
    return e;
  };
  svg.replaceChildren();
  legend.replaceChildren();
  caregivers.forEach((cg, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    const stops = day.filter((a) => a.caregivers.includes(cg));
    const points = stops.map((a) => px(where.get(a.client)!).map((v) => v.toFixed(1)).join(",")).join(" ");
    svg.append(el("polyline", { points, fill: "none", stroke: colour, "stroke-width": 2, "stroke-opacity": 0.8, "data-caregiver": cg }, `${cg}: ${stops.map((a) => `${a.start.slice(11, 16)} ${a.client}`).join(" → ")}`));
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.style.background = colour;
    li.append(swatch, `${cg} (${stops.length} visits)`);
    legend.append(li);
  });
  const visited = [...new Set(day.map((a) => a.client))];
  for (const id of visited) {
    const [x, y] = px(where.get(id)!);
    const visits = day.filter((a) => a.client === id);
    svg.append(el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 4, fill: "#1d2433", "data-client": id }, `${id}: ${visits.map((a) => `${a.start.slice(11, 16)} ${a.visit} (${a.caregivers.join(" + ")})`).join(", ")}`));
  }
  // a kilometre: 1/111.32 degrees of latitude
  const km = scale / 111.32;
  const bar = Math.max(1, Math.round(150 / km));
  svg.append(el("line", { x1: MARGIN, y1: H - 10, x2: MARGIN + bar * km, y2: H - 10, stroke: "#1d2433", "stroke-width": 3 }));
  const label = el("text", { x: MARGIN + bar * km + 8, y: H - 6, "font-size": 12 });
  label.textContent = `${bar} km`;
  svg.append(label);
  svg.setAttribute("aria-label", `Map of ${date}: ${visited.length} clients visited, the routes of ${caregivers.length} caregivers`);
  return { caregivers: caregivers.length, clients: visited.length };
}
