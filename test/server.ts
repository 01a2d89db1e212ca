import type { ServerProcess } from "../bench/server-process.js";

export { startServerProcess as startTestServer, tempDb, TOKEN_A, TOKEN_B, type ServerProcess as TestServer } from "../bench/server-process.js";
type TestServer = ServerProcess;

export const jsonBody = (value: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof value === "string" ? value : JSON.stringify(value),
});

/** Polls a job until it has ended (or `until` holds), failing after `seconds`. */
export async function pollJob(server: TestServer, id: string, until: (job: { status: string; progress: unknown }) => boolean = (j) => !["queued", "running"].includes(j.status), seconds = 90, token?: string) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await server.request(`/v1/jobs/${id}`, token ? { token } : {});
    const job = (await res.json()) as { status: string; progress: { phase: string; elapsedSeconds: number; best: number } | null; error: string | null; metrics: Record<string, number> | null; result: string | null };
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
