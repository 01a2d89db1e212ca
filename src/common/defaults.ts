/**
 * Every default a user meets, in one table, with why it has its value. The solvers, the CLI and the
 * API read these; the page sends nothing when its fields are empty, so the API's default applies.
 */
export const DEFAULTS = {
  /** the solvers' random seed: any whole number; the same seed (and worker count) gives the same result */
  seed: 1,
  homecare: {
    /**
     * Seconds for `schedule` and a home-care job. At 30 s the bundled 80-client district stopped at
     * 143,000 of its 300,000 moves (Intel Xeon, 2 cores); at 60 s it runs them all.
     */
    timeLimitSeconds: 60,
    /**
     * Search moves: the annealing cools over these, so a seed gives the same schedule on any
     * machine that finishes them within the time limit (else the clock cools it: search.ts). Four
     * thousand per client, at least 300,000: a large district needs moves in proportion (outside
     * district-1000, one search: 300,000 moves U21401 7.58, 700,000 moves 7.00, 1,000,000 moves
     * 6.75), and one of 80 clients runs its 300,000 in about 5 s on an Intel Xeon core. Three
     * thousand until the search got faster (2026-12-06); at four, two searches on two cores with
     * the bound beside them (U21401 / travel): district-103 (60 s) 6.69 / 36,903 → 6.56 / 37,545,
     * its 1,200,000 moves made in 59 s; district-101 and -102 (20 s) 7.82 / 13,204 → 7.88 /
     * 13,222 and 6.85 / 12,189 → 6.72 / 11,942; district-1000 is cooled by the clock at either
     * (2.9 million moves in 300 s: 5.86 / 109,479 against 5.87-5.92 / 108,222-110,720).
     */
    moves: 300_000,
    movesPerClient: 4_000,
  },
  calls: {
    /**
     * Seconds for `staff` and a 1177 job: the count model's safety net is a sixth of it (at most
     * 8 s), the assignments' three quarters (at most 45 s), the bound's a quarter (at most 15 s).
     */
    timeLimitSeconds: 60,
    /** Local-search moves after the assignment: cooled over these, like home care's. */
    moves: 300_000,
  },
} as const;
