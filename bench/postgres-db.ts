import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A PostgreSQL database of its own for a test file or a bench run, on the server named by
 * KONTINUUM_TEST_POSTGRES (started by `.ci/postgres`, which `.ci/run` calls). Dropped afterwards.
 */
export const POSTGRES_ENV = "KONTINUUM_TEST_POSTGRES";

export function postgresServer(): string | undefined {
  return process.env[POSTGRES_ENV] || undefined;
}

export interface ScratchDatabase {
  url: string;
  /** a client on the scratch database, for what a test checks directly */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

export async function scratchDatabase(server: string, prefix = "kontinuum_test"): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    url: url.toString(),
    query: (text, values) => client.query(text, values),
    async drop() {
      await client.end();
      const again = new pg.Client({ connectionString: server });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}
