import type { CallsProblem } from "./model.js";
import { normalizeCalls } from "./normalize.js";
import { restKept } from "./rules.js";
import { placementTable, workable } from "./shifts.js";
import { toCsv } from "../common/csv.js";
import { pick, seededRandom, shuffle } from "../common/random.js";
import { callsInputSchema, type CallsInput } from "./schema.js";
import { absToWall, addDays, buildLocalDays, weekdayOf, type LocalDay } from "../common/time.js";

/**
 * A seeded 1177 region: calls around the clock (a Monday-morning peak, an evening peak, quiet
 * nights, busier weekends), several weeks of history with Poisson noise, a slow trend and one
 * telephony outage (a gap), nurses on contracts with some night-only and some day-only, and a
 * hand-made roster as a manager keeps it: the same rotation whatever the forecast says.
 */

export interface CallsFixtureOptions {
  seed: number;
  nurses?: number;
  start?: string;
  days?: number;
  historyWeeks?: number;
  intervalMinutes?: 15 | 30 | 60;
  patienceSeconds?: number | null;
  name?: string;
  /**
   * "region" (the default): five templates of 8 to 10 hours, load 85 % of the paid time; "lean":
   * six templates with a 4-hour morning and a 6-hour late shift, part-timers on short shifts only,
   * load 95 % of the paid time (a unit staffed to the bone). A second family, so that no setting is
   * chosen on one kind of region.
   */
  family?: "region" | "lean";
}

export interface CallsFixture {
  input: CallsInput;
  historyCsv: string;
  problem: CallsProblem;
}

// relative calls per hour of day (1177: morning peak, evening peak, quiet night)
const HOUR = [0.3, 0.22, 0.18, 0.16, 0.16, 0.22, 0.45, 1.0, 1.55, 1.5, 1.3, 1.2, 1.05, 1.0, 1.0, 1.0, 1.05, 1.15, 1.35, 1.4, 1.25, 0.95, 0.65, 0.42];
// Monday .. Sunday
const WEEKDAY = [1.2, 1.02, 0.97, 0.97, 1.0, 1.12, 1.18];

const TEMPLATES: CallsInput["shiftTemplates"] = [
  { id: "morgon", start: "06:45", lengthMinutes: 480, breakMinutes: 30, breakEarliest: "10:00", breakLatest: "12:00" },
  { id: "dag", start: "08:00", lengthMinutes: 510, breakMinutes: 30, breakEarliest: "11:00", breakLatest: "13:30" },
  { id: "mellan", start: "11:00", lengthMinutes: 510, breakMinutes: 30, breakEarliest: "14:00", breakLatest: "16:00" },
  { id: "kvall", start: "15:30", lengthMinutes: 510, breakMinutes: 30, breakEarliest: "17:00", breakLatest: "21:30" },
  { id: "natt", start: "21:30", lengthMinutes: 600 },
];

const LEAN_TEMPLATES: CallsInput["shiftTemplates"] = [
  { id: "tidig", start: "07:00", lengthMinutes: 240 },
  { id: "dag", start: "07:30", lengthMinutes: 510, breakMinutes: 30, breakEarliest: "10:30", breakLatest: "13:00" },
  { id: "mellan", start: "11:00", lengthMinutes: 510, breakMinutes: 30, breakEarliest: "13:30", breakLatest: "16:00" },
  { id: "kvall", start: "15:00", lengthMinutes: 480, breakMinutes: 30, breakEarliest: "17:00", breakLatest: "20:30" },
  { id: "sen", start: "18:00", lengthMinutes: 360 },
  { id: "natt", start: "22:00", lengthMinutes: 540 },
];

/** Expected calls in an interval starting at local `hour`:`minute` on a weekday, before scaling. */
function shape(weekday: number, hour: number): number {
  const mondayMorning = weekday === 1 && hour >= 7 && hour < 12 ? 1.25 : 1;
  return HOUR[hour]! * WEEKDAY[weekday - 1]! * mondayMorning;
}

function poisson(mean: number, random: () => number): number {
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random();
  } while (p > l);
  return k - 1;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function generateCallsFixture(options: CallsFixtureOptions): CallsFixture {
  const random = seededRandom(options.seed * 7919 + 17);
  const nurseCount = options.nurses ?? 60;
  const start = options.start ?? "2026-10-19";
  const days = options.days ?? 14;
  const step = options.intervalMinutes ?? 15;
  const weeks = options.historyWeeks ?? 8;
  const zone = "Europe/Stockholm";

  const lean = options.family === "lean";
  const nightNurses = Math.max(1, Math.round(nurseCount * 0.15));
  const nurses: CallsInput["nurses"] = Array.from({ length: nurseCount }, (_, k) => {
    const id = `n${String(k + 1).padStart(2, "0")}`;
    const night = k < nightNurses;
    const fraction = random() < 0.7 ? 1 : pick([0.75, 0.5], random);
    // contracts a whole number of shifts can meet: nights are 600 paid minutes (540 lean), days 450-480, lean part-timers 240 and 360
    const shortOnly = lean && !night && fraction < 1;
    const contractMinutes = night
      ? (lean ? 540 : 600) * Math.max(1, Math.round((7 * fraction * days) / 14))
      : shortOnly
        ? 300 * Math.max(1, Math.round((14 * fraction * days) / 14))
        : 480 * Math.max(1, Math.round((10 * fraction * days) / 14));
    const unavailable = shuffle(Array.from({ length: days }, (_, d) => addDays(start, d)), random).slice(0, Math.floor(random() * (1 + Math.floor(days / 7))));
    const templates = night
      ? ["natt"]
      : lean
        ? shortOnly
          ? ["tidig", "sen"]
          : random() < 0.4 ? ["tidig", "dag", "mellan"] : ["dag", "mellan", "kvall", "sen"]
        : random() < 0.3 ? ["morgon", "dag", "mellan"] : ["morgon", "dag", "mellan", "kvall"];
    return {
      id,
      contractMinutes,
      templates,
      ...(unavailable.length ? { unavailable: unavailable.sort() } : {}),
      // room for one shift more than the contract needs in the nurse's longest shifts
      ...(random() < 0.2 ? { maxShifts: Math.ceil(contractMinutes / (shortOnly ? 360 : 480)) + 1 } : {}),
    };
  });

  // scale calls so that the offered load is about 85 % of the paid nurse time: the target is reachable, not slack
  const totalContract = nurses.reduce((s, n) => s + n.contractMinutes, 0);
  const handle = 540;
  let shapeSum = 0;
  const periodDays = buildLocalDays(zone, start, days);
  for (const d of periodDays) for (let t = d.start; t < d.end; t += step) shapeSum += shape(d.weekday, hourAt(d, t));
  const loadMinutes = (lean ? 0.95 : 0.85) * totalContract;
  const scale = (loadMinutes * 60) / handle / shapeSum; // calls per unit of shape
  const trendPerWeek = 0.006;

  const historyStart = addDays(start, -7 * weeks);
  const historyDays = buildLocalDays(zone, historyStart, 7 * weeks);
  const outageDay = 7 * weeks - 10 - Math.floor(random() * 10);
  const rows: (string | number)[][] = [];
  historyDays.forEach((d, di) => {
    const weekFactor = 1 - trendPerWeek * (weeks - Math.floor(di / 7));
    for (let t = d.start; t < d.end; t += step) {
      const hour = hourAt(d, t);
      if (di === outageDay && hour >= 9 && hour < 11) continue; // the telephony export lost two hours
      const minute = (t - d.start) % 60;
      const mean = scale * shape(d.weekday, hour) * weekFactor;
      const aht = handle * (hour < 6 || hour >= 22 ? 1.12 : 1) * (0.95 + 0.1 * random());
      rows.push([`${d.date}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`, poisson(mean, random), Math.round(aht)]);
    }
  });

  const input: CallsInput = callsInputSchema.parse({
    name: options.name ?? `1177 Region Exempel v${isoWeek(start)}-${isoWeek(addDays(start, days - 1))}`,
    timezone: zone,
    period: { start, days },
    intervalMinutes: step,
    target: {
      answeredWithinSeconds: 480,
      serviceLevel: 0.75,
      ...(options.patienceSeconds === null ? {} : { patienceSeconds: options.patienceSeconds ?? 600 }),
    },
    handleTimeSeconds: handle,
    shiftTemplates: lean ? LEAN_TEMPLATES : TEMPLATES,
    nurses,
    rules: { minDailyRestHours: 11, minWeeklyRestHours: 36 },
  });
  const historyCsv = toCsv(["start", "offered", "handle_time_seconds"], rows);
  const bare = normalizeCalls(input, { loadRequired: false });
  input.roster = handmadeRoster(bare, random);
  return { input, historyCsv, problem: normalizeCalls(input, { loadRequired: false }) };
}

const hourAt = (d: LocalDay, abs: number) => Math.floor(absToWall(d, abs) / 60) % 24;

function isoWeek(date: string): number {
  const thursday = addDays(date, 4 - weekdayOf(date));
  const yearStart = `${thursday.slice(0, 4)}-01-01`;
  return Math.floor((Date.parse(thursday) - Date.parse(yearStart)) / 86_400_000 / 7) + 1;
}

/**
 * Today's roster as a manager keeps it: each nurse works a fixed rotation of their templates,
 * spread evenly over the period, up to their contract; no look at the forecast. It keeps every rule
 * but, in the lean family, some part-timers' contracts (a rotation of 4- and 6-hour shifts falls short).
 */
function handmadeRoster(problem: CallsProblem, random: () => number): NonNullable<CallsInput["roster"]> {
  const placements = placementTable(problem);
  const roster: NonNullable<CallsInput["roster"]> = [];
  for (const nurse of problem.nurses) {
    const own = nurse.templates ? [...nurse.templates] : problem.templates.map((t) => t.index);
    const shifts: { start: number; end: number; paid: number }[] = [];
    let paid = 0;
    let rotation = Math.floor(random() * own.length);
    const offset = Math.floor(random() * 2);
    const order = [...Array.from({ length: problem.periodDays }, (_, d) => d).filter((d) => d % 2 === offset), ...Array.from({ length: problem.periodDays }, (_, d) => d).filter((d) => d % 2 !== offset)];
    for (const d of order) {
      const date = problem.days[d]!.date;
      if (nurse.unavailable.has(date)) continue;
      if (nurse.maxShifts !== null && shifts.length >= nurse.maxShifts) break;
      // the rotation's next template, or the next one after it that the rest rules allow
      for (let k = 0; k < own.length; k++) {
        const t = own[(rotation + k) % own.length]!;
        const p = placements[d]![t] ?? null;
        if (!workable(p, problem) || paid + p.paidMinutes > nurse.contractMinutes * 1.05) continue;
        const next = [...shifts, { start: p.start, end: p.end, paid: p.paidMinutes }].sort((a, b) => a.start - b.start);
        if (!restKept(problem, next)) continue;
        shifts.splice(0, shifts.length, ...next);
        paid += p.paidMinutes;
        rotation += k + 1;
        roster.push({ nurse: nurse.id, date, template: problem.templates[t]!.id });
        break;
      }
    }
  }
  return roster.sort((a, b) => a.date.localeCompare(b.date) || a.nurse.localeCompare(b.nurse));
}
