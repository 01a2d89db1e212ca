import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresServer, POSTGRES_ENV, scratchDatabase, type ScratchDatabase } from "../bench/postgres-db.js";
import { startWorkerProcess, type WorkerProcess } from "../bench/server-process.js";
import { readRoster } from "../src/homecare/roster-io.js";
import { readScheduleCsv, readScheduleJson } from "../src/homecare/schedule-io.js";
import { validateSchedule } from "../src/homecare/rules.js";
import { jsonBody, pollJob, startTestServer, TOKEN_A, TOKEN_B, type TestServer } from "./server.js";

/**
 * The deployment on several machines, for real: `kontinuum serve --db postgres://…` (API only)
 * and `kontinuum worker --db postgres://…` processes on one PostgreSQL server. Jobs, tenants,
 * restarts, a worker lost to SIGKILL (once: retried elsewhere; twice: failed with the reason),
 * cancelling across processes, and a delete that leaves no readable copy.
 */

const EXAMPLE = readFileSync("fixtures/example.roster.json", "utf8");
const DISTRICT = readFileSync("fixtures/district.roster.json", "utf8");
const exampleRoster = readRoster(EXAMPLE);
const server = postgresServer();

type Job = { id: string; status: string };
const submit = async (api: TestServer, body: string, seconds: number) =>
  (await (await api.request(`/v1/homecare/jobs?timeLimitSeconds=${seconds}`, jsonBody(body))).json()) as Job;

/** Polls until `probe` gives a value, failing after `seconds`. */
async function waitFor<T>(probe: () => Promise<T | null>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`not within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

if (!server && process.env.CI === "true") {
  it(`the PostgreSQL deployment tests need a server: ${POSTGRES_ENV} is not set (.ci/run starts one with .ci/postgres)`, () => {
    throw new Error(`${POSTGRES_ENV} is not set under CI=true`);
  });
}

describe.skipIf(!server)("PostgreSQL: API servers and workers in separate processes", () => {
  let db: ScratchDatabase;
  let api: TestServer;
  let workers: WorkerProcess[] = [];
  const holder = async (id: string) => (await db.query<{ worker: string | null; attempts: number }>("SELECT worker, attempts FROM kontinuum.runs WHERE id = $1", [id])).rows[0]!;

  beforeAll(async () => {
    db = await scratchDatabase(server!);
    api = await startTestServer([], { dbPath: db.url });
    workers = [await startWorkerProcess(db.url)];
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), ...workers.map((w) => w.stop())]);
    await db?.drop();
  });

  it("serve refuses --workers with PostgreSQL, and worker refuses a SQLite file: exit 2 naming the flag", async () => {
    const { spawnSync } = await import("node:child_process");
    const serve = spawnSync(process.execPath, ["bin/kontinuum.js", "serve", "--port", "0", "--db", db.url, "--workers", "2"], { env: { ...process.env, KONTINUUM_TOKENS: TOKEN_A }, encoding: "utf8" });
    expect(serve.status).toBe(2);
    expect(serve.stderr).toMatch(/--workers is for the embedded SQLite server/);
    const worker = spawnSync(process.execPath, ["bin/kontinuum.js", "worker", "--db", "./runs.db"], { encoding: "utf8" });
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(/--db must be a postgres:\/\/ URL/);
    const nowhere = spawnSync(process.execPath, ["bin/kontinuum.js", "worker", "--db", "postgres://nobody:secret@127.0.0.1:1/none"], { encoding: "utf8" });
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toMatch(/--db postgres:\/\/nobody:…@127\.0\.0\.1:1\/none: the database does not answer/);
    expect(nowhere.stderr).not.toMatch(/secret/);
  });

  it("a job submitted to the API is solved by a worker: progress, then JSON and CSV that pass the validator", async () => {
    const job = await submit(api, EXAMPLE, 2);
    expect(job.status).toBe("queued");
    const running = await pollJob(api, job.id, (j) => j.progress !== null || j.status === "done");
    expect(running.progress).toMatchObject({ phase: expect.any(String) });
    const done = await pollJob(api, job.id);
    expect(done.status).toBe("done");
    expect(done.metrics).toMatchObject({ unassigned: 0 });
    expect(validateSchedule(exampleRoster, readScheduleJson(await (await api.request(done.result!)).text()))).toEqual([]);
    const csv = await (await api.request(done.result!, { headers: { accept: "text/csv" } })).text();
    expect(validateSchedule(exampleRoster, readScheduleCsv(csv, exampleRoster))).toEqual([]);
    expect((await holder(job.id)).worker).toBe(workers[0]!.id);
    const list = (await (await api.request(`/v1/runs?roster=${encodeURIComponent(exampleRoster.name)}`)).json()) as { runs: { id: string }[] };
    expect(list.runs[0]!.id).toBe(job.id);
    const ready = (await (await api.request("/readyz", { token: null })).json()) as { database: string };
    expect(ready.database).toBe("ok");
    const metrics = await (await api.request("/metrics", { token: null })).text();
    expect(metrics).toMatch(/kontinuum_jobs\{state="done"\} [1-9]/);
  });

  it("tenants: 401 without a known token, 404 for another token's job, result, cancel and delete", async () => {
    expect((await api.request("/v1/runs", { token: null })).status).toBe(401);
    expect((await api.request("/v1/runs", { token: "not-a-known-token" })).status).toBe(401);
    const job = await submit(api, EXAMPLE, 1);
    for (const [path, method] of [[`/v1/jobs/${job.id}`, "GET"], [`/v1/jobs/${job.id}/result`, "GET"], [`/v1/jobs/${job.id}`, "DELETE"], [`/v1/runs/${job.id}`, "DELETE"]] as const)
      expect((await api.request(path, { method, token: TOKEN_B })).status).toBe(404);
    expect((await api.request("/v1/jobs/not-a-uuid")).status).toBe(404);
    expect(((await (await api.request("/v1/runs", { token: TOKEN_B })).json()) as { runs: unknown[] }).runs).toEqual([]);
    expect((await pollJob(api, job.id)).status).toBe("done");
  });

  it("cancelling through the API stops the solve in the worker process, which takes the next job", async () => {
    const long = await submit(api, DISTRICT, 120);
    await pollJob(api, long.id, (j) => j.status === "running");
    const cancelled = await api.request(`/v1/jobs/${long.id}`, { method: "DELETE" });
    expect(((await cancelled.json()) as Job).status).toBe("cancelled");
    // one worker, one job at a time: the next job finishing shows the cancelled solve ended
    const next = await submit(api, EXAMPLE, 1);
    expect((await pollJob(api, next.id, undefined, 30)).status).toBe("done");
    expect(((await (await api.request(`/v1/jobs/${long.id}`)).json()) as Job).status).toBe("cancelled");
  });

  it("restarts: a new API server sees every run; a worker's clean stop hands its job back and another worker finishes it", async () => {
    const job = await submit(api, DISTRICT, 4);
    await pollJob(api, job.id, (j) => j.status === "running");
    await api.stop("SIGTERM");
    api = await startTestServer([], { dbPath: db.url });
    expect(((await (await api.request(`/v1/jobs/${job.id}`)).json()) as Job).status).toBe("running");

    const first = workers[0]!;
    await first.stop("SIGTERM");
    expect(first.process.exitCode).toBe(0);
    expect(first.log()).toMatch(/1 running job\(s\) handed back to the queue/);
    expect(await holder(job.id)).toEqual({ worker: null, attempts: 0 });
    workers = [await startWorkerProcess(db.url)];
    expect((await pollJob(api, job.id)).status).toBe("done");
    expect((await holder(job.id)).worker).toBe(workers[0]!.id);
  });

  it("a worker killed mid-job: the job is retried once on another worker; killed again, it fails with the reason", async () => {
    workers.push(await startWorkerProcess(db.url));
    const job = await submit(api, DISTRICT, 30);
    await pollJob(api, job.id, (j) => j.status === "running" && j.progress !== null);
    const byId = (id: string | null) => workers.find((w) => w.id === id)!;
    const firstHolder = byId((await holder(job.id)).worker);
    await firstHolder.stop("SIGKILL");
    // the other worker's sweep sees the heartbeat stop and queues the run again; that worker takes it
    const after = await waitFor(async () => {
      const h = await holder(job.id);
      return h.attempts === 2 && h.worker !== null ? h : null;
    }, 60);
    expect(after.worker).not.toBe(firstHolder.id);
    expect(((await (await api.request(`/v1/jobs/${job.id}`)).json()) as Job).status).toBe("running");
    workers = workers.filter((w) => w !== firstHolder);

    // the second loss: no third attempt
    await byId(after.worker).stop("SIGKILL");
    workers = [await startWorkerProcess(db.url)];
    const failed = await pollJob(api, job.id, (j) => j.status === "failed", 60);
    expect((failed as { error: string | null }).error).toMatch(/the worker running it stopped while this job was running, 2 times/);
    expect(workers[0]!.log()).toMatch(/1 run\(s\) lost their worker: 0 queued again, 1 failed/);
    // and the surviving worker goes on with new work
    const next = await submit(api, EXAMPLE, 1);
    expect((await pollJob(api, next.id, undefined, 30)).status).toBe("done");
  });

  it("a deleted run leaves no readable copy: its key is on no page of the database, its input and results are gone", async () => {
    const marker = "personal-data-marker-5519";
    const roster = JSON.parse(EXAMPLE) as { clients: { id: string }[] };
    roster.clients[0]!.id = marker;
    const text = JSON.stringify(roster).replaceAll(`"${JSON.parse(EXAMPLE).clients[0].id}"`, `"${marker}"`);
    const job = await submit(api, text, 1);
    expect((await pollJob(api, job.id)).status).toBe("done");
    expect(await (await api.request(`/v1/jobs/${job.id}/result`)).text()).toContain(marker);

    // what is on disk: sealed input and results, the key in the key table's file
    await db.query("CHECKPOINT");
    const file = async (table: string) => {
      const path = (await db.query<{ p: string }>("SELECT pg_relation_filepath($1) AS p", [table])).rows[0]!.p;
      return (await db.query<{ b: Buffer }>("SELECT pg_read_binary_file($1) AS b", [path])).rows[0]!.b;
    };
    const key = (await db.query<{ key: Buffer }>("SELECT key FROM kontinuum.input_keys WHERE id = $1", [job.id])).rows[0]!.key;
    expect((await file("kontinuum.input_keys")).includes(key)).toBe(true);
    for (const table of ["kontinuum.inputs", "kontinuum.runs"]) expect((await file(table)).includes(Buffer.from(marker))).toBe(false);
    // the queue carries the run id only (pg-boss 10 partitions its job table, so it is read by SQL)
    const queued = await db.query<{ data: unknown }>("SELECT data FROM pgboss.job WHERE data->>'runId' = $1 UNION ALL SELECT data FROM pgboss.archive WHERE data->>'runId' = $1", [job.id]);
    expect(queued.rows.map((r) => r.data)).toEqual([{ runId: job.id }]);

    expect((await api.request(`/v1/runs/${job.id}`, { method: "DELETE" })).status).toBe(204);
    await db.query("CHECKPOINT");
    expect((await file("kontinuum.input_keys")).includes(key)).toBe(false);
    expect((await db.query("SELECT 1 FROM kontinuum.inputs WHERE id = $1 UNION ALL SELECT 1 FROM kontinuum.runs WHERE id = $1", [job.id])).rowCount).toBe(0);
    expect((await api.request(`/v1/jobs/${job.id}`)).status).toBe(404);
  });
});
