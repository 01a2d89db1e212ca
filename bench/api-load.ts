import autocannon from "autocannon";
import { readFileSync } from "node:fs";
import { table } from "../src/common/table.js";
import { startServerProcess, TOKEN_A, type ServerProcess } from "./server-process.js";

/**
 * The API under load: a real server in its own process (one solver worker) solving the bundled
 * district, while this process fires concurrent validate and score requests at it (autocannon).
 * Reports throughput, p99 latency and failures, and how far the solver job got meanwhile.
 */

const SECONDS = 15;
const CONNECTIONS = 16;

interface JobView {
  status: string;
  progress: { phase: string; fraction: number; elapsedSeconds: number } | null;
}

async function job(server: ServerProcess, id: string): Promise<JobView> {
  return (await (await server.request(`/v1/jobs/${id}`)).json()) as JobView;
}

export async function apiLoad(): Promise<{ rows: string[][]; job: string; failed: number }> {
  const server = await startServerProcess(["--workers", "1"]);
  try {
    const district = readFileSync("fixtures/district.roster.json", "utf8");
    const body = JSON.stringify({ roster: JSON.parse(readFileSync("fixtures/example.roster.json", "utf8")), schedule: readFileSync("fixtures/example.before.csv", "utf8") });
    // the solver must be busy for the whole load (two routes of SECONDS each): one district ends its moves in about 18 s,
    // so three are queued behind each other on the one solver worker
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) ids.push(((await (await server.request("/v1/homecare/jobs?timeLimitSeconds=120", { method: "POST", headers: { "content-type": "application/json" }, body: district })).json()) as { id: string }).id);
    const submitted = { id: ids[0]! };
    const deadline = Date.now() + 30_000;
    while ((await job(server, submitted.id)).progress === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const before = await job(server, submitted.id);
    const rows: string[][] = [];
    let failed = 0;
    for (const path of ["/v1/homecare/validate", "/v1/homecare/score"]) {
      const r = await autocannon({
        url: server.url + path,
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN_A}`, "content-type": "application/json" },
        body,
        connections: CONNECTIONS,
        duration: SECONDS,
      });
      const bad = r.errors + r.timeouts + r.non2xx;
      failed += bad;
      rows.push([path, String(CONNECTIONS), String(r.requests.total), r.requests.average.toFixed(1), `${r.latency.p50} ms`, `${r.latency.p99} ms`, String(bad)]);
    }
    const after = await job(server, submitted.id);
    const progressed = after.status === "done" || (after.progress?.elapsedSeconds ?? 0) > (before.progress?.elapsedSeconds ?? 0);
    if (!progressed) failed++;
    const at = (j: JobView) => `${j.status} ${j.progress?.phase ?? "-"} ${Math.round((j.progress?.fraction ?? 0) * 100)} % at ${j.progress?.elapsedSeconds ?? 0} s`;
    const running = await Promise.all(ids.map((id) => job(server, id)));
    const busy = running.some((j) => j.status === "running");
    if (!busy) failed++;
    for (const id of ids) await server.request(`/v1/jobs/${id}`, { method: "DELETE" });
    return { rows, job: `district jobs meanwhile (three queued on one solver worker): the first ${at(before)} -> ${at(after)}${progressed ? "" : " (NO PROGRESS)"}; one still running at the end: ${busy ? "yes" : "NO"}`, failed };
  } finally {
    await server.stop();
  }
}

export function formatApiLoad(result: Awaited<ReturnType<typeof apiLoad>>): string {
  return [
    table(["route (example roster + hand-made CSV)", "connections", "requests", "req/s", "p50", "p99", "failed"], result.rows),
    result.job,
  ].join("\n");
}
