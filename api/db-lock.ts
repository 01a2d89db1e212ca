import Database from "better-sqlite3";
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "../src/common/errors.js";

/**
 * One server per database. A second `kontinuum serve` on the same file would take the first one's
 * queued jobs and mark its running job failed; so the server holds an exclusive SQLite lock on
 * `DB.lock` for as long as it runs (SQLite's EXCLUSIVE locking mode never releases a lock once
 * written). The operating system drops the lock when the process ends, even by SIGKILL, so a crash
 * never leaves a stale lock behind; the database itself stays readable by other tools.
 */
export class DatabaseLock {
  private readonly db: Database.Database;

  constructor(dbPath: string) {
    const dir = dirname(resolve(dbPath));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError([{ path: `--db ${dbPath}`, message: `the folder ${dirname(dbPath)} does not exist` }]);
    const path = `${dbPath}.lock`;
    try {
      // no busy timeout: the second server is told at once
      this.db = new Database(path, { timeout: 0 });
      this.db.pragma("locking_mode = EXCLUSIVE");
      this.db.exec("BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER, since TEXT); DELETE FROM holder; COMMIT;");
      this.db.prepare("INSERT INTO holder VALUES (?, ?)").run(process.pid, new Date().toISOString());
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED")
        throw new InputError([{ path: `--db ${dbPath}`, message: `another kontinuum serve is using this database (it holds ${path}); stop it first, or give this server its own --db` }]);
      throw new InputError([{ path: `--db ${dbPath}`, message: `cannot open ${path}: ${(e as Error).message}` }]);
    }
  }

  release(): void {
    this.db.close();
  }
}
