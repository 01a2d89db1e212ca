import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { emptyCounts, lostTwiceMessage, MAX_ATTEMPTS, type ClaimedRun, type JobOptions, type Progress, type RunKind, type RunResult, type RunRow, type RunStatus, type RunStore } from "./store.js";

/**
 * The embedded store: the runs in one SQLite file (WAL mode), solved by worker threads of the one
 * server process that holds the file's lock (db-lock.ts). Each run owns the input it was made from,
 * so deleting a run deletes that input too; `secure_delete` overwrites the freed pages and the
 * write-ahead log is truncated, so no copy is left in the file or its log. The database is the
 * queue: a run is `queued` until a worker takes it, which survives restarts. One process, so the
 * `worker` arguments of the interface are not stored.
 */

/** Versioned migrations: `PRAGMA user_version` says how many have run; each runs in one transaction. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE inputs (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE runs (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     owner TEXT NOT NULL,
     input_id TEXT NOT NULL REFERENCES inputs(id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     roster_name TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
     options TEXT NOT NULL,
     progress TEXT,
     metrics TEXT,
     result_json TEXT,
     result_csv TEXT,
     error TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX runs_by_owner ON runs (owner, roster_name, seq);
   CREATE INDEX runs_by_status ON runs (status, seq);`,
  // 2: how many times a worker took the run: a run a crash interrupted is tried once more, then failed
  `ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

interface DbRun {
  id: string;
  kind: RunKind;
  roster_name: string;
  status: RunStatus;
  options: string;
  progress: string | null;
  metrics: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const RUN_COLUMNS = "id, kind, roster_name, status, options, progress, metrics, error, created_at, started_at, finished_at";

function toRun(r: DbRun): RunRow {
  return {
    id: r.id,
    kind: r.kind,
    roster: r.roster_name,
    status: r.status,
    options: JSON.parse(r.options) as JobOptions,
    progress: r.progress ? (JSON.parse(r.progress) as Progress) : null,
    metrics: r.metrics ? (JSON.parse(r.metrics) as Record<string, unknown>) : null,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const now = () => new Date().toISOString();

export class SqliteRunStore implements RunStore {
  readonly backend = "sqlite";
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    // deleted rosters are personal data: overwrite freed pages rather than leave them readable in the file
    this.db.pragma("secure_delete = ON");
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > MIGRATIONS.length)
      throw new Error(`the database is at schema version ${version}, newer than this program's ${MIGRATIONS.length}: use a newer kontinuum`);
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /**
   * After a crash: a run that was `running` has lost its worker. It is queued again, once; a run
   * that was interrupted MAX_ATTEMPTS times is marked failed with the reason (its input is kept,
   * so it can be submitted again), never left `running`. Queued runs simply wait their turn.
   */
  recoverInterrupted(): { requeued: number; failed: number } {
    return this.db.transaction(() => {
      const failed = this.db
        .prepare(`UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE status = 'running' AND attempts >= ?`)
        .run(now(), lostTwiceMessage("the server stopped"), MAX_ATTEMPTS).changes;
      const requeued = this.db.prepare(`UPDATE runs SET status = 'queued', started_at = NULL, progress = NULL WHERE status = 'running'`).run().changes;
      return { requeued, failed };
    })();
  }

  async handBack(id: string, _worker: string): Promise<void> {
    this.db.prepare(`UPDATE runs SET status = 'queued', started_at = NULL, progress = NULL, attempts = MAX(0, attempts - 1) WHERE id = ? AND status = 'running'`).run(id);
  }

  async createRun(owner: string, kind: RunKind, name: string, body: string, options: JobOptions): Promise<RunRow> {
    const id = randomUUID();
    const created = now();
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO inputs (id, owner, kind, name, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`).run(id, owner, kind, name, body, created);
      this.db
        .prepare(`INSERT INTO runs (id, owner, input_id, kind, roster_name, status, options, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`)
        .run(id, owner, id, kind, name, JSON.stringify(options), created);
    })();
    return this.getRunNow(owner, id)!;
  }

  async getRun(owner: string, id: string): Promise<RunRow | null> {
    return this.getRunNow(owner, id);
  }

  private getRunNow(owner: string, id: string): RunRow | null {
    const r = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE owner = ? AND id = ?`).get(owner, id) as DbRun | undefined;
    return r ? toRun(r) : null;
  }

  async listRuns(owner: string, roster?: string, limit = 100): Promise<RunRow[]> {
    const rows = (
      roster === undefined
        ? this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE owner = ? ORDER BY seq DESC LIMIT ?`).all(owner, limit)
        : this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE owner = ? AND roster_name = ? ORDER BY seq DESC LIMIT ?`).all(owner, roster, limit)
    ) as DbRun[];
    return rows.map(toRun);
  }

  async result(owner: string, id: string, format: "json" | "csv"): Promise<string | null> {
    const r = this.db.prepare(`SELECT result_json, result_csv FROM runs WHERE owner = ? AND id = ?`).get(owner, id) as
      | { result_json: string | null; result_csv: string | null }
      | undefined;
    return (format === "json" ? r?.result_json : r?.result_csv) ?? null;
  }

  async input(owner: string, id: string): Promise<string | null> {
    const r = this.db.prepare(`SELECT inputs.body AS body FROM runs JOIN inputs ON inputs.id = runs.input_id WHERE runs.owner = ? AND runs.id = ?`).get(owner, id) as { body: string } | undefined;
    return r?.body ?? null;
  }

  /** The run (or the oldest queued), marked running in the same transaction so no two workers take it. */
  async claim(_worker: string, id?: string): Promise<ClaimedRun | null> {
    return this.db.transaction(() => {
      const select = `SELECT runs.id AS id, runs.kind AS kind, inputs.body AS body, runs.options AS options, runs.created_at AS createdAt FROM runs JOIN inputs ON inputs.id = runs.input_id WHERE runs.status = 'queued'`;
      const r = (id === undefined ? this.db.prepare(`${select} ORDER BY runs.seq LIMIT 1`).get() : this.db.prepare(`${select} AND runs.id = ?`).get(id)) as
        | { id: string; kind: RunKind; body: string; options: string; createdAt: string }
        | undefined;
      if (!r) return null;
      this.db.prepare(`UPDATE runs SET status = 'running', started_at = ?, attempts = attempts + 1 WHERE id = ?`).run(now(), r.id);
      return { id: r.id, kind: r.kind, body: r.body, options: JSON.parse(r.options) as JobOptions, createdAt: r.createdAt };
    })();
  }

  async countByStatus(): Promise<Record<RunStatus, number>> {
    const counts = emptyCounts();
    for (const r of this.db.prepare(`SELECT status, COUNT(*) AS n FROM runs GROUP BY status`).all() as { status: RunStatus; n: number }[]) counts[r.status] = r.n;
    return counts;
  }

  async ping(): Promise<boolean> {
    try {
      return (this.db.prepare("SELECT 1 AS one").get() as { one: number }).one === 1;
    } catch {
      return false;
    }
  }

  async setProgress(id: string, _worker: string, progress: Progress | null): Promise<boolean> {
    if (!progress) return this.db.prepare(`SELECT 1 FROM runs WHERE id = ? AND status = 'running'`).get(id) !== undefined;
    return this.db.prepare(`UPDATE runs SET progress = ? WHERE id = ? AND status = 'running'`).run(JSON.stringify(progress), id).changes > 0;
  }

  async finish(id: string, _worker: string, result: RunResult, progress: Progress | null): Promise<void> {
    this.db
      .prepare(`UPDATE runs SET status = 'done', finished_at = ?, result_json = ?, result_csv = ?, metrics = ?, progress = COALESCE(?, progress) WHERE id = ? AND status = 'running'`)
      .run(now(), result.json, result.csv, JSON.stringify(result.metrics), progress ? JSON.stringify(progress) : null, id);
  }

  async fail(id: string, _worker: string, error: string): Promise<void> {
    this.db.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`).run(now(), error, id);
  }

  async cancel(owner: string, id: string): Promise<RunStatus | null> {
    return this.db.transaction(() => {
      const r = this.db.prepare(`SELECT status FROM runs WHERE owner = ? AND id = ?`).get(owner, id) as { status: RunStatus } | undefined;
      if (!r) return null;
      if (r.status === "queued" || r.status === "running")
        this.db.prepare(`UPDATE runs SET status = 'cancelled', finished_at = ? WHERE id = ?`).run(now(), id);
      return r.status;
    })();
  }

  /** The write-ahead log is checkpointed and truncated after the delete, so no copy stays in it either. */
  async deleteRun(owner: string, id: string): Promise<RunStatus | null> {
    const status = this.db.transaction(() => {
      const r = this.db.prepare(`SELECT status, input_id FROM runs WHERE owner = ? AND id = ?`).get(owner, id) as { status: RunStatus; input_id: string } | undefined;
      if (!r) return null;
      this.db.prepare(`DELETE FROM inputs WHERE id = ?`).run(r.input_id);
      return r.status;
    })();
    if (status !== null) this.db.pragma("wal_checkpoint(TRUNCATE)");
    return status;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
