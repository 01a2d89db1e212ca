import { api, getJson } from "./api.js";
import { $, fmt, show } from "./dom.js";
import type { Job } from "./types.js";

/** Following a job with its progress bar, cancelling it, and the page's one place for errors. */
let currentJob: string | null = null;

export async function follow(job: Job): Promise<Job> {
  currentJob = job.id;
  show("progress-box", true);
  const bar = $<HTMLProgressElement>("progress");
  for (;;) {
    const p = job.progress;
    bar.value = p?.fraction ?? 0;
    const figures = !p ? "" : job.kind === "homecare" ? ` · ${p.unassigned ?? 0} unassigned · ${p.distinctStaffSum ?? 0} client-caregiver pairs` : ` · service level ${fmt(p.best * 100)} %`;
    $("progress-label").textContent = job.status === "queued" ? "Queued" : `${p?.phase ?? "starting"}${figures} · ${fmt(p?.elapsedSeconds ?? 0)} s`;
    if (!["queued", "running"].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 500));
    job = await getJson<Job>(`/v1/jobs/${job.id}`);
  }
  show("progress-box", false);
  currentJob = null;
  if (job.status !== "done") throw new Error(`The job ${job.status}${job.error ? `: ${job.error}` : ""}`);
  return job;
}

$("cancel").addEventListener("click", async () => {
  if (currentJob) await api(`/v1/jobs/${currentJob}`, { method: "DELETE" }).catch(() => undefined);
});

export async function guarded(run: () => Promise<void>): Promise<void> {
  $("problem").textContent = "";
  for (const b of document.querySelectorAll<HTMLButtonElement>("form button[type=submit]")) b.disabled = true;
  try {
    await run();
  } catch (err) {
    show("progress-box", false);
    $("problem").textContent = (err as Error).message;
  } finally {
    for (const b of document.querySelectorAll<HTMLButtonElement>("form button[type=submit]")) b.disabled = false;
  }
}
