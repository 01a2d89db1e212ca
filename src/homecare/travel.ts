import type { Client, TravelSettings } from "./model.js";

const EARTH_RADIUS_KM = 6371.0088; // mean Earth radius (IUGG)

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Spec rule 4: haversine × detourFactor / speedKmh, rounded up, at least minMinutes; 0 at the same place. */
export function travelMinutes(
  a: { lat: number; lon: number },
  b: { lat: number; lon: number },
  settings: TravelSettings,
): number {
  if (a.lat === b.lat && a.lon === b.lon) return 0;
  const km = haversineKm(a.lat, a.lon, b.lat, b.lon) * settings.detourFactor;
  // the small epsilon keeps an exact whole number of minutes from rounding up through float noise
  return Math.max(settings.minMinutes, Math.ceil((km / settings.speedKmh) * 60 - 1e-9));
}

/**
 * Travel minutes between clients, each row computed once, when first asked for: the solver asks for
 * nearly every row, a validation only for the rows of clients whose visits follow one another, so
 * checking a large roster never builds the whole n × n table on the request's thread.
 * The table is symmetric (the haversine distance is, to the last bit: a test checks it), so the
 * solver's loops over many neighbours of one visit read the visit's own row, `between(visit,
 * other)`, whichever way the drive goes: reading the neighbours' rows touched a new row per
 * lookup, and that was 40 % of ranking the candidates on the 1,000-client district.
 */
export class TravelMatrix {
  private readonly rows: (Int32Array | undefined)[];

  constructor(
    private readonly clients: readonly Client[],
    private readonly settings: TravelSettings,
  ) {
    this.rows = new Array(clients.length);
  }

  between(from: number, to: number): number {
    return (this.rows[from] ??= this.row(from))[to]!;
  }

  private row(from: number): Int32Array {
    const a = this.clients[from]!;
    // the schema's ranges (speed at least 1 km/h, detour at most 5) keep every value far below 2^31 minutes
    return Int32Array.from(this.clients, (b) => travelMinutes(a, b, this.settings));
  }
}
