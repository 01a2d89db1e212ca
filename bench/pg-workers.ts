import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { postgresServer, POSTGRES_ENV, scratchDatabase } from "./postgres-db.js";
import { startServerProcess, startWorkerProcess, type WorkerProcess } from "./server-process.js";

/**
 * Issue 19's third target: two workers on one PostgreSQL, 10 district jobs, one worker killed with
 * SIGKILL in the middle; every job must end `done` (or `failed` with a reason after its retry),
 * none lost or stuck. The API server and both workers are the real CLI, each in its own process.
 */
const DISTRICT = readFileSync(fileURLToPath(new URL("../../fixtures/district.roster.json", import.meta.url)), "utf8");
const JOBS = 10;
const TIME_LIMIT_SECONDS = 8;
/** Generous: ten 8 s jobs on one worker after the kill, the loss detected (~20 s), a retried job from scratch. */
const DEADLINE_SECONDS = 240;

export interface WorkerLossResult {
  seconds: number;
  states: Record<string, number>;
  retried: number;
  killedAfterSeconds: number;
  byWorker: Record<string, number>;
  reasons: string[];
}

export async function workerLossBench(): Promise<WorkerLossResult | string> {
  const server = postgresServer();
  if (!server) return `skipped: no PostgreSQL server (set ${POSTGRES_ENV}, e.g. eval "$(bash .ci/postgres)")`;
  const db = await scratchDatabase(server, "kontinuum_bench");
  const api = await startServerProcess([], { dbPath: db.url });
  const workers: WorkerProcess[] = [await startWorkerProcess(db.url), await startWorkerProcess(db.url)];
  try {
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const res = await api.request(`/v1/homecare/jobs?timeLimitSeconds=${TIME_LIMIT_SECONDS}&seed=${i + 1}`, { method: "POST", headers: { "content-type": "application/json" }, body: DISTRICT });
      ids.push(((await res.json()) as { id: string }).id);
    }
    // in the middle: once both workers are solving and a few jobs are done
    for (;;) {
      const r = await db.query<{ done: string; running: string }>("SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE status = 'running') AS running FROM kontinuum.runs");
      if (Number(r.rows[0]!.done) >= 3 && Number(r.rows[0]!.running) === 2) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const killedAfterSeconds = (Date.now() - started) / 1000;
    await workers[0]!.stop("SIGKILL");
    const deadline = Date.now() + DEADLINE_SECONDS * 1000;
    for (;;) {
      const r = await db.query<{ n: string }>("SELECT count(*) AS n FROM kontinuum.runs WHERE status IN ('queued', 'running')");
      if (Number(r.rows[0]!.n) === 0 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    const seconds = (Date.now() - started) / 1000;
    const rows = await db.query<{ status: string; attempts: number; worker: string | null; error: string | null }>("SELECT status, attempts, worker, error FROM kontinuum.runs WHERE id = ANY($1::uuid[])", [ids]);
    const states: Record<string, number> = {};
    const byWorker: Record<string, number> = {};
    for (const r of rows.rows) {
      states[r.status] = (states[r.status] ?? 0) + 1;
      const who = r.worker === workers[0]!.id ? "killed worker" : r.worker === workers[1]!.id ? "surviving worker" : "none";
      if (r.status === "done") byWorker[who] = (byWorker[who] ?? 0) + 1;
    }
    states.missing = JOBS - rows.rows.length;
    return { seconds, states, retried: rows.rows.filter((r) => r.attempts > 1).length, killedAfterSeconds, byWorker, reasons: rows.rows.flatMap((r) => (r.error ? [r.error] : [])) };
  } finally {
    await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
    await db.drop();
  }
}

export function formatWorkerLoss(r: WorkerLossResult): string {
  const ok = (r.states.queued ?? 0) + (r.states.running ?? 0) + r.states.missing! === 0 && (r.states.failed ?? 0) <= r.reasons.length;
  return [
    `${JOBS} district jobs (${TIME_LIMIT_SECONDS} s each) on two workers; one killed with SIGKILL after ${r.killedAfterSeconds.toFixed(1)} s`,
    `ended: ${Object.entries(r.states).map(([s, n]) => `${s} ${n}`).join(", ")}; retried on the other worker: ${r.retried}; done by ${Object.entries(r.byWorker).map(([w, n]) => `${w} ${n}`).join(", ")}`,
    `all ended in ${r.seconds.toFixed(1)} s${r.reasons.length ? `; reasons: ${r.reasons.join(" | ")}` : ""}: target ${ok ? "met (none lost or stuck)" : "NOT met"}`,
  ].join("\n");
}
