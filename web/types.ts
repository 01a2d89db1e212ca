/** The API's answers as the page reads them (see /v1/openapi.json). */

export interface Job {
  id: string;
  kind: "homecare" | "calls";
  roster: string;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  progress: { phase: string; fraction: number; best: number; elapsedSeconds: number; unassigned?: number; distinctStaffSum?: number } | null;
  metrics: Record<string, number | null> | null;
  error: string | null;
  result: string | null;
}

export interface Totals {
  u21401: number | null;
  u21402: number | null;
  u21436: number | null;
  counted: number;
  unassigned: number;
  travelMinutes: number;
  contactPersonShare: number | null;
}

export interface ClientRow {
  client: string;
  counted: boolean;
  before: number | null;
  after: number;
  gain: number | null;
  contactBefore: number | null;
  contactAfter: number | null;
}

export interface Assignment {
  client: string;
  visit: string;
  date: string;
  start: string;
  end: string;
  caregivers: string[];
}

export interface ScheduleFile {
  assignments: Assignment[];
  unassigned: { client: string; visit: string; date: string; reason: string }[];
}

export interface Timelines {
  caregivers: {
    id: string;
    name?: string;
    shifts: { date: string; start: string; end: string; segments: { kind: "visit" | "travel" | "break"; start: string; end: string; occurrence?: string; client?: string }[] }[];
  }[];
}

export interface StaffingFile {
  roster: { nurse: string; date: string; template: string; start: string; end: string; break?: { start: string; end: string } }[];
  intervals: { start: string; offered: number; required: number; staffed: number; serviceLevel: number }[];
  summary: {
    serviceLevel: number;
    targetServiceLevel: number;
    averageWaitSeconds: number | null;
    abandonedShare: number | null;
    understaffedIntervals: number;
    paymentStep: { paymentShare: number };
    upperBound: number | null;
    days: { date: string; calls: number; serviceLevel: number | null }[];
    today?: StaffingFile["summary"];
  };
}

/** The roster as the page reads it: what the sick call and the map need (shared/spec/homecare.md). */
export interface RosterDoc {
  name: string;
  period: { start: string; days: number };
  caregivers: { id: string; name?: string }[];
  clients: { id: string; location: { lat: number; lon: number } }[];
}

export interface ChangeReport {
  changed: { client: string; visit: string; date: string; before: { start: string; caregivers: string[] } | null; after: { start: string; caregivers: string[] } | null; why: string }[];
  summary: { changedAssignments: number; caregiversNewToAClient: number; unassigned: number; u21401: { before: number | null; after: number | null }; travelMinutes: { before: number; after: number } };
}

export interface Explanation {
  client: string;
  visits: number;
  caregivers: { caregiver: string; visits: number; team: boolean; contactPerson: boolean }[];
  outsideTeam: { occurrence: string; start: string; by: string[]; team: { caregiver: string; reason: string }[] }[];
  unassigned: { occurrence: string; reason: string; close: { caregiver: string; reason: string }[] }[];
}
