import type { Metrics } from "./figures.js";

export interface ClientComparison {
  client: string;
  counted: boolean;
  before: number;
  after: number;
  /** fewer distinct staff after: positive is better */
  gain: number;
  contactBefore: number | null;
  contactAfter: number | null;
}

export interface Comparison {
  clients: ClientComparison[];
  before: Omit<Metrics, "clients">;
  after: Omit<Metrics, "clients">;
}

/** Per-client before/after continuity, largest gain first, with both schedules' totals. */
export function compareMetrics(before: Metrics, after: Metrics): Comparison {
  const afterByClient = new Map(after.clients.map((c) => [c.client, c]));
  const clients = before.clients
    .map((b) => {
      const a = afterByClient.get(b.client)!;
      return {
        client: b.client,
        counted: b.counted,
        before: b.distinctStaff,
        after: a.distinctStaff,
        gain: b.distinctStaff - a.distinctStaff,
        contactBefore: b.contactPersonShare,
        contactAfter: a.contactPersonShare,
      };
    })
    .sort((x, y) => y.gain - x.gain || Number(y.counted) - Number(x.counted) || x.client.localeCompare(y.client));
  const { clients: _b, ...beforeTotals } = before;
  const { clients: _a, ...afterTotals } = after;
  return { clients, before: beforeTotals, after: afterTotals };
}
