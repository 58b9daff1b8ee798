import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CalibrationRow } from "../calibration.js";
import type { DecisionCycles } from "../decisionCycles.js";
import type { RunManifest } from "../manifest.js";
import { figure } from "./chart.js";
import { aipsFlows } from "./charts/aipsFlows.js";
import { aipsStates } from "./charts/aipsStates.js";
import { conversionsByChannel } from "./charts/conversionsByChannel.js";
import { lagHistogram } from "./charts/lagHistogram.js";
import { purchasesOverTime } from "./charts/purchasesOverTime.js";
import { throughput } from "./charts/throughput.js";
import { readAipsDaily, readAipsFlows } from "./data/aipsTables.js";
import { readLiftDaily } from "./data/liftDaily.js";
import { liftOverTime } from "./charts/liftOverTime.js";
import { eventPartPaths } from "./data/dailyPurchases.js";
import { readTruthPurchases } from "./data/truthPurchases.js";
import { aipsSummary, attributionSummary, liftSummary, parseSummary, type AipsSummary, type AttributionSummary, type LiftSummary } from "./engineSummaries.js";
import { escapeHtml, facts, formatNumber, htmlDocument, percent, table, verdict, warnings, type Cell } from "./page.js";

export const REPORT_FILE = "report.html";

/**
 * Writes `report.html` into a run directory: the run's identity and calibration, then
 * charts drawn from run.json and the run's Arrow files. Everything but the throughput
 * figures is a function of scenario and seed.
 */
export async function writeRunReport(dir: string, manifest: RunManifest): Promise<void> {
  // The report reads run.json as written: ratios of nothing, NaN in memory, are null there, as its schemas expect.
  const written = JSON.parse(JSON.stringify(manifest)) as RunManifest;
  await writeFile(join(dir, REPORT_FILE), await runReport(dir, written));
}

export async function runReport(dir: string, m: RunManifest): Promise<string> {
  const sim = m.scenario.resolved.simulation;
  const truth = readTruthPurchases(dir);
  const attribution = parseSummary(attributionSummary, m.accuracy.attribution);
  const aips = parseSummary(aipsSummary, m.accuracy.aips);
  const lift = parseSummary(liftSummary, m.accuracy.lift);
  const body = [
    `<div class="top"><div>${header(m)}${warnings(m.warnings)}${thresholdTable(m)}</div><div><h3>Calibration</h3>${calibrationTable(m.calibration)}</div></div>`,
    `<h2>Attribution</h2>`,
    await figure(conversionsByChannel(attribution)),
    attribution ? attributionTable(attribution) : "",
    `<h2>Purchases</h2>`,
    await figure(purchasesOverTime(m, eventPartPaths(dir), truth)),
    await figure(lagHistogram(truth)),
    decisionCycleTable(m.purchases.decisionCycles),
    `<h2>AIPS</h2>`,
    aips ? aipsTable(aips) : "",
    await figure(aipsFlows(readAipsFlows(dir))),
    await figure(aipsStates(readAipsDaily(dir), sim.start)),
    lift ? liftSection(lift) : "",
    lift ? await liftFigure(dir, sim.start) : "",
    `<h2>Throughput</h2>`,
    await figure(throughput(m)),
  ];
  return htmlDocument(`zhongcao run: ${m.scenario.name} (seed ${m.seed})`, body.filter((s) => s !== "").join("\n"));
}

/**
 * The scenario's description, which speaks of the size written in the file: when --users or
 * --days changed it, the subtitle says what this run was.
 */
function subtitle(m: RunManifest): string {
  const s = m.scenario.resolved;
  const o = m.scenario.overrides ?? {};
  const description = s.description ?? "";
  if (o.users === undefined && o.days === undefined) return description;
  const flags = [o.users === undefined ? "" : "--users", o.days === undefined ? "" : "--days"].filter((f) => f !== "").join(", ");
  const size = `this run: ${formatNumber(s.population.users)} users over ${formatNumber(s.simulation.days)} days (${flags})`;
  return description === "" ? size : `${description}; ${size}`;
}

function header(m: RunManifest): string {
  const s = m.scenario.resolved;
  const removed = m.counterfactual.removedChannel;
  return `<h1>zhongcao run: ${escapeHtml(m.scenario.name)}</h1>
<p class="sub">${escapeHtml(subtitle(m))}</p>
${facts([
  ["seed", String(m.seed)],
  ["policy", s.policy.type],
  ["users", formatNumber(s.population.users)],
  [`days from ${s.simulation.start}`, formatNumber(s.simulation.days)],
  ["true purchases", formatNumber(m.purchases.total)],
  ["observed purchases", `${formatNumber(m.purchases.observed)} (${percent(m.purchases.observed / m.purchases.total)})`],
  ["true ROI: value of touch-caused purchases ÷ ad spend", formatNumber(m.economics.trueRoi ?? Number.NaN)],
  ["observed ROI: value of observed purchases ÷ ad spend", formatNumber(m.economics.observedRoi ?? Number.NaN)],
  // Runs of earlier releases have no cost per new TI user.
  ["true cost per new TI user: ad spend ÷ new TI users, yuan", formatNumber(m.economics.trueCostPerNewTiYuan ?? Number.NaN)],
  ["observed cost per new TI user, as the AIPS engine counts them", formatNumber(m.economics.observedCostPerNewTiYuan ?? Number.NaN)],
])}
<p class="sub">${escapeHtml(`${m.tool} ${m.version} · scenario sha256 ${m.scenario.sha256.slice(0, 12)}…${removed === null ? "" : ` · counterfactual: ${removed} touches plant no purchases`}`)}</p>
<details><summary>policy settings</summary><pre>${escapeHtml(JSON.stringify(s.policy, null, 2))}</pre></details>`;
}

function calibrationTable(rows: readonly CalibrationRow[]): string {
  if (rows.length === 0) return `<p class="missing">no calibration rows in run.json</p>`;
  return table(
    ["metric", "value", "target", "ok", "source"],
    rows.map((r) => [r.metric, r.value, `${formatNumber(r.min)} – ${formatNumber(r.max)}`, verdict(r.ok), r.source]),
  );
}

/** Each category's median decision cycle, as run.json measured it under its horizon. */
function decisionCycleTable(c: DecisionCycles): string {
  const rows = Object.entries(c.byCategory).map(([name, k]): Cell[] => [
    name,
    k.touchToPurchaseDays,
    k.purchases,
    k.medianDays ?? "n/a",
    k.lowDays === null || k.highDays === null ? "" : `${formatNumber(k.lowDays)} – ${formatNumber(k.highDays)}`,
  ]);
  if (c.horizonDays === 0) return `<h3>Decision cycles</h3><p class="missing">${escapeHtml(`none measured: the run is no longer than the ${c.burnInDays}-day burn-in`)}</p>`;
  return (
    `<h3>Decision cycles</h3><p class="sub">${escapeHtml(`Days from a cycle's first touch to its purchase (touch-caused purchases), for cycles that started from day ${c.burnInDays} to ${c.horizonDays} days before the run's end, up to ${c.horizonDays} days: a short run understates long cycles.`)}</p>` +
    table(["category", "touchToPurchaseDays (input)", "cycles", "median days", "95 % interval"], rows)
  );
}

/** What `run --threshold` judged (nothing when the run had no threshold). */
function thresholdTable(m: RunManifest): string {
  if (!m.thresholds || m.thresholds.length === 0) return "";
  const rows = m.thresholds.map((v): Cell[] => [v.threshold, Number.isFinite(v.actual) ? v.actual : "n/a", verdict(v.ok), v.reason ?? ""]);
  return `<h3>Thresholds</h3>${table(["threshold", "actual", "ok", "why not judged"], rows)}`;
}

function attributionTable(a: AttributionSummary): string {
  const truthRow: Cell[] = ["truth", a.trueConversions ?? "", a.trueConversions === undefined ? "" : "100 %", ""];
  const models = Object.entries(a.models).map(([model, s]): Cell[] => [
    model,
    s.conversionsCredited ?? "",
    s.capturedShare === undefined ? "" : percent(s.capturedShare ?? Number.NaN),
    s.channelShareMAE === undefined ? "" : s.channelShareMAE === null ? "n/a (credited nothing)" : `${(100 * s.channelShareMAE).toFixed(1)} pp`,
  ]);
  return table(["model", "conversions credited", "of true conversions", "channel-share error (MAE, percentage points)"], [truthRow, ...models]);
}

async function liftFigure(dir: string, start: string): Promise<string> {
  const chart = liftOverTime(readLiftDaily(dir), start);
  return chart === null ? "" : figure(chart);
}

/** The lift study: what holding users out of ads shows, as the platform sees purchases and over all of them. */
function liftSection(l: LiftSummary): string {
  const n = (x: number | null) => (x === null ? "n/a" : formatNumber(x));
  const row = (name: string, e: LiftSummary["observed"]): Cell[] => [name, n(e.treatmentPerUser), n(e.controlPerUser), n(e.incrementalPurchases), `${n(e.incrementalLow)} – ${n(e.incrementalHigh)}`, n(e.minimumDetectablePurchases ?? null)];
  const note = `${percent(l.settings.adHoldoutShare)} of users (${formatNumber(l.users.control)}) were held out of every ad; ${formatNumber(l.users.treatment)} saw them. ${
    l.visibleShareOfLift === null ? "The lift over all purchases is not told apart from nothing here." : `The platform sees ${percent(l.visibleShareOfLift)} of the purchases the ads added.`
  }`;
  return (
    `<h2>Lift study</h2><p class="sub">${escapeHtml(note)}</p>` +
    table(["purchases counted", "per user, saw ads", "per user, held out", "added by ads", "95 % interval", "smallest it would detect (80 % power)"], [row("observed by the platform", l.observed), row("all (truth)", l.allPurchases)])
  );
}

function aipsTable(a: AipsSummary): string {
  const rate = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : percent(x));
  const rows: Cell[][] = [
    ["state accuracy (pair-days)", rate(a.accuracy)],
    ["True Interest precision", rate(a.tiPrecision)],
    ["True Interest recall", rate(a.tiRecall)],
    ["purchase recall (bought in truth and in the engine)", rate(a.purchase?.recall)],
    ["purchase precision", rate(a.purchase?.precision)],
  ];
  if (a.newTi?.engine !== undefined && a.newTi.truth !== undefined) rows.push(["new True Interest users: engine / truth", `${formatNumber(a.newTi.engine)} / ${formatNumber(a.newTi.truth)}`]);
  return table(["AIPS engine vs latent truth", "value"], rows);
}
