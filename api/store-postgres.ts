import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import pg from "pg";
import { InputError } from "../src/common/errors.js";
import { hidePassword } from "./db-url.js";
import { emptyCounts, lostTwiceMessage, MAX_ATTEMPTS, type ClaimedRun, type JobOptions, type Progress, type RunKind, type RunResult, type RunRow, type RunStatus, type RunStore } from "./store.js";

/**
 * The production store: the runs in PostgreSQL, the queue in pg-boss (its own schema `pgboss` in
 * the same database), so any number of API servers (`serve --db postgres://…`) and workers
 * (`worker --db postgres://…`) on any machines share them.
 *
 * The runs table is the truth; a pg-boss job only says "run R waits" and carries the run id, never
 * personal data. A worker takes a job, claims the run (queued → running, under its worker id) and
 * writes a heartbeat every second with its progress. A worker whose heartbeat is older than
 * LOST_AFTER_SECONDS has died (SIGKILL, a lost machine): any worker's sweep queues its run again
 * with a fresh pg-boss job, once, and fails it with the reason on the second loss (pg-boss 10 would
 * notice only when the job's expiry passed, up to its whole time limit later). Cancelling or
 * deleting a run is a write to the runs table; the worker holding it sees its heartbeat refused
 * within a second and stops the solve.
 *
 * Deletion leaves no readable copy (crypto-shredding): each input is sealed with its own random
 * AES-256-GCM key, and so are its results. The keys live in a small table of their own. Deleting a
 * run deletes its input, results and key, then rewrites the key table (`VACUUM FULL`, cheap: one
 * short row per run), so no page of the database keeps the key; the sealed bytes that MVCC leaves in
 * dead tuples until a vacuum cannot be read without it. What the database cannot rewrite: WAL
 * segments hold the key until checkpoints recycle them, and backups the operator takes.
 */

export const QUEUE = "kontinuum-runs";
/** A worker writes its heartbeat this often; cancelling reaches it within this time. */
export const HEARTBEAT_MS = 1000;
/** A running run whose heartbeat is this old has lost its worker (15 missed heartbeats). */
export const LOST_AFTER_SECONDS = 15;
/** pg-boss's own expiry, a safety net beyond the sweep: the time limit, plus validation and writing. */
const EXPIRY_MARGIN_SECONDS = 600;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE kontinuum.inputs (
     id uuid PRIMARY KEY,
     owner text NOT NULL,
     kind text NOT NULL,
     name text NOT NULL,
     body bytea NOT NULL,
     created_at timestamptz NOT NULL
   );
   CREATE TABLE kontinuum.input_keys (
     id uuid PRIMARY KEY REFERENCES kontinuum.inputs(id) ON DELETE CASCADE,
     key bytea NOT NULL
   );
   CREATE TABLE kontinuum.runs (
     seq bigserial PRIMARY KEY,
     id uuid NOT NULL UNIQUE REFERENCES kontinuum.inputs(id) ON DELETE CASCADE,
     owner text NOT NULL,
     kind text NOT NULL,
     roster_name text NOT NULL,
     status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
     options jsonb NOT NULL,
     progress jsonb,
     metrics jsonb,
     result_json bytea,
     result_csv bytea,
     error text,
     created_at timestamptz NOT NULL,
     started_at timestamptz,
     finished_at timestamptz,
     attempts integer NOT NULL DEFAULT 0,
     worker text,
     heartbeat_at timestamptz
   );
   CREATE INDEX runs_by_owner ON kontinuum.runs (owner, roster_name, seq);
   CREATE INDEX runs_by_status ON kontinuum.runs (status, heartbeat_at);`,
];

/** AES-256-GCM: iv (12 bytes) | tag (16) | ciphertext. */
function seal(key: Buffer, text: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function unseal(key: Buffer, sealed: Buffer): string {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString("utf8");
}

interface DbRun {
  id: string;
  kind: RunKind;
  roster_name: string;
  status: RunStatus;
  options: JobOptions;
  progress: Progress | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const RUN_COLUMNS = "id, kind, roster_name, status, options, progress, metrics, error, created_at, started_at, finished_at";
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toRun = (r: DbRun): RunRow => ({
  id: r.id,
  kind: r.kind,
  roster: r.roster_name,
  status: r.status,
  options: r.options,
  progress: r.progress,
  metrics: r.metrics,
  error: r.error,
  createdAt: r.created_at.toISOString(),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
});

/** Run ids are UUIDs here; anything else is simply not a run (404), not a database error. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgRunStore implements RunStore {
  readonly backend = "postgres";

  private constructor(
    readonly pool: pg.Pool,
    readonly boss: PgBoss,
  ) {}

  /**
   * Connects, brings both schemas up to date (under an advisory lock, so servers and workers may
   * start together) and creates the queue. A database that does not answer is an input error naming --db.
   */
  static async open(url: string, options: { poolSize?: number; supervise?: boolean } = {}): Promise<PgRunStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, application_name: "kontinuum" });
    // an idle client's error (the server restarting) must not end the process; the next query reconnects
    pool.on("error", () => {});
    try {
      await migrate(pool);
    } catch (e) {
      await pool.end();
      throw new InputError([{ path: `--db ${hidePassword(url)}`, message: `the database does not answer or cannot be set up: ${(e as Error).message}` }]);
    }
    const boss = new PgBoss({ db: { executeSql: (text, values) => pool.query(text, values) }, schema: "pgboss", supervise: options.supervise ?? false, schedule: false, migrate: true });
    boss.on("error", () => {});
    await boss.start();
    await ensureQueue(boss);
    return new PgRunStore(pool, boss);
  }

  private async tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const out = await work(client);
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  /** The pg-boss job that wakes a worker for the run, in the caller's transaction. */
  private async enqueue(client: pg.PoolClient, id: string, options: JobOptions): Promise<void> {
    await this.boss.send(QUEUE, { runId: id }, { retryLimit: 0, expireInSeconds: options.timeLimitSeconds + EXPIRY_MARGIN_SECONDS, db: { executeSql: (text, values) => client.query(text, values) } });
  }

  async createRun(owner: string, kind: RunKind, name: string, body: string, options: JobOptions): Promise<RunRow> {
    const id = randomUUID();
    const key = randomBytes(32);
    const row = await this.tx(async (c) => {
      await c.query(`INSERT INTO kontinuum.inputs (id, owner, kind, name, body, created_at) VALUES ($1, $2, $3, $4, $5, now())`, [id, owner, kind, name, seal(key, body)]);
      await c.query(`INSERT INTO kontinuum.input_keys (id, key) VALUES ($1, $2)`, [id, key]);
      const r = await c.query<DbRun>(
        `INSERT INTO kontinuum.runs (id, owner, kind, roster_name, status, options, created_at) VALUES ($1, $2, $3, $4, 'queued', $5, now()) RETURNING ${RUN_COLUMNS}`,
        [id, owner, kind, name, JSON.stringify(options)],
      );
      await this.enqueue(c, id, options);
      return r.rows[0]!;
    });
    return toRun(row);
  }

  async getRun(owner: string, id: string): Promise<RunRow | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<DbRun>(`SELECT ${RUN_COLUMNS} FROM kontinuum.runs WHERE owner = $1 AND id = $2`, [owner, id]);
    return r.rows[0] ? toRun(r.rows[0]) : null;
  }

  async listRuns(owner: string, roster?: string, limit = 100): Promise<RunRow[]> {
    const r =
      roster === undefined
        ? await this.pool.query<DbRun>(`SELECT ${RUN_COLUMNS} FROM kontinuum.runs WHERE owner = $1 ORDER BY seq DESC LIMIT $2`, [owner, limit])
        : await this.pool.query<DbRun>(`SELECT ${RUN_COLUMNS} FROM kontinuum.runs WHERE owner = $1 AND roster_name = $2 ORDER BY seq DESC LIMIT $3`, [owner, roster, limit]);
    return r.rows.map(toRun);
  }

  async result(owner: string, id: string, format: "json" | "csv"): Promise<string | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<{ sealed: Buffer | null; key: Buffer }>(
      `SELECT ${format === "json" ? "r.result_json" : "r.result_csv"} AS sealed, k.key FROM kontinuum.runs r JOIN kontinuum.input_keys k ON k.id = r.id WHERE r.owner = $1 AND r.id = $2`,
      [owner, id],
    );
    const row = r.rows[0];
    return row?.sealed ? unseal(row.key, row.sealed) : null;
  }

  async input(owner: string, id: string): Promise<string | null> {
    if (!UUID.test(id)) return null;
    const r = await this.pool.query<{ body: Buffer; key: Buffer }>(`SELECT i.body, k.key FROM kontinuum.inputs i JOIN kontinuum.input_keys k ON k.id = i.id WHERE i.owner = $1 AND i.id = $2`, [owner, id]);
    const row = r.rows[0];
    return row ? unseal(row.key, row.body) : null;
  }

  async cancel(owner: string, id: string): Promise<RunStatus | null> {
    if (!UUID.test(id)) return null;
    return this.tx(async (c) => {
      const r = await c.query<{ status: RunStatus }>(`SELECT status FROM kontinuum.runs WHERE owner = $1 AND id = $2 FOR UPDATE`, [owner, id]);
      const status = r.rows[0]?.status ?? null;
      if (status === "queued" || status === "running") await c.query(`UPDATE kontinuum.runs SET status = 'cancelled', finished_at = now() WHERE id = $1`, [id]);
      return status;
    });
  }

  async deleteRun(owner: string, id: string): Promise<RunStatus | null> {
    if (!UUID.test(id)) return null;
    const status = await this.tx(async (c) => {
      const r = await c.query<{ status: RunStatus }>(`SELECT status FROM kontinuum.runs WHERE owner = $1 AND id = $2 FOR UPDATE`, [owner, id]);
      if (!r.rows[0]) return null;
      // the input's row cascades to its key and its run (results included)
      await c.query(`DELETE FROM kontinuum.inputs WHERE id = $1`, [id]);
      return r.rows[0].status;
    });
    // outside the transaction (VACUUM cannot run in one): rewrite the key table so the key is on no page
    if (status !== null) await this.pool.query(`VACUUM FULL kontinuum.input_keys`);
    return status;
  }

  async countByStatus(): Promise<Record<RunStatus, number>> {
    const counts = emptyCounts();
    const r = await this.pool.query<{ status: RunStatus; n: string }>(`SELECT status, count(*) AS n FROM kontinuum.runs GROUP BY status`);
    for (const row of r.rows) counts[row.status] = Number(row.n);
    return counts;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one === 1;
    } catch {
      return false;
    }
  }

  async claim(worker: string, id?: string): Promise<ClaimedRun | null> {
    return this.tx(async (c) => {
      const pick =
        id === undefined
          ? await c.query<{ id: string }>(`SELECT id FROM kontinuum.runs WHERE status = 'queued' ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`)
          : await c.query<{ id: string }>(`SELECT id FROM kontinuum.runs WHERE status = 'queued' AND id = $1 FOR UPDATE SKIP LOCKED`, [id]);
      const runId = pick.rows[0]?.id;
      if (!runId) return null;
      const r = await c.query<{ kind: RunKind; options: JobOptions; created_at: Date; body: Buffer; key: Buffer }>(
        `UPDATE kontinuum.runs r SET status = 'running', started_at = now(), heartbeat_at = now(), attempts = attempts + 1, worker = $2
         FROM kontinuum.inputs i JOIN kontinuum.input_keys k ON k.id = i.id
         WHERE r.id = $1 AND i.id = r.id RETURNING r.kind, r.options, r.created_at, i.body, k.key`,
        [runId, worker],
      );
      const row = r.rows[0]!;
      return { id: runId, kind: row.kind, options: row.options, createdAt: row.created_at.toISOString(), body: unseal(row.key, row.body) };
    });
  }

  async setProgress(id: string, worker: string, progress: Progress | null): Promise<boolean> {
    const r = await this.pool.query(`UPDATE kontinuum.runs SET heartbeat_at = now(), progress = COALESCE($3::jsonb, progress) WHERE id = $1 AND worker = $2 AND status = 'running'`, [
      id,
      worker,
      progress ? JSON.stringify(progress) : null,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async finish(id: string, worker: string, result: RunResult, progress: Progress | null): Promise<void> {
    const k = await this.pool.query<{ key: Buffer }>(`SELECT key FROM kontinuum.input_keys WHERE id = $1`, [id]);
    const key = k.rows[0]?.key;
    if (!key) return; // deleted meanwhile
    await this.pool.query(
      `UPDATE kontinuum.runs SET status = 'done', finished_at = now(), result_json = $3, result_csv = $4, metrics = $5, progress = COALESCE($6::jsonb, progress)
       WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [id, worker, seal(key, result.json), seal(key, result.csv), JSON.stringify(result.metrics), progress ? JSON.stringify(progress) : null],
    );
  }

  async fail(id: string, worker: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE kontinuum.runs SET status = 'failed', finished_at = now(), error = $3 WHERE id = $1 AND worker = $2 AND status = 'running'`, [id, worker, error]);
  }

  async handBack(id: string, worker: string): Promise<void> {
    await this.tx(async (c) => {
      const r = await c.query<{ options: JobOptions }>(
        `UPDATE kontinuum.runs SET status = 'queued', started_at = NULL, progress = NULL, heartbeat_at = NULL, worker = NULL, attempts = GREATEST(0, attempts - 1)
         WHERE id = $1 AND worker = $2 AND status = 'running' RETURNING options`,
        [id, worker],
      );
      if (r.rows[0]) await this.enqueue(c, id, r.rows[0].options);
    });
  }

  /**
   * The sweep every worker runs: a running run whose heartbeat stopped has lost its worker. It is
   * queued again with a new pg-boss job once; lost MAX_ATTEMPTS times, it is failed with the reason.
   * A queued run without a live pg-boss job gets a new one.
   */
  async recoverLost(lostAfterSeconds = LOST_AFTER_SECONDS): Promise<{ requeued: number; failed: number }> {
    return this.tx(async (c) => {
      const lost = await c.query<{ id: string; attempts: number; options: JobOptions }>(
        `SELECT id, attempts, options FROM kontinuum.runs WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED`,
        [lostAfterSeconds],
      );
      let requeued = 0;
      let failed = 0;
      for (const run of lost.rows) {
        if (run.attempts >= MAX_ATTEMPTS) {
          await c.query(`UPDATE kontinuum.runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [run.id, lostTwiceMessage("the worker running it stopped")]);
          failed++;
        } else {
          await c.query(`UPDATE kontinuum.runs SET status = 'queued', started_at = NULL, progress = NULL, heartbeat_at = NULL, worker = NULL WHERE id = $1`, [run.id]);
          await this.enqueue(c, run.id, run.options);
          requeued++;
        }
      }
      // a queued run whose pg-boss job is gone (a worker stopping took it and let it go, or pg-boss
      // expired it): a new job, so nothing queued waits forever
      const orphans = await c.query<{ id: string; options: JobOptions }>(
        `SELECT r.id, r.options FROM kontinuum.runs r
         WHERE r.status = 'queued' AND r.created_at < now() - interval '10 seconds'
           AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name = $1 AND j.data->>'runId' = r.id::text AND j.state < 'completed')
         FOR UPDATE OF r SKIP LOCKED`,
        [QUEUE],
      );
      for (const run of orphans.rows) await this.enqueue(c, run.id, run.options);
      return { requeued: requeued + orphans.rows.length, failed };
    });
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, close: false, wait: true }).catch(() => {});
    await this.pool.end();
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // one migrator at a time, across every server and worker starting on this database
    await client.query("SELECT pg_advisory_xact_lock(hashtext('kontinuum-migrations'))");
    await client.query("CREATE SCHEMA IF NOT EXISTS kontinuum");
    await client.query("CREATE TABLE IF NOT EXISTS kontinuum.schema_version (version integer NOT NULL)");
    const v = await client.query<{ version: number }>("SELECT version FROM kontinuum.schema_version");
    const version = v.rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) throw new Error(`the database is at schema version ${version}, newer than this program's ${MIGRATIONS.length}: use a newer kontinuum`);
    for (let i = version; i < MIGRATIONS.length; i++) await client.query(MIGRATIONS[i]!);
    if (!v.rows.length) await client.query("INSERT INTO kontinuum.schema_version VALUES ($1)", [MIGRATIONS.length]);
    else await client.query("UPDATE kontinuum.schema_version SET version = $1", [MIGRATIONS.length]);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** pg-boss 10 needs the queue made before a job is sent; two processes starting together may race to make it. */
async function ensureQueue(boss: PgBoss): Promise<void> {
  if (await boss.getQueue(QUEUE)) return;
  try {
    await boss.createQueue(QUEUE, { name: QUEUE, policy: "standard", retryLimit: 0 });
  } catch (e) {
    if (!(await boss.getQueue(QUEUE))) throw e;
  }
}
