/**
 * Queueing models for a telephone-nursing interval.
 *
 * Erlang C (M/M/N): service level 1 − C(N, A)·exp(−(N − A)·T/AHT), offered load A = λ·AHT; C comes
 * from the Erlang B recursion B(n) = A·B(n−1) / (n + A·B(n−1)), which stays stable for loads of
 * hundreds of Erlangs where A^N/N! would overflow.
 *
 * Erlang A (M/M/N+M, Palm's model with exponential patience, mean 1/θ): the stationary distribution of
 * the birth-death chain (birth λ; death min(n, N)·μ + max(n − N, 0)·θ), computed in log space. An
 * arriving caller (PASTA) who finds k others waiting is answered when the k + 1 "advance" events
 * happen before their own patience runs out. With j callers ahead the queue advances at rate
 * Nμ + jθ, so, by tilting with e^{−θV},
 *   P(answered within T | k) = Nμ / (Nμ + (k+1)θ) · P(Σ_{i=1}^{k+1} Exp(Nμ + iθ) ≤ T),
 *   E[wait · 1{answered} | k] = Nμ / (Nμ + (k+1)θ) · Σ_{i=1}^{k+1} 1 / (Nμ + iθ),
 * and the hypoexponential probability is an incomplete beta function (see hypoexponentialCdf).
 */

export interface QueueInput {
  /** calls offered in the interval */
  offered: number;
  handleTimeSeconds: number;
  intervalSeconds: number;
  thresholdSeconds: number;
  /** mean patience; absent = callers wait as long as it takes (Erlang C) */
  patienceSeconds?: number | null;
}

export interface QueuePerformance {
  /** share of offered calls answered within the threshold */
  serviceLevel: number;
  /** mean wait of answered calls; null when the queue is unstable (Erlang C with N ≤ A) */
  averageWaitSeconds: number | null;
  /** share of offered calls that hang up before an answer (0 under Erlang C) */
  abandonedShare: number;
}

export const offeredLoad = (q: QueueInput): number => (q.offered * q.handleTimeSeconds) / q.intervalSeconds;

/** Erlang B blocking probability of n servers at load a (recursion; exact for any size). */
export function erlangB(n: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability that a caller waits, n servers at load a < n (1 when a ≥ n). */
export function erlangC(n: number, a: number): number {
  if (a <= 0) return 0;
  if (n <= a) return 1;
  const b = erlangB(n, a);
  return (n * b) / (n - a * (1 - b));
}

export function erlangCPerformance(n: number, q: QueueInput): QueuePerformance {
  if (q.offered <= 0) return { serviceLevel: 1, averageWaitSeconds: 0, abandonedShare: 0 };
  const a = offeredLoad(q);
  if (n <= a) return { serviceLevel: 0, averageWaitSeconds: null, abandonedShare: 0 };
  const c = erlangC(n, a);
  return {
    serviceLevel: Math.max(0, 1 - c * Math.exp((-(n - a) * q.thresholdSeconds) / q.handleTimeSeconds)),
    averageWaitSeconds: (c * q.handleTimeSeconds) / (n - a),
    abandonedShare: 0,
  };
}

const logSumExp = (xs: number[]): number => {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  let s = 0;
  for (const x of xs) s += Math.exp(x - max);
  return max + Math.log(s);
};

/** log Γ(x + 1) for integers by summation (cached). */
const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials.push(logFactorials[k - 1]! + Math.log(k));
  return logFactorials[n]!;
}

export function erlangAPerformance(n: number, q: QueueInput): QueuePerformance {
  if (q.offered <= 0) return { serviceLevel: 1, averageWaitSeconds: 0, abandonedShare: 0 };
  const patience = q.patienceSeconds!;
  const lambda = q.offered / q.intervalSeconds;
  const mu = 1 / q.handleTimeSeconds;
  const theta = 1 / patience;
  const a = lambda / mu;
  const T = q.thresholdSeconds;
  if (n === 0) return { serviceLevel: 0, averageWaitSeconds: null, abandonedShare: 1 };

  // stationary distribution in log space: states 0..n-1 (someone idle), then n + k (k waiting)
  const logA = Math.log(a);
  const logP: number[] = [];
  for (let s = 0; s <= n; s++) logP.push(s * logA - logFactorial(s));
  const nmu = n * mu;
  let logQ = logP[n]!;
  let maxLog = Math.max(...logP);
  const queue: number[] = [logQ]; // queue[k] = log weight of state n + k
  for (let k = 1; k < 1_000_000; k++) {
    logQ += Math.log(lambda) - Math.log(nmu + k * theta);
    queue.push(logQ);
    maxLog = Math.max(maxLog, logQ);
    // past the mode the weights fall geometrically or faster; stop when negligible
    if (lambda < nmu + k * theta && logQ < maxLog - 40) break;
  }
  const logZ = logSumExp([...logP.slice(0, n), ...queue]);
  const idleShare = logP.slice(0, n).reduce((s, x) => s + Math.exp(x - logZ), 0);

  // F[m] = P(Σ_{i=1}^{m} Exp(nμ + iθ) ≤ T), m = 1..K, by uniformization of the pure-death chain
  const K = queue.length;
  const within = hypoexponentialCdf(nmu, theta, K + 1, T);

  let answeredWithin = idleShare;
  let answered = idleShare;
  let waitAnswered = 0;
  let harmonic = 0; // Σ_{i=1}^{k+1} 1/(nμ + iθ)
  for (let k = 0; k < K; k++) {
    const p = Math.exp(queue[k]! - logZ);
    const pAnswer = nmu / (nmu + (k + 1) * theta);
    harmonic += 1 / (nmu + (k + 1) * theta);
    answered += p * pAnswer;
    answeredWithin += p * pAnswer * within[k + 1]!;
    waitAnswered += p * pAnswer * harmonic;
  }
  return {
    serviceLevel: Math.min(1, Math.max(0, answeredWithin)),
    averageWaitSeconds: answered > 0 ? waitAnswered / answered : null,
    abandonedShare: Math.min(1, Math.max(0, 1 - answered)),
  };
}

/**
 * P(Σ_{i=1}^{m} Exp(base + iθ) ≤ t) for m = 0..maxM (index m). The sum is distributed as
 * −ln(1 − Y)/θ with Y ~ Beta(m, base/θ + 1) (its Laplace transform is Π (base + iθ)/(base + iθ + s)),
 * so the probability is the regularized incomplete beta I_p(m, b), p = 1 − e^{−θt}, taken for every m
 * by the recurrence I_p(m+1, b) = I_p(m, b) − Γ(m+b)/(Γ(m+1)Γ(b))·p^m·(1−p)^b, in log space.
 */
function hypoexponentialCdf(base: number, theta: number, maxM: number, t: number): number[] {
  const b = base / theta + 1;
  const logP = Math.log(-Math.expm1(-theta * t));
  const log1mP = -theta * t;
  const F = [1, -Math.expm1(b * log1mP)];
  let logTerm = Math.log(b) + logP + b * log1mP;
  for (let m = 1; m < maxM; m++) {
    F.push(Math.max(0, F[m]! - Math.exp(logTerm)));
    logTerm += Math.log((m + b) / (m + 1)) + logP;
  }
  return F;
}

export function queuePerformance(n: number, q: QueueInput): QueuePerformance {
  return q.patienceSeconds ? erlangAPerformance(n, q) : erlangCPerformance(n, q);
}

/** The fewest nurses meeting the service level (and the mean-wait cap, when given). */
export function requiredNurses(q: QueueInput, serviceLevel: number, maxAverageWaitSeconds: number | null = null): number {
  if (q.offered <= 0) return 0;
  const ok = (n: number) => {
    const p = queuePerformance(n, q);
    return p.serviceLevel >= serviceLevel && (maxAverageWaitSeconds === null || (p.averageWaitSeconds !== null && p.averageWaitSeconds <= maxAverageWaitSeconds));
  };
  let hi = Math.max(1, Math.ceil(offeredLoad(q)) + 1);
  while (!ok(hi)) hi *= 2;
  let lo = q.patienceSeconds ? 0 : Math.floor(offeredLoad(q)); // Erlang C never meets a target with n ≤ A
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return ok(lo) ? lo : hi;
}
