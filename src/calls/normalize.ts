import { IssueCollector } from "../common/errors.js";
import { LOCAL_DATE_TIME, type CallRowInput, type CallsInput } from "./schema.js";
import { absToWall, addDays, buildLocalDays, clockToMinute, daysBetween, wallToAbs, weekdayOf, type LocalDay } from "../common/time.js";
import type { CallRow, CallsProblem, Nurse, Template } from "./model.js";

/** A row of history or forecast before it is placed in time (from JSON or the telephony CSV). */
export interface RawCallRow extends CallRowInput {
  path: string;
}

export interface CallsSources {
  /** rows from `--history FILE.csv` / `--forecast FILE.csv` (they may not also be in the JSON) */
  history?: RawCallRow[];
  forecast?: RawCallRow[];
  /** `validate-staffing` needs no call load */
  loadRequired?: boolean;
}

/**
 * Parsed calls input -> normalized problem. Checks what a schema cannot: duplicate ids, unknown
 * references, roster dates outside the period, times that do not exist, rows off the interval grid.
 * Throws one InputError with every problem found.
 */
export function normalizeCalls(input: CallsInput, sources: CallsSources = {}, source?: string): CallsProblem {
  const issues = new IssueCollector();
  const zone = input.timezone;
  const periodDays = input.period.days;
  const days = buildLocalDays(zone, input.period.start, periodDays + 1);
  const start = days[0]!.start;
  const end = days[periodDays]!.start;
  const step = input.intervalMinutes;

  const templateIndex = new Map<string, number>();
  const templates: Template[] = input.shiftTemplates.map((t, i) => {
    if (templateIndex.has(t.id)) issues.add(`shiftTemplates[${i}].id`, `duplicate template id "${t.id}"`);
    else templateIndex.set(t.id, i);
    return {
      index: i,
      id: t.id,
      startMinute: clockToMinute(t.start),
      lengthMinutes: t.lengthMinutes,
      breakMinutes: t.breakMinutes ?? 0,
      breakEarliest: t.breakMinutes ? clockToMinute(t.breakEarliest!) : null,
      breakLatest: t.breakMinutes ? clockToMinute(t.breakLatest!) : null,
    };
  });
  const nurseIndex = new Map<string, number>();
  const nurses: Nurse[] = input.nurses.map((n, i) => {
    if (nurseIndex.has(n.id)) issues.add(`nurses[${i}].id`, `duplicate nurse id "${n.id}"`);
    else nurseIndex.set(n.id, i);
    const own = n.templates?.map((id, j) => {
      const t = templateIndex.get(id);
      if (t === undefined) issues.add(`nurses[${i}].templates[${j}]`, `unknown template "${id}"`);
      return t;
    });
    return {
      index: i,
      id: n.id,
      contractMinutes: n.contractMinutes,
      templates: own ? new Set(own.filter((t): t is number => t !== undefined)) : null,
      unavailable: new Set(n.unavailable ?? []),
      maxShifts: n.maxShifts ?? null,
    };
  });

  const intervals: CallsProblem["intervals"] = [];
  days.slice(0, periodDays).forEach((day, dayIndex) => {
    for (let t = day.start; t < day.end; t += step) {
      const wall = absToWall(day, t);
      intervals.push({ index: intervals.length, start: t, dayIndex, weekday: day.weekday, slot: Math.floor(wall / step) });
    }
  });

  const placer = new RowPlacer(zone, step, start, issues);
  const rowsOf = (name: "forecast" | "history", fromFile: RawCallRow[] | undefined): CallRow[] | null => {
    const inJson = input[name];
    if (inJson && fromFile) issues.add(name, `${name} is given both in the JSON and as a CSV file; give it once`);
    const raw = fromFile ?? inJson?.map((r, i) => ({ ...r, path: `${name}[${i}]` }));
    return raw ? placer.place(raw, name) : null;
  };
  const forecast = rowsOf("forecast", sources.forecast);
  const history = rowsOf("history", sources.history);
  if (sources.loadRequired !== false && !forecast && !history)
    issues.add("forecast", "give the call load: forecast or history (in the JSON, or with --forecast / --history)");
  for (const row of forecast ?? [])
    if (row.start < start || row.start >= end) issues.add(`${row.path}.start`, "lies outside the period");
  for (const row of history ?? [])
    if (row.start >= end) issues.add(`${row.path}.start`, "history must lie before the end of the period");

  const today = input.roster?.map((r, i) => {
    const path = `roster[${i}]`;
    const nurse = nurseIndex.get(r.nurse);
    const template = templateIndex.get(r.template);
    const dayIndex = daysBetween(input.period.start, r.date);
    if (nurse === undefined) issues.add(`${path}.nurse`, `unknown nurse "${r.nurse}"`);
    if (template === undefined) issues.add(`${path}.template`, `unknown template "${r.template}"`);
    if (dayIndex < 0 || dayIndex >= periodDays) issues.add(`${path}.date`, `${r.date} lies outside the period`);
    else if (template !== undefined && wallToAbs(days[dayIndex]!, templates[template]!.startMinute) === null)
      issues.add(`${path}.date`, `template ${r.template} starts at a local time that does not exist on ${r.date} (clocks go forward)`);
    return { nurse: nurse ?? 0, template: template ?? 0, dayIndex };
  });

  issues.throwIfAny(source);
  return {
    name: input.name,
    zone,
    days,
    periodDays,
    start,
    end,
    intervalMinutes: step,
    intervals,
    target: {
      thresholdSeconds: input.target.answeredWithinSeconds,
      serviceLevel: input.target.serviceLevel,
      maxAverageWaitSeconds: input.target.maxAverageWaitSeconds ?? null,
      patienceSeconds: input.target.patienceSeconds ?? null,
    },
    defaultHandleTimeSeconds: input.handleTimeSeconds,
    templates,
    nurses,
    rules: {
      dailyRestMinutes: Math.round(input.rules.minDailyRestHours * 60),
      weeklyRestMinutes: Math.round(input.rules.minWeeklyRestHours * 60),
    },
    weeks: calendarWeeks(zone, input.period.start, periodDays),
    forecast,
    history,
    today: today ?? null,
  };
}

/** Monday 00:00 to Monday 00:00, local, for every week the period touches. */
function calendarWeeks(zone: string, firstDate: string, count: number): { start: number; end: number }[] {
  const monday = addDays(firstDate, 1 - weekdayOf(firstDate));
  const weeks = Math.ceil((daysBetween(monday, firstDate) + count) / 7);
  const mondays = Array.from({ length: weeks + 1 }, (_, i) => buildLocalDays(zone, addDays(monday, 7 * i), 1)[0]!.start);
  return mondays.slice(0, -1).map((s, i) => ({ start: s, end: mondays[i + 1]! }));
}

/**
 * Places local row times in absolute time, as calls.md decides: an explicit offset is exact; without
 * one, a repeated label on the day clocks go back is taken in order (first = summer time); a time that
 * does not exist is an error; so is a row off the interval grid or a second row for one interval.
 */
class RowPlacer {
  private readonly dayCache = new Map<string, LocalDay>();
  constructor(
    private readonly zone: string,
    private readonly step: number,
    private readonly origin: number,
    private readonly issues: IssueCollector,
  ) {}

  private day(date: string): LocalDay {
    let d = this.dayCache.get(date);
    if (!d) {
      d = buildLocalDays(this.zone, date, 1)[0]!;
      this.dayCache.set(date, d);
    }
    return d;
  }

  place(rows: RawCallRow[], name: string): CallRow[] {
    const seenLabels = new Map<string, number>();
    const seenStarts = new Map<number, string>();
    const placed: CallRow[] = [];
    for (const row of rows) {
      const m = LOCAL_DATE_TIME.exec(row.start);
      if (!m) {
        this.issues.add(`${row.path}.start`, "must be a local time YYYY-MM-DDTHH:MM, optionally with an offset");
        continue;
      }
      const [, date, clock, offset] = m as unknown as [string, string, string, string | undefined];
      const day = this.day(date);
      const wall = clockToMinute(clock);
      const first = wallToAbs(day, wall);
      if (first === null) {
        this.issues.add(`${row.path}.start`, `${date} ${clock} does not exist in ${this.zone} (clocks go forward)`);
        continue;
      }
      const t = day.transition;
      const repeated = t && t.delta < 0 && wall >= t.wall + t.delta && wall < t.wall ? first - t.delta : null;
      let abs: number;
      if (offset !== undefined) {
        const offsetMinutes = offset === "Z" ? 0 : (offset[0] === "-" ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
        const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
        abs = Date.UTC(y, mo - 1, d) / 60_000 + wall - offsetMinutes;
        if (abs !== first && abs !== repeated) {
          this.issues.add(`${row.path}.start`, `the offset ${offset} is not ${this.zone}'s offset at ${date} ${clock}`);
          continue;
        }
      } else {
        const label = `${date}T${clock}`;
        const count = seenLabels.get(label) ?? 0;
        seenLabels.set(label, count + 1);
        abs = count === 1 && repeated !== null ? repeated : first;
      }
      if ((abs - this.origin) % this.step !== 0) {
        this.issues.add(`${row.path}.start`, `${clock} is not on the ${this.step}-minute interval grid`);
        continue;
      }
      const earlier = seenStarts.get(abs);
      if (earlier !== undefined) {
        this.issues.add(`${row.path}.start`, `a second ${name} row for ${row.start} (first at ${earlier})`);
        continue;
      }
      seenStarts.set(abs, row.path);
      placed.push({
        path: row.path,
        start: abs,
        offered: row.offered,
        handleTimeSeconds: row.handleTimeSeconds ?? null,
        dayNumber: Date.parse(`${date}T00:00:00Z`) / 86_400_000,
        weekday: day.weekday,
        slot: Math.floor(wall / this.step),
      });
    }
    return placed.sort((a, b) => a.start - b.start);
  }
}
