import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { JobRunner } from "../api/jobs.js";
import { SqliteRunStore } from "../api/store-sqlite.js";

describe("the job runner's threads", () => {
  it("runs the next job on the thread that finished the last, and a new thread after one dies with its job or fails it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kontinuum-job-threads-"));
    // a stand-in for api/worker.ts: answers with its thread id, dies on a body that says "crash", fails one that says "fail"
    const standIn = join(dir, "stand-in.mjs");
    writeFileSync(
      standIn,
      `import { parentPort, threadId } from "node:worker_threads";
parentPort.on("message", (job) => {
  if (job.body === "crash") process.exit(3);
  if (job.body === "fail") return parentPort.postMessage({ type: "failed", error: "no roster keeps every rule" });
  parentPort.postMessage({ type: "done", progress: null, result: { json: "thread " + threadId, csv: "", metrics: {} } });
});`,
    );
    const store = new SqliteRunStore(join(dir, "runs.sqlite"));
    const runner = new JobRunner(store, 1, "test", pathToFileURL(standIn));
    const ids: string[] = [];
    for (const body of ["a", "b", "crash", "d", "e", "fail", "g"]) {
      const row = await store.createRun("owner", "homecare", body, body, { seed: 1, timeLimitSeconds: 1 });
      const claimed = await store.claim("test", row.id);
      await runner.run(claimed!);
      ids.push(row.id);
    }
    const thread = async (k: number) => (await store.result("owner", ids[k]!, "json"))!;
    expect(await thread(0)).toMatch(/^thread \d+$/);
    expect(await thread(1)).toBe(await thread(0));
    const crashed = await store.getRun("owner", ids[2]!);
    expect(crashed?.status).toBe("failed");
    expect(crashed?.error).toMatch(/exited \(code 3\)/);
    expect(await thread(3)).not.toBe(await thread(0));
    expect(await thread(4)).toBe(await thread(3));
    expect((await store.getRun("owner", ids[5]!))?.error).toBe("no roster keeps every rule");
    expect(await thread(6)).not.toBe(await thread(4));
    expect(await runner.close()).toBe(0);
    await store.close();
  });
});
