import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCallsFixture } from "../src/calls/generate.js";
import { startTestServer, TOKEN_A, type TestServer } from "./server.js";

/**
 * The planner's page end to end in headless Chromium (Debian's package, driven by playwright-core):
 * upload the bundled district, follow the job, check the page's figures against the API's, open
 * a client's strip and a caregiver's day, then a 1177 region. Screenshots go to SCREENSHOTS
 * (default out/screenshots); the README's come from here.
 */

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOTS ?? "out/screenshots";
// .ci/run installs Chromium, so CI always runs these; a developer machine without it is told how
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium package`);
if (!haveChromium) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(haveChromium)("the planner's page in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

  it("refuses a wrong token and signs in with a right one, by keyboard", async () => {
    await page.goto(`${server.url}/`);
    await page.focus("#token");
    await page.keyboard.type("not-the-token");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#token-error")).toMatch(/not known/);
    await page.fill("#token", TOKEN_A);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#start:not([hidden])");
  });

  it("schedules the bundled district with a live progress bar; the summary equals the API's figures", async () => {
    await page.setInputFiles("#roster-file", "fixtures/district.roster.json");
    await page.setInputFiles("#before-file", "fixtures/district.before.csv");
    await page.fill("#homecare-time", "8");
    await page.click("#homecare-form button[type=submit]");
    await page.waitForSelector("#progress-box:not([hidden])");
    await expect.poll(() => page.textContent("#progress-label"), { timeout: 30_000 }).toMatch(/improve · \d+ unassigned · \d+ client-caregiver pairs · [\d.]+ s/);
    await shot("progress");
    await page.waitForSelector("#homecare-result:not([hidden])", { timeout: 90_000 });

    const runs = (await (await server.request("/v1/runs?limit=1")).json()) as { runs: { id: string; metrics: Record<string, number> }[] };
    const run = runs.runs[0]!;
    const schedule = await (await server.request(`/v1/jobs/${run.id}/result`)).json();
    const compare = (await (await server.request("/v1/homecare/compare", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roster: JSON.parse(await readText("fixtures/district.roster.json")), before: await readText("fixtures/district.before.csv"), after: schedule }),
    })).json()) as { before: { u21401: number; u21402: number }; after: { u21401: number; u21402: number; unassigned: number; travelMinutes: number }; clients: { client: string; after: number }[] };

    const row = async (label: string) => (await page.locator("#summary tbody tr", { hasText: label }).first().locator("td").allTextContents()).slice(1);
    expect(await row("U21401")).toEqual([compare.before.u21401.toFixed(1), compare.after.u21401.toFixed(1)]);
    expect(await row("U21402")).toEqual([compare.before.u21402.toFixed(1), compare.after.u21402.toFixed(1)]);
    expect((await row("unassigned"))[1]).toBe(String(compare.after.unassigned));
    expect((await row("travel minutes"))[1]).toBe(String(compare.after.travelMinutes));
    expect((await row("lower bound"))[1]).toBe(run.metrics.lowerBoundU21401!.toFixed(1));
    expect(run.metrics.u21401).toBe(compare.after.u21401);
    await shot("summary");

    // the client table, sorted by gain; open the first client's 14-day strip
    await page.click("#t-clients");
    const first = page.locator("#clients tbody tr").first();
    const client = (await first.locator("button").textContent())!.replace(" *", "");
    await shot("clients", false);
    await first.locator("button").click();
    await page.waitForSelector("#client-strip:not([hidden])");
    const distinct = compare.clients.find((c) => c.client === client)!.after;
    expect(await page.textContent("#client-strip-title")).toMatch(new RegExp(`^${client}: \\d+ visits by \\d+ caregivers; ${distinct} on the visits Kolada counts`));
    expect(await page.getAttribute("#strip-chart", "aria-label")).toContain(`${client}'s visits over 14 days`);
    await page.locator("#client-strip").screenshot({ path: join(SHOTS, "client-strip.png") });

    // tabs move with the arrow keys; the caregiver Gantt draws for the chosen caregiver
    await page.focus("#t-clients");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.getAttribute("#t-caregivers", "aria-selected")).toBe("true");
    await page.selectOption("#caregiver-select", "d03");
    expect(await page.getAttribute("#gantt-chart", "aria-label")).toBe("d03's shifts: visits, travel and breaks per day");
    await shot("caregiver");

    await page.click("#t-unassigned");
    expect(await page.textContent("#t-unassigned")).toBe(`Unassigned (${compare.after.unassigned})`);
    await page.click("#t-download");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
    expect(download.suggestedFilename()).toMatch(/\.schedule\.csv$/);
  });

  it("a caregiver calls in sick: the proposed changes equal the API's re-plan; accepted, the figures follow; a client's explanation; the day's map", async () => {
    const runs = (await (await server.request("/v1/runs?limit=1")).json()) as { runs: { id: string }[] };
    const schedule = (await (await server.request(`/v1/jobs/${runs.runs[0]!.id}/result`)).json()) as { assignments: { date: string; client: string; caregivers: string[] }[] };
    // the caregiver with the most visits on 2026-10-21 and 22
    const count = new Map<string, number>();
    for (const a of schedule.assignments) if (a.date === "2026-10-21" || a.date === "2026-10-22") for (const c of a.caregivers) count.set(c, (count.get(c) ?? 0) + 1);
    const sick = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    await page.click("#t-sick");
    await page.selectOption("#sick-caregiver", sick);
    await page.selectOption("#sick-from", "2026-10-21");
    await page.fill("#sick-days", "2");
    await page.fill("#sick-now", "06:30");
    await page.click("#sick-form button[type=submit]");
    await page.waitForSelector("#sick-result:not([hidden])", { timeout: 30_000 });
    const roster = JSON.parse(await readText("fixtures/district.roster.json")) as { name: string };
    const changes = { roster: roster.name, now: "2026-10-21T06:30", changes: [{ type: "caregiverAbsent", caregiver: sick, from: "2026-10-21T06:30", to: "2026-10-23" }] };
    const api = (await (await server.request("/v1/homecare/replan", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ roster, schedule, changes }) })).json()) as { schedule: typeof schedule; report: { changed: { why: string }[]; summary: { changedAssignments: number; u21401: { after: number } } } };
    expect(api.report.changed.length).toBeGreaterThan(0);
    expect(await page.locator("#sick-changes tbody tr").count()).toBe(api.report.changed.length);
    expect(await page.textContent("#sick-summary")).toContain(`${api.report.summary.changedAssignments} assignments change`);
    // row by row the API's changes (a visit the sick caregiver had, or one moved to make room for it,
    // which may come first in time), and the sick caregiver's visits among them
    const rows = await page.locator("#sick-changes tbody tr").allTextContents();
    rows.forEach((row, i) => expect(row).toContain(api.report.changed[i]!.why));
    expect(rows.some((row) => row.includes(`${sick} absent`))).toBe(true);
    await shot("sick-call");
    await page.click("#sick-accept");
    await expect.poll(() => page.textContent("#sick-accepted")).toMatch(/^Accepted/);
    await expect.poll(() => page.getAttribute("#summary", "data-u21401")).toBe(api.report.summary.u21401.after.toFixed(1));

    // a client's explanation beside its strip
    await page.click("#t-clients");
    await page.locator("#clients tbody tr").first().locator("button").click();
    // The page's problem line joins the box, so a failed request says why instead of "Explaining…"
    // (it once said the accepted schedule broke a pin of the original roster: the page now keeps
    // the changed roster the re-plan answers with)
    await expect.poll(async () => `${await page.textContent("#client-explain")}${await page.textContent("#problem")}`, { timeout: 10_000 }).toMatch(/^Why k\d+ meets \d+Main team: /);
    await page.locator("#client-strip").screenshot({ path: join(SHOTS, "client-explain.png") });

    // the map of 2026-10-22: one route per caregiver working that day, one dot per client visited
    await page.click("#t-map");
    await page.selectOption("#map-date", "2026-10-22");
    // the map draws the schedule in force: the accepted re-plan, without her that day
    const day = api.schedule.assignments.filter((a) => a.date === "2026-10-22");
    const working = new Set(day.flatMap((a) => a.caregivers));
    expect(working.has(sick)).toBe(false);
    await expect.poll(() => page.locator("#map polyline").count()).toBe(working.size);
    expect(await page.locator("#map circle").count()).toBe(new Set(day.map((a) => a.client)).size);
    expect(await page.locator("#map polyline[data-caregiver]").first().getAttribute("stroke")).toMatch(/^#[0-9a-f]{6}$/);
    await shot("map");
  });

  it("lists the occurrences nobody can take, with the reason a scheduler can act on", async () => {
    const roster = JSON.parse(await readText("fixtures/example.roster.json")) as { clients: { visits: { skills?: string[] }[] }[] };
    roster.clients[0]!.visits[0]!.skills = ["dialys"]; // a skill no caregiver has
    const dir = mkdtempSync(join(tmpdir(), "kontinuum-web-"));
    writeFileSync(join(dir, "impossible.roster.json"), JSON.stringify(roster));
    await page.setInputFiles("#roster-file", join(dir, "impossible.roster.json"));
    await page.setInputFiles("#before-file", []);
    await page.fill("#homecare-time", "2");
    await page.click("#homecare-form button[type=submit]");
    await page.locator("#homecare-result-title", { hasText: "Exempel" }).waitFor({ state: "visible", timeout: 60_000 });
    const runs = (await (await server.request("/v1/runs?limit=1")).json()) as { runs: { metrics: Record<string, number> }[] };
    const unassigned = runs.runs[0]!.metrics.unassigned!;
    expect(unassigned).toBeGreaterThan(0);
    await page.click("#t-unassigned");
    expect(await page.locator("#unassigned tbody tr").count()).toBe(unassigned);
    expect(await page.locator("#unassigned tbody tr").first().textContent()).toMatch(/dialys/);
    await shot("unassigned", false);
  });

  it("staffs a 1177 region across the autumn DST change: chart, service level per day and roster", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kontinuum-web-"));
    const fixture = generateCallsFixture({ seed: 4, nurses: 14, days: 7, start: "2026-10-22", historyWeeks: 3 });
    writeFileSync(join(dir, "small.calls.json"), JSON.stringify(fixture.input));
    writeFileSync(join(dir, "small.history.csv"), fixture.historyCsv);
    await page.setInputFiles("#calls-file", join(dir, "small.calls.json"));
    await page.setInputFiles("#history-file", join(dir, "small.history.csv"));
    await page.fill("#calls-time", "20");
    await page.click("#calls-form button[type=submit]");
    await page.waitForSelector("#calls-result:not([hidden])", { timeout: 90_000 });
    const runs = (await (await server.request("/v1/runs?limit=1")).json()) as { runs: { id: string; metrics: Record<string, number> }[] };
    const staffing = (await (await server.request(`/v1/jobs/${runs.runs[0]!.id}/result`)).json()) as { intervals: unknown[]; roster: unknown[] };
    expect(await page.getAttribute("#calls-summary", "data-service-level")).toBe(`${Math.round(runs.runs[0]!.metrics.serviceLevel! * 100)} %`);
    expect(staffing.intervals).toHaveLength(7 * 96 + 4); // 2026-10-25 has 100 quarter-hours
    expect(await page.locator("#roster-table tbody tr").count()).toBe(staffing.roster.length);
    await shot("calls");
  });
});

async function readText(path: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(path, "utf8");
}
