import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateScenario } from "../src/config/load.js";
import { CHANNELS } from "../src/events/enums.js";
import type { RunManifest } from "../src/report/manifest.js";
import { readColumns } from "../src/report/html/arrowColumns.js";
import { compareReport } from "../src/report/html/compareReport.js";
import { compareDifferences } from "../src/report/html/charts/compareDifferences.js";
import { compareDocument } from "../src/report/html/compareDocument.js";
import { escapeHtml, formatNumber } from "../src/report/html/page.js";
import { runReport } from "../src/report/html/runReport.js";
import { runScenario } from "../src/run/runScenario.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("zhongcao-report-unit-");
const scenario = validateScenario(
  {
    name: "report-unit",
    seed: 3,
    simulation: { days: 15, shardUsers: 400 },
    population: { users: 1000 },
    creators: { count: 300 },
    brands: { count: 25 },
    notes: { count: 1500 },
    // A 3-day burn-in leaves the 15 days a 6-day horizon: decision cycles to measure.
    aipsTruth: { interestDecayDays: 3 },
  },
  "test",
);
const loaded = { path: "test", sha256: "0".repeat(64), scenario };

const THROUGHPUT = /<figure class="chart" data-chart="throughput">[\s\S]*?<\/figure>/;
const manifestOf = (run: string) => JSON.parse(readFileSync(join(run, "run.json"), "utf8")) as RunManifest;

beforeAll(async () => {
  await runScenario(loaded, { outDir: join(dir.path, "inline"), events: true, workers: 0 });
  await runScenario(loaded, { outDir: join(dir.path, "pool"), events: true, workers: 2 });
});
afterAll(() => dir.cleanup());

describe("run report", () => {
  it("is the same for the same scenario and seed, except the throughput chart", () => {
    const [a, b] = ["inline", "pool"].map((run) => readFileSync(join(dir.path, run, "report.html"), "utf8"));
    expect(a).toMatch(THROUGHPUT);
    expect(a!.replace(THROUGHPUT, "")).toBe(b!.replace(THROUGHPUT, ""));
  });

  it("lists each category's decision cycles as run.json measured them, and draws them in the lag chart", () => {
    const html = readFileSync(join(dir.path, "inline", "report.html"), "utf8");
    const { burnInDays, horizonDays, byCategory } = manifestOf(join(dir.path, "inline")).purchases.decisionCycles;
    expect([burnInDays, horizonDays]).toEqual([3, 6]);
    expect(html).toContain(escapeHtml(`for cycles that started from day 3 to 6 days before the run's end`));
    const cells = Object.entries(byCategory).map(([name, c]) => `<td>${name}</td><td class="n">${formatNumber(c.touchToPurchaseDays)}</td><td class="n">${formatNumber(c.purchases)}</td>`);
    for (const row of cells) expect(html).toContain(row);
    // Some category had cycles to measure, even in this small run.
    expect(Object.values(byCategory).some((c) => c.purchases > 0)).toBe(true);
    expect(html).toContain("touch-caused purchases: days from the first touch of their decision cycle");
  });

  it("ticks the throughput chart's log scale at powers of ten, so kinds of a few hundred events have a reference too", () => {
    const html = readFileSync(join(dir.path, "inline", "report.html"), "utf8");
    const figure = THROUGHPUT.exec(html)![0];
    const texts = [...figure.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    const ticks = texts.slice(0, texts.indexOf("events (symmetric log scale)"));
    // Up to the largest kind's count (impressions), whose decade the run's size decides.
    const largest = Math.max(...Object.values(manifestOf(join(dir.path, "inline")).events.byKind));
    expect(largest).toBeGreaterThan(10_000);
    expect(ticks).toEqual(["1", "10", "100", "1k", "10k", "100k", "1M", "10M"].slice(0, Math.floor(Math.log10(largest)) + 1));
  });

  it("says a chart has nothing to draw instead of printing NaN or Infinity (no purchases; a state nobody reached)", async () => {
    const tiny = validateScenario({ name: "report-empty", seed: 3, simulation: { days: 2, shardUsers: 100 }, population: { users: 100 } }, "test");
    const out = join(dir.path, "empty");
    const { manifest } = await runScenario({ path: "test", sha256: "0".repeat(64), scenario: tiny }, { outDir: out, events: false, workers: 0 });
    expect(manifest.purchases.total).toBe(0);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(html).toContain('data-missing-chart="purchases-over-time">Purchases over time: the run made no purchases');
    expect(html).toMatch(/no user in [A-Z, ]*S on any day/);
    // Ratios of nothing are NaN in memory and null in run.json: the report shows the models all the same.
    expect(html).not.toContain("run.json has no attribution accuracy");
    expect(html).toContain("<th>conversions credited</th>");
    expect(html).toBe(await runReport(out, manifestOf(out)));
  });

  it("draws the last day's purchases: its step runs to the run's end, with and without events parts", async () => {
    const { purchasesOverTime } = await import("../src/report/html/charts/purchasesOverTime.js");
    const { eventPartPaths } = await import("../src/report/html/data/dailyPurchases.js");
    const { readTruthPurchases } = await import("../src/report/html/data/truthPurchases.js");
    const run = join(dir.path, "inline");
    const m = manifestOf(run);
    const start = Date.parse(`${m.scenario.resolved.simulation.start}T00:00:00Z`);
    const day = 86_400_000;
    for (const parts of [eventPartPaths(run), []]) {
      const chart = purchasesOverTime(m, parts, readTruthPurchases(run));
      const values = (chart as { spec: { layer: { data: { values: { date: number; purchases: number }[] } }[] } }).spec.layer[0]!.data.values;
      const on = (date: number) => values.filter((v) => v.date === date).map((v) => v.purchases);
      expect(Math.max(...values.map((v) => v.date))).toBe(start + 15 * day);
      expect(on(start + 15 * day)).toEqual(on(start + 14 * day));
      expect(on(start + 14 * day).some((n) => n > 0)).toBe(true);
    }
  });

  it("does not depend on the time zone it is written in", async () => {
    const run = join(dir.path, "inline");
    const zone = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      const utc = await runReport(run, manifestOf(run));
      process.env.TZ = "America/Los_Angeles";
      expect(await runReport(run, manifestOf(run))).toBe(utc);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("reads the columns it needs as apache-arrow reads them", () => {
    const path = join(dir.path, "inline", "truth_purchases.arrow");
    const table = tableFromIPC(readFileSync(path));
    const { columns, rows } = readColumns(path, ["time", "causeTime", "cause", "channel", "value", "brand"]);
    expect(rows).toBe(table.numRows);
    expect(rows).toBeGreaterThan(0);
    for (let i = 0; i < rows; i++) {
      const row = table.get(i)!;
      expect([columns.time[i], columns.causeTime[i], columns.cause[i]]).toEqual([row.time, row.causeTime, row.cause].map(Number));
      expect(CHANNELS[columns.channel[i]!]).toBe(row.channel);
      expect(columns.value[i]).toBe(row.value);
      expect(columns.brand[i]).toBe(row.brand);
    }
  });
});

describe("compare report", () => {
  it("reads compare.json back, where one replication's missing intervals became null", async () => {
    const interval = { mean: 2, low: Number.NaN, high: Number.NaN, n: 1 };
    const written = {
      a: { path: "a.yaml", name: "a", sha256: "x", policy: "closed" },
      b: { path: "b.yaml", name: "b", sha256: "y", policy: "redcat" },
      replications: 1,
      seeds: [42],
      metrics: [{ metric: "purchases.observed", a: interval, b: { ...interval, mean: 5 }, diff: { ...interval, mean: 3 } }],
      warnings: [],
      thresholds: [{ threshold: "purchases.observed>1", actual: 3, ok: true }],
    };
    const html = await compareReport(compareDocument.parse(JSON.parse(JSON.stringify(written))));
    expect(html).toContain("n/a (one replication)");
    expect(html).toContain('data-chart="compare-differences"');
    expect(html).not.toContain('class="chart-warning"');
  });

  it("asks for more replications where differences are equal by chance, not for a setting the scenarios fix", async () => {
    const fixed = (a: number, b: number) => ({ a: { mean: a, low: a, high: a, n: 2 }, b: { mean: b, low: b, high: b, n: 2 }, diff: { mean: b - a, low: b - a, high: b - a, n: 2 } });
    const doc = compareDocument.parse({
      a: { path: "a.yaml", name: "redcat-2025", policy: "redcat" },
      b: { path: "b.yaml", name: "hybrid-2025", policy: "hybrid" },
      replications: 2,
      seeds: [42, 43],
      metrics: [
        { metric: "accuracy.attribution.settings.cidWindowDays", ...fixed(7, 15) },
        { metric: "purchases.observed", ...fixed(3, 4) },
      ],
      warnings: [],
    });
    const html = await compareReport(doc);
    expect(html.match(/no spread: more replications needed/g)).toHaveLength(1);
    expect(html).toMatch(/<td>accuracy\.attribution\.settings\.cidWindowDays<\/td>.*?\[8(\.000)?, 8(\.000)?\] <span class="ok">set by the scenarios<\/span>/s);
  });

  it("names the metrics that are zero under A, which a relative axis cannot show", () => {
    const row = (metric: string, a: number, b: number) => ({ metric, a: { mean: a, low: a, high: a, n: 3 }, b: { mean: b, low: b, high: b, n: 3 }, diff: { mean: b - a, low: b - a - 1, high: b - a + 1, n: 3 } });
    const chart = compareDifferences([row("purchases.observed", 10, 15), row("purchases.true.link", 0, 61.8)], 3);
    expect("caption" in chart && chart.caption).toMatch(/Zero under A, so not on this axis: purchases\.true\.link \(B 61\.8\)\.$/);
    const many = compareDifferences([...Array.from({ length: 9 }, (_, i) => row(`purchases.true.c${i}`, 0, 2)), row("purchases.true.link", 0, 61.8)], 3);
    expect("missing" in many && many.missing).toMatch(/on this axis: purchases\.true\.c0 \(B 2\),.* and 2 more \(compare\.json\)\.$/);
    // The engines' accuracy figures (one per model) stay in the table, out of this chart.
    const withAccuracy = compareDifferences([...Array.from({ length: 20 }, (_, i) => row(`accuracy.attribution.models.m${i}.conversionsCredited`, 1, 20)), row("purchases.observed", 10, 15)], 3);
    expect("spec" in withAccuracy && JSON.stringify(withAccuracy.spec)).toContain("purchases.observed");
    expect(JSON.stringify(withAccuracy)).not.toContain("conversionsCredited");
    const only = compareDifferences([row("purchases.true.link", 0, 61.8)], 3);
    expect("missing" in only && only.missing).toMatch(/no metric that is non-zero under A differs .* purchases\.true\.link \(B 61\.8\)/);
  });
});
