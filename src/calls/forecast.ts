import type { CallInterval, CallRow, CallsProblem, Demand } from "./model.js";
import { InputError } from "../common/errors.js";
import { absToIso } from "../common/time.js";

/**
 * Call forecast from history: a seasonal mean with a linear weekly trend.
 *
 *   offered(week w, weekday d, slot s) = level(w) · season(d, s)
 *
 * level(w) is the mean calls per interval of week w, fitted as a straight line over the complete
 * weeks of history (least squares; one week or none = flat); season(d, s) is the mean over the weeks
 * of offered / level(week) for that weekday and wall-clock slot. A slot never seen (a gap, or the
 * repeated hour) falls back to the same slot on any weekday, then to 1. Handle time is the
 * call-weighted mean for the weekday and slot, falling back the same way. Missing history is
 * missing, not zero: it is left out of every mean and reported as a gap.
 */

export interface ForecastPoint {
  weekday: number;
  slot: number;
  dayNumber: number;
}

export interface ForecastModel {
  predict(p: ForecastPoint): { offered: number; handleTimeSeconds: number | null };
}

/** Monday-based week number of a day number (days since 1970-01-01, a Thursday). */
const weekOf = (dayNumber: number) => Math.floor((dayNumber + 3) / 7);

export function fitForecast(history: readonly CallRow[], intervalsPerWeek: number): ForecastModel {
  const weeks = new Map<number, { calls: number; count: number }>();
  for (const r of history) {
    const w = weekOf(r.dayNumber);
    const acc = weeks.get(w) ?? { calls: 0, count: 0 };
    acc.calls += r.offered;
    acc.count += 1;
    weeks.set(w, acc);
  }
  const meanOf = (w: { calls: number; count: number }) => w.calls / Math.max(1, w.count);
  // a week with under 95 % of its intervals says little about the level: leave it out of the trend
  const complete = [...weeks].filter(([, w]) => w.count >= 0.95 * intervalsPerWeek);
  const fitted = complete.length ? complete : [...weeks];
  const xs = fitted.map(([w]) => w);
  const ys = fitted.map(([, w]) => meanOf(w));
  const xMean = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const yMean = ys.reduce((s, y) => s + y, 0) / Math.max(1, ys.length);
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - xMean) * (ys[i]! - yMean);
    sxx += (x - xMean) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  const level = (w: number) => Math.max(0, yMean + slope * (w - xMean));
  // the level of a week in history is its own mean: seasonality is measured against it
  const observedLevel = (w: number) => meanOf(weeks.get(w)!);

  const season = new Map<string, { ratio: number; n: number; calls: number; handle: number }>();
  const slotOnly = new Map<number, { ratio: number; n: number; calls: number; handle: number }>();
  const add = <K>(map: Map<K, { ratio: number; n: number; calls: number; handle: number }>, key: K, r: CallRow, ratio: number) => {
    const acc = map.get(key) ?? { ratio: 0, n: 0, calls: 0, handle: 0 };
    acc.ratio += ratio;
    acc.n += 1;
    if (r.handleTimeSeconds !== null) {
      acc.calls += r.offered;
      acc.handle += r.offered * r.handleTimeSeconds;
    }
    map.set(key, acc);
  };
  for (const r of history) {
    const l = observedLevel(weekOf(r.dayNumber));
    const ratio = l > 0 ? r.offered / l : 0;
    add(season, `${r.weekday}:${r.slot}`, r, ratio);
    add(slotOnly, r.slot, r, ratio);
  }
  return {
    predict(p) {
      const own = season.get(`${p.weekday}:${p.slot}`);
      const any = slotOnly.get(p.slot);
      const s = own ?? any;
      const factor = s ? s.ratio / s.n : 1;
      const handleFrom = [own, any].find((a) => a && a.calls > 0);
      return {
        offered: level(weekOf(p.dayNumber)) * factor,
        handleTimeSeconds: handleFrom ? handleFrom.handle / handleFrom.calls : null,
      };
    },
  };
}

/** Gaps in history: runs of intervals between its first and last row with no row. */
export function historyGaps(history: readonly CallRow[], intervalMinutes: number): { from: number; to: number; intervals: number }[] {
  const gaps: { from: number; to: number; intervals: number }[] = [];
  for (let i = 1; i < history.length; i++) {
    const prev = history[i - 1]!.start;
    const cur = history[i]!.start;
    if (cur - prev > intervalMinutes) gaps.push({ from: prev + intervalMinutes, to: cur, intervals: (cur - prev) / intervalMinutes - 1 });
  }
  return gaps;
}

export interface Backtest {
  /** weighted absolute percentage error over the held-out week: Σ|actual − forecast| / Σ actual */
  wape: number;
  /** the same for the naive forecast "same interval one week earlier", for comparison */
  naiveWape: number | null;
  heldOutIntervals: number;
  trainedIntervals: number;
  from: number;
  to: number;
}

/** Holds out the last 7 days of history, fits on the rest, and scores the forecast of the held-out days. */
export function backtest(history: readonly CallRow[], intervalsPerWeek: number): Backtest | null {
  if (!history.length) return null;
  const lastDay = history[history.length - 1]!.dayNumber;
  const cut = lastDay - 6;
  const train = history.filter((r) => r.dayNumber < cut);
  const test = history.filter((r) => r.dayNumber >= cut);
  if (!train.length || !test.length) return null;
  const model = fitForecast(train, intervalsPerWeek);
  const byLabel = new Map(train.map((r) => [`${r.dayNumber}:${r.slot}`, r.offered]));
  let actual = 0;
  let error = 0;
  let naiveError = 0;
  let naiveActual = 0;
  for (const r of test) {
    actual += r.offered;
    error += Math.abs(r.offered - model.predict(r).offered);
    const naive = byLabel.get(`${r.dayNumber - 7}:${r.slot}`);
    if (naive !== undefined) {
      naiveActual += r.offered;
      naiveError += Math.abs(r.offered - naive);
    }
  }
  return {
    wape: actual > 0 ? error / actual : 0,
    naiveWape: naiveActual > 0 ? naiveError / naiveActual : null,
    heldOutIntervals: test.length,
    trainedIntervals: train.length,
    from: test[0]!.start,
    to: test[test.length - 1]!.start,
  };
}

/** Forecast for the period's intervals. */
export function forecastIntervals(model: ForecastModel, intervals: readonly CallInterval[], dayNumberOf: (dayIndex: number) => number) {
  return intervals.map((iv) => model.predict({ weekday: iv.weekday, slot: iv.slot, dayNumber: dayNumberOf(iv.dayIndex) }));
}

/**
 * Calls offered and handle time for every interval of the period: the forecast rows where given
 * ("the forecast wins"), the history forecast elsewhere. Without history, a forecast must cover
 * every interval. Gaps in history are reported.
 */
export function callDemand(problem: CallsProblem): Demand {
  const n = problem.intervals.length;
  const offered: (number | null)[] = new Array(n).fill(null);
  const handle: (number | null)[] = new Array(n).fill(null);
  for (const row of problem.forecast ?? []) {
    const i = (row.start - problem.start) / problem.intervalMinutes;
    offered[i] = row.offered;
    handle[i] = row.handleTimeSeconds;
  }
  const warnings: string[] = [];
  const missing = offered.reduce<number>((s, o) => s + (o === null ? 1 : 0), 0);
  let usedHistory = false;
  if (missing && problem.history?.length) {
    usedHistory = true;
    const intervalsPerWeek = (7 * 1440) / problem.intervalMinutes;
    for (const gap of historyGaps(problem.history, problem.intervalMinutes))
      warnings.push(`history has no rows for ${absToIso(gap.from, problem.zone)} to ${absToIso(gap.to, problem.zone)} (${gap.intervals} intervals): left out of the forecast, not taken as zero calls`);
    const model = fitForecast(problem.history, intervalsPerWeek);
    const predicted = forecastIntervals(model, problem.intervals, (d) => Date.parse(`${problem.days[d]!.date}T00:00:00Z`) / 86_400_000);
    predicted.forEach((p, i) => {
      if (offered[i] === null) {
        offered[i] = p.offered;
        handle[i] = p.handleTimeSeconds;
      }
    });
  } else if (missing) {
    const first = offered.findIndex((o) => o === null);
    throw new InputError([{ path: "forecast", message: `has no row for ${missing} interval(s) of the period, the first at ${absToIso(problem.intervals[first]!.start, problem.zone)}, and there is no history to fill them` }]);
  }
  return {
    offered: offered.map((o) => o ?? 0),
    handleTimeSeconds: handle.map((h) => h ?? problem.defaultHandleTimeSeconds),
    source: problem.forecast?.length ? (usedHistory ? "forecast+history" : "forecast") : "history",
    warnings,
  };
}
