import type { RosterInput } from "./schema.js";
import { pick, seededRandom, shuffle } from "../common/random.js";
import { addDays, weekdayOf } from "../common/time.js";

/**
 * A seeded generator of realistic hemtjänst districts: heavy, medium and light clients; day and
 * evening staff on a two-week pattern with every other weekend; a small night patrol;
 * dubbelbemanning, insulin delegation, every-other-week cleaning, meal deliveries, away periods,
 * clients sharing a building. It writes the spec's roster JSON.
 */

export interface DistrictOptions {
  clients: number;
  seed: number;
  start?: string; // a Monday
  days?: number;
  name?: string;
  /** extra staff per day part, added when the hand-made plan cannot staff every visit */
  extraStaff?: { day: number; evening: number };
  /**
   * "city" (default): a dense district 1.5-3 km across, a quarter of the clients sharing a
   * building, caregivers on foot or by bike and bus (20 km/h). "rural": villages 5-25 km apart
   * around a small town, caregivers by car (45 km/h on winding roads): long drives between
   * clusters, where a team's geography matters most.
   */
  family?: "city" | "rural";
}

type Visit = RosterInput["clients"][number]["visits"][number];

const CENTER = { lat: 57.7089, lon: 11.9746 }; // Göteborg
const LANGUAGES = [["fi", 0.08], ["ar", 0.05], ["so", 0.04]] as const;

export function generateDistrict(options: DistrictOptions): RosterInput {
  const random = seededRandom(options.seed);
  const days = options.days ?? 14;
  const start = options.start ?? "2026-10-19";
  const dates = Array.from({ length: days }, (_, i) => addDays(start, i));
  const chance = (p: number) => random() < p;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  const rural = options.family === "rural";
  const at = (center: { lat: number; lon: number }, r: number, a: number) => ({
    lat: +(center.lat + (r * Math.sin(a)) / 111.2).toFixed(5),
    lon: +(center.lon + (r * Math.cos(a)) / (111.2 * Math.cos((CENTER.lat * Math.PI) / 180))).toFixed(5),
  });
  const buildings: { lat: number; lon: number }[] = [];
  if (!rural) {
    // a dense district about 1.5-3 km across; a quarter of the clients share a building
    const radiusKm = 0.6 + 0.12 * Math.sqrt(options.clients);
    for (let i = 0; i < Math.ceil(options.clients * 0.75); i++) {
      const r = radiusKm * Math.sqrt(random());
      const a = 2 * Math.PI * random();
      buildings.push(at(CENTER, r, a));
    }
  } else {
    // a town and villages up to 25 km out, each village a kilometre across; few shared buildings
    const villages = [CENTER, ...Array.from({ length: Math.max(3, Math.round(options.clients / 12)) }, () => at(CENTER, 5 + 20 * random(), 2 * Math.PI * random()))];
    for (let i = 0; i < Math.ceil(options.clients * 0.95); i++) {
      const v = villages[Math.floor(random() * villages.length)]!;
      buildings.push(at(v, 0.6 * Math.sqrt(random()), 2 * Math.PI * random()));
    }
  }

  const clients: RosterInput["clients"] = [];
  for (let i = 0; i < options.clients; i++) {
    const profile = random();
    const heavy = profile < 0.3;
    const medium = !heavy && profile < 0.72;
    const insulin = (heavy || medium) && chance(0.18);
    const double = heavy && chance(0.3);
    const visits: Visit[] = [];
    if (heavy) {
      visits.push({ id: "morgon", days: "daily", earliest: "07:00", latest: "08:30", durationMinutes: pick([40, 45, 50], random), ...(double ? { staff: 2 } : {}) });
      visits.push({ id: "lunch", days: "daily", earliest: "11:30", latest: "12:30", durationMinutes: 30, minGapAfter: { visit: "morgon", minutes: 180 } });
      if (chance(0.6)) visits.push({ id: "eftermiddag", days: "daily", earliest: "14:30", latest: "15:30", durationMinutes: 20 });
      visits.push({ id: "middag", days: "daily", earliest: "16:30", latest: "17:30", durationMinutes: 25 });
      visits.push({ id: "kvall", days: "daily", earliest: "19:30", latest: "21:00", durationMinutes: pick([30, 40], random), ...(double ? { staff: 2 } : {}) });
      if (chance(0.25)) visits.push({ id: "natt", days: "daily", earliest: "22:30", latest: "23:30", durationMinutes: 10 });
    } else if (medium) {
      visits.push({ id: "morgon", days: "daily", earliest: "07:30", latest: "09:30", durationMinutes: pick([25, 30, 35], random) });
      if (chance(0.5)) visits.push({ id: "lunch", days: "daily", earliest: "11:30", latest: "13:00", durationMinutes: 25 });
      else visits.push({ id: "matlada", days: "daily", earliest: "11:00", latest: "12:00", durationMinutes: 5, kind: "meal-delivery" });
      visits.push({ id: "kvall", days: "daily", earliest: "18:30", latest: "20:30", durationMinutes: pick([20, 25, 30], random) });
    } else {
      visits.push({ id: "tillsyn", days: pick([["mon", "wed", "fri"], ["tue", "thu", "sat"], "weekdays"], random), earliest: "09:00", latest: "11:30", durationMinutes: 20 });
      visits.push({ id: "inkop", days: [pick(["tue", "wed", "thu"] as const, random)], earliest: "13:00", latest: "15:00", durationMinutes: 60 });
      if (chance(0.3)) visits.push({ id: "larm", days: "weekends", earliest: "20:00", latest: "21:00", durationMinutes: 10, kind: "alarm" });
    }
    visits.push({ id: "dusch", days: [pick(["mon", "tue", "wed", "thu", "fri"] as const, random)], earliest: "09:00", latest: "11:00", durationMinutes: 45 });
    visits.push({ id: "stad", days: [pick(["mon", "tue", "wed", "thu", "fri"] as const, random)], everyOtherWeek: true, earliest: "09:30", latest: "14:00", durationMinutes: 60 });
    if (insulin) {
      visits.push({ id: "insulin-morgon", days: "daily", earliest: "07:30", latest: "08:00", durationMinutes: 10, skills: ["insulin"] });
      visits.push({ id: "insulin-kvall", days: "daily", earliest: "18:00", latest: "18:30", durationMinutes: 10, skills: ["insulin"], minGapAfter: { visit: "insulin-morgon", minutes: 600 } });
    }
    const language = LANGUAGES.find(([, p]) => chance(p))?.[0];
    const awayStart = chance(0.08) ? between(0, days - 3) : -1;
    clients.push({
      id: `k${String(i + 1).padStart(3, "0")}`,
      location: pick(buildings, random),
      ...(chance(0.95) ? { birthYear: chance(0.88) ? between(1922, 1958) : between(1962, 1990) } : {}),
      ...(language ? { language } : {}),
      ...(awayStart >= 0 ? { away: [{ from: dates[awayStart]!, to: dates[Math.min(days - 1, awayStart + between(1, 4))]! }] } : {}),
      visits,
    });
  }

  // demand per day part sets the staff: the morning and evening peaks bind, not the day's total
  const peakMinutes = (from: string, to: string) =>
    clients.reduce((sum, c) => sum + c.visits.filter((v) => v.days === "daily" && v.earliest >= from && v.earliest < to && (v.kind ?? "care") !== "alarm").reduce((s, v) => s + v.durationMinutes * (v.staff ?? 1), 0), 0);
  const extra = options.extraStaff ?? { day: 0, evening: 0 };
  const dayStaff = Math.max(2, Math.ceil(peakMinutes("07:00", "09:31") / 135)) + extra.day;
  const eveningStaff = Math.max(2, Math.ceil(peakMinutes("16:00", "21:01") / 210)) + extra.evening;

  const caregivers: RosterInput["caregivers"] = [];
  const addTeam = (prefix: string, perDay: number, shift: (date: string) => RosterInput["caregivers"][number]["shifts"][number]) => {
    // two weekend groups, each staffing a whole weekend day; 5 weekdays one week, 3 + the weekend the other
    const size = Math.ceil(perDay * 0.9) + 1;
    for (let g = 0; g < 2; g++)
      for (let k = 0; k < size; k++) {
        const offDays = shuffle(["mon", "tue", "wed", "thu", "fri"], random).slice(0, 2);
        const works = (date: string, i: number) => {
          const week = Math.floor(i / 7) % 2;
          const wd = weekdayOf(date);
          if (wd >= 6) return week === g;
          return week !== g || !offDays.includes(["mon", "tue", "wed", "thu", "fri"][wd - 1]!);
        };
        const partTime = chance(0.25);
        const shifts = dates.filter(works).map(shift);
        caregivers.push({
          id: `${prefix}${String(caregivers.filter((c) => c.id.startsWith(prefix)).length + 1).padStart(2, "0")}`,
          ...(k % 2 === 0 ? { skills: ["insulin"] } : {}), // insulin delegation for every other caregiver
          ...(chance(0.2) ? { languages: ["sv", pick(LANGUAGES, random)[0]] } : { languages: ["sv"] }),
          ...(partTime ? { maxMinutes: shifts.length * 330 } : {}),
          shifts,
        });
      }
  };
  addTeam("d", dayStaff, (date) => ({ date, start: "07:00", end: "16:00", breakMinutes: 30, breakEarliest: "10:30", breakLatest: "13:30" }));
  addTeam("e", eveningStaff, (date) => ({ date, start: "14:30", end: "22:00", breakMinutes: 20, breakEarliest: "16:00", breakLatest: "18:30" }));
  // nattpatrull: alternate nights over midnight; enough on each night for the 22:30-23:30 round
  const nightVisits = clients.filter((c) => c.visits.some((v) => v.id === "natt")).length;
  const perNight = nightVisits ? Math.max(1, Math.ceil((nightVisits * 16) / 60)) : 0;
  for (let k = 0; k < 2 * perNight; k++)
    caregivers.push({
      id: `n${String(k + 1).padStart(2, "0")}`,
      skills: ["insulin"],
      languages: ["sv"],
      shifts: dates.filter((_, i) => i % 2 === k % 2).map((date) => ({ date, start: "21:45", end: "07:15" })),
    });

  // kontaktperson: a day caregiver, a handful of clients each; a few exclusions and preferences
  const dayIds = caregivers.filter((c) => c.id.startsWith("d")).map((c) => c.id);
  for (const c of clients) {
    if (chance(0.9)) c.contactPerson = pick(dayIds, random);
    if (chance(0.05)) {
      const ex = pick(caregivers.filter((g) => !g.id.startsWith("n")), random).id;
      if (ex !== c.contactPerson) c.excludedCaregivers = [ex];
    }
    if (chance(0.1)) c.preferredCaregivers = [pick(caregivers.filter((g) => g.id.startsWith("e")), random).id];
  }

  return {
    name: options.name ?? `Hemtjänst ${options.clients} klienter ${start}`,
    timezone: "Europe/Stockholm",
    period: { start, days },
    travel: rural ? { speedKmh: 45, detourFactor: 1.4, minMinutes: 3 } : { speedKmh: 20, detourFactor: 1.3, minMinutes: 2 },
    caregivers,
    clients,
  };
}
