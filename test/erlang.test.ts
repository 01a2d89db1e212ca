import { describe, expect, it } from "vitest";
import { erlangAPerformance, erlangB, erlangC, erlangCPerformance, offeredLoad, queuePerformance, requiredNurses, type QueueInput } from "../src/calls/erlang.js";
import { seededRandom } from "../src/common/random.js";

const q = (over: Partial<QueueInput> = {}): QueueInput => ({ offered: 100, handleTimeSeconds: 180, intervalSeconds: 1800, thresholdSeconds: 20, ...over });

describe("Erlang B and C", () => {
  it("match the textbook tables: B(10 lines, 10 Erlang) = 0.2146, C(11 agents, 10 Erlang) = 0.6821", () => {
    expect(erlangB(10, 10)).toBeCloseTo(0.2146, 4);
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 10);
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 10); // M/M/2 at ρ = 0.5: P(wait) = ρ²·2/(1+ρ) = 1/3
  });

  it("gives the service level 1 − C·e^{−(N−A)T/AHT} and the mean wait C·AHT/(N−A)", () => {
    const input = q(); // 100 calls / 30 min × 180 s = 10 Erlang
    expect(offeredLoad(input)).toBeCloseTo(10, 10);
    const p = erlangCPerformance(11, input);
    expect(p.serviceLevel).toBeCloseTo(1 - 0.68209 * Math.exp(-20 / 180), 4);
    expect(p.averageWaitSeconds).toBeCloseTo(0.68209 * 180, 1);
    expect(erlangCPerformance(10, input).serviceLevel).toBe(0); // N ≤ A: the queue never empties
    expect(erlangCPerformance(10, input).averageWaitSeconds).toBeNull();
    expect(erlangCPerformance(0, q({ offered: 0 })).serviceLevel).toBe(1);
  });

  it("stays finite and monotone for loads of several hundred Erlangs", () => {
    const big = q({ offered: 4000, intervalSeconds: 1800 }); // 400 Erlang
    let previous = 0;
    for (let n = 401; n <= 460; n++) {
      const sl = erlangCPerformance(n, big).serviceLevel;
      expect(Number.isFinite(sl)).toBe(true);
      expect(sl).toBeGreaterThanOrEqual(previous);
      previous = sl;
    }
    const need = requiredNurses(big, 0.8);
    expect(need).toBeGreaterThan(400);
    expect(need).toBeLessThan(440);
    expect(erlangCPerformance(need, big).serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangCPerformance(need - 1, big).serviceLevel).toBeLessThan(0.8);
  });

  it("required is the fewest nurses meeting the service level and the mean-wait cap", () => {
    const input = q();
    const n = requiredNurses(input, 0.8);
    expect(queuePerformance(n, input).serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(queuePerformance(n - 1, input).serviceLevel).toBeLessThan(0.8);
    const withWait = requiredNurses(input, 0.5, 5);
    expect(queuePerformance(withWait, input).averageWaitSeconds!).toBeLessThanOrEqual(5);
    expect(queuePerformance(withWait - 1, input).averageWaitSeconds ?? Infinity).toBeGreaterThan(5);
    expect(requiredNurses(q({ offered: 0 }), 0.8)).toBe(0);
  });
});

/** M/M/N+M, first come first served, simulated: the offered wait of each caller is when a server frees up. */
function simulate(n: number, input: QueueInput, calls: number, seed: number) {
  const random = seededRandom(seed);
  const exp = (mean: number) => -mean * Math.log(1 - random());
  const free = new Array<number>(n).fill(0);
  let t = 0;
  let within = 0;
  let abandoned = 0;
  for (let k = 0; k < calls; k++) {
    t += exp(input.intervalSeconds / input.offered);
    let s = 0;
    for (let j = 1; j < n; j++) if (free[j]! < free[s]!) s = j;
    const wait = Math.max(0, free[s]! - t);
    if (wait > exp(input.patienceSeconds!)) {
      abandoned++;
      continue;
    }
    if (wait <= input.thresholdSeconds) within++;
    free[s] = t + wait + exp(input.handleTimeSeconds);
  }
  return { serviceLevel: within / calls, abandonedShare: abandoned / calls };
}

describe("Erlang A (M/M/N+M)", () => {
  it("tends to Erlang C as patience grows", () => {
    for (const n of [11, 12, 14]) {
      const c = erlangCPerformance(n, q());
      const a = erlangAPerformance(n, q({ patienceSeconds: 1e10 }));
      expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 5);
      expect(a.averageWaitSeconds!).toBeCloseTo(c.averageWaitSeconds!, 2);
    }
  });

  it("abandons θ·E[queue]/λ of the calls (Little's law on the queue), computed here from the chain itself", () => {
    const input = q({ patienceSeconds: 120 });
    const n = 9; // overloaded: 10 Erlang on 9 nurses still has a steady state with abandonment
    const lambda = input.offered / input.intervalSeconds;
    const mu = 1 / input.handleTimeSeconds;
    const theta = 1 / input.patienceSeconds!;
    const weights: number[] = [1];
    for (let s = 1; s < 400; s++) weights.push((weights[s - 1]! * lambda) / (Math.min(s, n) * mu + Math.max(0, s - n) * theta));
    const z = weights.reduce((a, b) => a + b, 0);
    const queue = weights.reduce((sum, w, s) => sum + (w / z) * Math.max(0, s - n), 0);
    expect(erlangAPerformance(n, input).abandonedShare).toBeCloseTo((theta * queue) / lambda, 6);
  });

  it("agrees with a simulation of 400,000 callers", () => {
    const input: QueueInput = { offered: 120, handleTimeSeconds: 240, intervalSeconds: 1800, thresholdSeconds: 60, patienceSeconds: 180 };
    for (const n of [14, 16, 18]) {
      const exact = erlangAPerformance(n, input);
      const sim = simulate(n, input, 400_000, n);
      expect(Math.abs(exact.serviceLevel - sim.serviceLevel)).toBeLessThan(0.006);
      expect(Math.abs(exact.abandonedShare - sim.abandonedShare)).toBeLessThan(0.004);
    }
  });

  it("is stable at several hundred Erlangs and counts abandoned calls as not answered in time", () => {
    const big = q({ offered: 4000, patienceSeconds: 300 });
    const p = erlangAPerformance(380, big); // understaffed: service level stays above 0, abandonment absorbs the excess
    expect(p.serviceLevel).toBeGreaterThan(0);
    expect(p.serviceLevel).toBeLessThan(1 - p.abandonedShare + 1e-12);
    expect(p.abandonedShare).toBeGreaterThan(0.04);
    expect(erlangAPerformance(0, big).serviceLevel).toBe(0);
  });
});
