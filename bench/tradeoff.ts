import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

/**
 * The planner's trade-off as a picture: per district, U21401 against travel minutes for a few travel
 * weights (schedule --travel-weight), with the simple peer's point and the hand-made schedule's.
 * Drawn as SVG, rendered to PNG by headless Chromium (Debian's package, as the browser tests use).
 */

export interface TradeoffSeries {
  district: string;
  points: { weight: number; u21401: number; travel: number }[];
  peer: { u21401: number; travel: number } | null;
  hand: { u21401: number; travel: number };
}

const W = 380;
const H = 300;
const PAD = { left: 52, right: 14, top: 30, bottom: 40 };

function panel(s: TradeoffSeries, x0: number): string {
  const all = [...s.points, ...(s.peer ? [s.peer] : []), s.hand];
  const tMax = Math.max(...all.map((p) => p.travel)) * 1.05;
  const uMin = Math.floor(Math.min(...all.map((p) => p.u21401)) - 0.5);
  const uMax = Math.ceil(Math.max(...all.map((p) => p.u21401)) + 0.5);
  const x = (t: number) => x0 + PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (u: number) => PAD.top + ((uMax - u) / (uMax - uMin)) * (H - PAD.top - PAD.bottom);
  const ticksT = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round((f * tMax) / 1000) * 1000);
  const ticksU = Array.from({ length: uMax - uMin + 1 }, (_, k) => uMin + k);
  const ours = [...s.points].sort((a, b) => a.weight - b.weight);
  return [
    `<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${s.district}</text>`,
    `<line x1="${x(0)}" y1="${y(uMin)}" x2="${x(tMax)}" y2="${y(uMin)}" stroke="#444"/><line x1="${x(0)}" y1="${y(uMin)}" x2="${x(0)}" y2="${y(uMax)}" stroke="#444"/>`,
    ...ticksT.map((t) => `<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${(t / 1000).toFixed(0)}k</text>`),
    ...ticksU.map((u) => `<text x="${x0 + PAD.left - 8}" y="${y(u) + 4}" text-anchor="end" font-size="11">${u}</text><line x1="${x(0)}" y1="${y(u)}" x2="${x(tMax)}" y2="${y(u)}" stroke="#eee"/>`),
    `<text x="${x0 + W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">travel minutes (two weeks)</text>`,
    `<text x="${x0 + 14}" y="${H / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 ${x0 + 14} ${H / 2})">U21401 (lower is better)</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${ours.map((p) => `${x(p.travel)},${y(p.u21401)}`).join(" ")}"/>`,
    ...ours.map((p) => `<circle cx="${x(p.travel)}" cy="${y(p.u21401)}" r="4" fill="#1f77b4"/><text x="${x(p.travel) + 6}" y="${y(p.u21401) - 6}" font-size="10" fill="#1f77b4">×${p.weight}</text>`),
    s.peer ? `<rect x="${x(s.peer.travel) - 5}" y="${y(s.peer.u21401) - 5}" width="10" height="10" fill="#d62728"/><text x="${x(s.peer.travel) + 8}" y="${y(s.peer.u21401) + 4}" font-size="10" fill="#d62728">peer</text>` : "",
    `<path d="M ${x(s.hand.travel)} ${y(s.hand.u21401) - 6} l 6 10 l -12 0 z" fill="#7f7f7f"/><text x="${x(s.hand.travel) - 8}" y="${y(s.hand.u21401) + 4}" text-anchor="end" font-size="10" fill="#555">hand-made</text>`,
  ].join("\n");
}

export function tradeoffSvg(series: readonly TradeoffSeries[], caption: string): string {
  const width = W * series.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 24}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${series.map((s, k) => panel(s, k * W)).join("\n")}
<text x="8" y="${H + 18}" font-size="11" fill="#333">${caption}</text>
</svg>`;
}

/** Writes the SVG and its PNG (rendered by Chromium at `chromiumPath`). */
export async function writeTradeoff(svg: string, pngPath: string, chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium"): Promise<void> {
  writeFileSync(pngPath.replace(/\.png$/, ".svg"), svg);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const page = await browser.newPage({ viewport: { width, height } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width, height } });
  } finally {
    await browser.close();
  }
}
