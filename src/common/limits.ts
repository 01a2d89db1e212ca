/**
 * The ranges a real roster needs, enforced by the schemas (so nothing downstream can overflow or
 * run for minutes on an input no district has). Each with why it has its value; the README lists
 * them in the spec's terms. An input beyond a count limit is refused with the limit named.
 */
export const LIMITS = {
  /** dates: every period, shift, visit and history row lies in 2000-2100 (luxon and the Int32 minute tables are far from their ends) */
  firstDate: "2000-01-01",
  lastDate: "2100-12-31",
  /** names and ids: enough for any real name, short enough to echo in every run list */
  nameLength: 200,
  idLength: 64,
  /** home care: the largest district on the bench has 1,000 clients; a whole municipality is planned as several rosters */
  clients: 5_000,
  caregivers: 2_000,
  /** recurring visits a client has (a client with four visits a day and a few weekly ones has about ten) */
  visitsPerClient: 50,
  /** shifts of one caregiver in the period: three a day over 62 days at most */
  shiftsPerCaregiver: 186,
  /** visit occurrences a roster expands to (the 1,000-client bench district has about 50,000 in two weeks) */
  occurrences: 250_000,
  /** travel: walking (3 km/h) to motorway (200 km/h); a detour factor of 1 (a straight line) to 5; minMinutes up to two hours */
  speedKmh: { min: 1, max: 200 },
  detourFactor: { min: 1, max: 5 },
  minMinutes: { min: 0, max: 120 },
  /** minutes in 62 days: no caregiver or nurse can be meant to work more */
  periodMinutes: 62 * 24 * 60,
  /** 1177: nurses, templates and call rows of one region */
  nurses: 2_000,
  templates: 100,
  callRows: 500_000,
  /** calls offered in one interval, and any duration in seconds (a day) */
  callsPerInterval: 100_000,
  seconds: 86_400,
} as const;
