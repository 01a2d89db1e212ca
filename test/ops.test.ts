import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonBody, pollJob, startTestServer, type TestServer } from "./server.js";

const EXAMPLE = readFileSync("fixtures/example.roster.json", "utf8");

describe("kontinuum serve: health, readiness, metrics and request logs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("/healthz and /readyz answer without a token", async () => {
    const health = await server.request("/healthz", { token: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await server.request("/readyz", { token: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "ok", stopping: false });
  });

  it("/metrics counts jobs by state, queue wait, solve seconds and request latency by route", async () => {
    const res = await server.request("/v1/homecare/jobs?timeLimitSeconds=2", jsonBody(EXAMPLE));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await pollJob(server, id)).status).toBe("done");
    const text = await (await server.request("/metrics", { token: null })).text();
    expect(text).toMatch(/^kontinuum_jobs\{state="done"\} 1$/m);
    expect(text).toMatch(/^kontinuum_jobs\{state="running"\} 0$/m);
    expect(text).toMatch(/^kontinuum_job_queue_wait_seconds_count\{kind="homecare"\} 1$/m);
    expect(text).toMatch(/^kontinuum_job_solve_seconds_count\{kind="homecare",outcome="done"\} 1$/m);
    expect(text).toMatch(/^kontinuum_http_request_duration_seconds_count\{method="POST",route="\/v1\/homecare\/jobs",status="202"\} 1$/m);
    // the route label is the pattern, never an id
    expect(text).toMatch(/route="\/v1\/jobs\/:id",status="200"/);
    expect(text).not.toContain(id);
    expect(text).toMatch(/^kontinuum_process_cpu_seconds_total /m);
  });

  it("every request gets one JSON log line with its id, given or made, and sent back", async () => {
    const given = await server.request("/healthz", { token: null, headers: { "x-request-id": "trace-42" } });
    expect(given.headers.get("x-request-id")).toBe("trace-42");
    const made = await server.request("/v1/runs");
    const id = made.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => server.log().includes(`"trace-42"`) && server.log().includes(`"${id}"`)).toBe(true);
    const lines = server.log().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { service?: string; req?: { id: string; url: string; method: string }; res?: { statusCode: number }; responseTime?: number });
    const mine = lines.find((l) => l.req?.id === id);
    expect(mine).toMatchObject({ req: { method: "GET", url: "/v1/runs" }, res: { statusCode: 200 }, service: "kontinuum" });
    expect(mine!.responseTime).toBeGreaterThanOrEqual(0);
    // no token and no body in any line
    expect(server.log()).not.toMatch(/token-alpha|Bearer/);
  });
});
