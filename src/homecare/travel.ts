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

/** Travel minutes between every pair of clients, computed once. */
export class TravelMatrix {
  private readonly minutes: Int32Array;
  private readonly n: number;
  constructor(clients: readonly Client[], settings: TravelSettings) {
    this.n = clients.length;
    this.minutes = new Int32Array(this.n * this.n);
    for (let i = 0; i < this.n; i++)
      for (let j = i + 1; j < this.n; j++) {
        const t = travelMinutes(clients[i]!, clients[j]!, settings);
        this.minutes[i * this.n + j] = t;
        this.minutes[j * this.n + i] = t;
      }
  }
  between(from: number, to: number): number {
    return this.minutes[from * this.n + to]!;
  }
}
