import type { Comparison } from "./compare.js";
import type { Metrics } from "./figures.js";
import { table } from "../common/table.js";

/** Home care's figures as terminal text: one schedule, and before against after. */

const fmt = (x: number | null, digits = 1) => (x === null ? "-" : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? "-" : `${Math.round(x * 100)} %`);

export function formatMetrics(m: Metrics): string {
  const lines = [
    `U21401 (mean distinct staff, 14 days):  ${fmt(m.u21401)}`,
    `U21402 (median):                        ${fmt(m.u21402)}`,
    `U21436 (share meeting more than 20):    ${m.u21436 === null ? "-" : `${m.u21436.toFixed(1)} %`}`,
    `clients counted (Kolada rule):          ${m.counted}${m.assumedAge ? ` (${m.assumedAge} without birth year, assumed 65+)` : ""}`,
    `occurrences:                            ${m.occurrences} (${m.assigned} assigned, ${m.unassigned} unassigned)`,
    `travel minutes:                         ${m.travelMinutes}`,
    `visits by the kontaktperson:            ${pct(m.contactPersonShare)}`,
  ];
  if (!m.koladaComparable) lines.push(`note: the period has ${m.measuredDays} days; Kolada's measure is defined on 14, so these figures are not comparable with Kolada's`);
  return lines.join("\n");
}

export function formatComparison(c: Comparison, limit = Infinity): string {
  const rows = c.clients
    .filter((r) => r.counted || r.before || r.after)
    .slice(0, limit)
    .map((r) => [r.client + (r.counted ? "" : " *"), r.before, r.after, r.gain > 0 ? `+${r.gain}` : String(r.gain), pct(r.contactBefore), pct(r.contactAfter)]);
  const totals = table(
    ["", "before", "after"],
    [
      ["U21401 (mean)", fmt(c.before.u21401), fmt(c.after.u21401)],
      ["U21402 (median)", fmt(c.before.u21402), fmt(c.after.u21402)],
      ["U21436 (% > 20)", fmt(c.before.u21436), fmt(c.after.u21436)],
      ["clients counted", c.before.counted, c.after.counted],
      ["unassigned", c.before.unassigned, c.after.unassigned],
      ["travel minutes", c.before.travelMinutes, c.after.travelMinutes],
      ["by kontaktperson", pct(c.before.contactPersonShare), pct(c.after.contactPersonShare)],
    ],
  );
  return [
    table(["client", "staff before", "staff after", "gain", "kontakt before", "kontakt after"], rows),
    "(* not counted by Kolada's rule; staff = distinct caregivers on care visits 07:00-22:00)",
    "",
    totals,
  ].join("\n");
}
