/**
 * The pieces of simulated annealing both searches use (home care's large-neighbourhood search and
 * 1177's roster search). Both cool by move count, not by the clock, so a seed gives the same path
 * on every machine unless the time wall stops it first.
 */

/** Geometric cooling: the temperature after k of `moves` moves, from `start` down to `end`. */
export const cooling =
  (start: number, end: number, moves: number) =>
  (k: number): number =>
    start * Math.pow(end / start, k / moves);

/** Metropolis acceptance: a move that makes the objective `worse` (≥ 0) is kept with probability exp(−worse / T). */
export const keepsWorse = (worse: number, temperature: number, random: () => number): boolean => random() < Math.exp(-worse / temperature);

/**
 * Metropolis acceptance drawn before the move: keepsWorse's test as a ceiling on the cost
 * (u < exp(−worse / T) ⟺ worse < −T ln u). A state is kept when its cost is below the ceiling, so
 * a move whose cost can no longer get below it may stop early (home care's Moves.ceiling).
 */
export const acceptanceCeiling = (current: number, temperature: number, random: () => number): number => current - temperature * Math.log(random());

/** The best state seen, by a cost to minimize: a snapshot is taken only when the cost beats the best by more than `margin`. */
export class BestSeen<S> {
  constructor(
    public cost: number,
    public state: S,
  ) {}

  /** Offers the current cost; takes a snapshot (and returns true) when it is a new best. */
  offer(cost: number, take: () => S, margin = 0): boolean {
    if (!(cost < this.cost - margin)) return false;
    this.cost = cost;
    this.state = take();
    return true;
  }
}

/** The time limit as a wall: reading the clock on every move would cost more than some moves, so it is read every `every` moves. */
export class Wall {
  private readonly end: number;

  constructor(
    started: number,
    limitMs: number,
    private readonly every: number,
  ) {
    this.end = started + limitMs;
  }

  /** Whether the limit has passed, read only when `move` is a multiple of `every` (else false). */
  passed(move: number): boolean {
    return move % this.every === 0 && Date.now() >= this.end;
  }
}

/** `result`, or null when it has not settled within `waitMs`: a wait that never holds its caller past a wall. */
export async function within<T>(result: Promise<T>, waitMs: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, waitMs))));
  try {
    return await Promise.race([result, late]);
  } finally {
    clearTimeout(timer);
  }
}
