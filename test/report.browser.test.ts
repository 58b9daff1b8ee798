import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateScenario } from "../src/config/load.js";
import { runScenario } from "../src/run/runScenario.js";
import { chromiumInstalled, CHROMIUM, launchChromium } from "./support/chromium.js";
import { runCli, tempDir } from "./helpers.js";

/** Developers without Chromium may skip; CI (CI set) must run it, and fails without it. */
const skip = !chromiumInstalled() && !process.env.CI;
const suite = skip ? describe.skip : describe;
const title = skip ? `HTML report in Chromium (skipped: no ${CHROMIUM}; apt-get install chromium)` : "HTML report in Chromium";

const RUN_CHARTS = ["conversions-by-channel", "purchases-over-time", "lag-to-purchase", "aips-flows", "aips-states", "throughput"];

interface PageCheck {
  readonly requests: string[];
  readonly problems: string[];
  /** Per chart: data marks (children of vega's role-mark groups) and all drawn elements. */
  readonly charts: { name: string; marks: number; elements: number; width: number; height: number }[];
  /** Charts that could not be drawn, and warnings vega-lite or vega gave while drawing. */
  readonly missing: string[];
  readonly screenshot: Buffer;
}

async function openReport(context: BrowserContext, file: string): Promise<PageCheck> {
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? "?"})`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const url = pathToFileURL(file).href;
  const response = await page.goto(url, { waitUntil: "load" });
  expect(response?.ok() ?? true).toBe(true);
  const charts = [];
  for (const figure of await page.locator("figure.chart").all()) {
    const svg = figure.locator("svg");
    const box = await svg.boundingBox();
    charts.push({
      name: (await figure.getAttribute("data-chart")) ?? "",
      marks: await svg.locator("g.role-mark > *").count(),
      elements: await svg.locator("path, rect, circle, line, text").count(),
      width: box?.width ?? 0,
      height: box?.height ?? 0,
    });
  }
  const missing = [
    ...(await Promise.all((await page.locator("[data-missing-chart]").all()).map(async (p) => (await p.getAttribute("data-missing-chart")) ?? ""))),
    ...(await page.locator(".chart-warning").allTextContents()),
  ];
  const screenshot = await page.screenshot({ fullPage: true });
  await page.close();
  return { requests: requests.filter((r) => r !== url), problems, charts, missing, screenshot };
}

function expectCleanPage(check: PageCheck, charts: readonly string[]): void {
  expect(check.problems).toEqual([]);
  // Self-contained: the page itself is the only thing the browser fetched.
  expect(check.requests).toEqual([]);
  expect(check.missing).toEqual([]);
  expect(check.charts.map((c) => c.name)).toEqual(charts);
  for (const c of check.charts) {
    // A line series is one mark, so a line chart of two series has two.
    expect(c.marks, `${c.name}: data marks`).toBeGreaterThanOrEqual(2);
    expect(c.elements, `${c.name}: drawn elements`).toBeGreaterThan(20);
    expect(c.width * c.height, `${c.name}: drawn area`).toBeGreaterThan(200 * 100);
  }
  // A PNG, and not a blank one: a full-page screenshot of charts compresses to tens of kB.
  expect(check.screenshot.subarray(1, 4).toString()).toBe("PNG");
  expect(check.screenshot.length).toBeGreaterThan(30_000);
}

suite(title, () => {
  const dir = tempDir("zhongcao-report-");
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    expect(chromiumInstalled(), `${CHROMIUM} is required in CI (apt-get install chromium)`).toBe(true);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    dir.cleanup();
  });

  it("run report (events parts written): every chart drawn, no console errors, no requests", async () => {
    const scenario = validateScenario(
      {
        name: "report",
        seed: 11,
        simulation: { days: 20, shardUsers: 500 },
        population: { users: 1500 },
        creators: { count: 400 },
        brands: { count: 30 },
        notes: { count: 2000 },
        behaviour: { adLoad: 0.3, adCtr: 0.1 },
        policy: { type: "redcat", redcat: { windowDays: 7, minDailyBudgetYuan: 1000, minExperienceScore: 4.2 } },
      },
      "test",
    );
    const out = join(dir.path, "run");
    await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: out, events: true, workers: 0 });
    const check = await openReport(browser.context, join(out, "report.html"));
    expectCleanPage(check, RUN_CHARTS);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("observed vs true");
  });

  it("run report without events parts and with a policy timeline: true purchases by channel, switches marked", async () => {
    const scenario = validateScenario(
      {
        name: "report-timeline",
        seed: 5,
        simulation: { start: "2025-01-20", days: 30, shardUsers: 1000 },
        population: { users: 1000 },
        creators: { count: 300 },
        brands: { count: 25 },
        notes: { count: 1500 },
        policy: {
          type: "timeline",
          switches: [
            { from: "2025-01-20", policy: { type: "closed" } },
            { from: "2025-02-01", policy: { type: "blue_links" } },
          ],
        },
      },
      "test",
    );
    const out = join(dir.path, "timeline");
    await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: out, events: false, workers: 0 });
    const check = await openReport(browser.context, join(out, "report.html"));
    expectCleanPage(check, RUN_CHARTS);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("no events parts");
    expect(html).toContain("blue_links");
  });

  it("compare report: metrics table, differences with CI error bars, threshold verdicts", async () => {
    const out = join(dir.path, "compare");
    const r = await runCli([
      "compare",
      "scenarios/closed-2022.yaml",
      "scenarios/redcat-2025.yaml",
      ...["--replications", "3", "--users", "1500", "--days", "20", "--workers", "0", "--quiet", "--json", "--out", out],
      ...["--threshold", "users<=0", "--threshold", "purchases.observed<-1000000"],
    ]);
    expect(r.code).toBe(3);
    expect(existsSync(join(out, "compare.json"))).toBe(true);
    const check = await openReport(browser.context, join(out, "report.html"));
    expectCleanPage(check, ["compare-differences"]);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toMatch(/<td>users<\/td>.*no difference in any replication/);
    expect(html).toContain(`<span class="bad">FAIL</span>`);
    expect(html).toContain(`<span class="ok">ok</span>`);
  });
});
