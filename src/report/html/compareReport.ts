import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { figure } from "./chart.js";
import { compareDifferences } from "./charts/compareDifferences.js";
import { compareDocument, type CompareDocument, type MetricRow } from "./compareDocument.js";
import { escapeHtml, facts, formatNumber, htmlDocument, table, verdict, warnings, type Cell } from "./page.js";
import { REPORT_FILE } from "./runReport.js";
import { isSetting, spreadUnseen } from "../../compare/metrics.js";
import { noSpread } from "../../compare/stats.js";

/** Writes `report.html` for a comparison next to its compare.json. */
export async function writeCompareReport(dir: string, doc: unknown): Promise<void> {
  await writeFile(join(dir, REPORT_FILE), await compareReport(compareDocument.parse(doc)));
}

export async function compareReport(c: CompareDocument): Promise<string> {
  const body = [
    `<h1>zhongcao compare: ${escapeHtml(c.a.name)} → ${escapeHtml(c.b.name)}</h1>`,
    facts([
      ["A", `${c.a.name} (${c.a.policy})`],
      ["B", `${c.b.name} (${c.b.policy})`],
      ["replications", `${c.replications} (seeds ${c.seeds[0] ?? "?"}…${c.seeds[c.seeds.length - 1] ?? "?"})`],
    ]),
    `<p class="sub">A = ${escapeHtml(c.a.path)} · B = ${escapeHtml(c.b.path)} · twin runs share random numbers for everything the policy does not change</p>`,
    warnings(c.warnings),
    c.thresholds.length === 0 ? "" : `<h2>Thresholds</h2>${table(["threshold", "actual B − A", "verdict", "note"], c.thresholds.map((t) => [t.threshold, t.actual, verdict(t.ok), t.reason ?? ""]))}`,
    `<h2>Differences</h2>`,
    await figure(compareDifferences(c.metrics, c.replications)),
    `<h2>All metrics</h2>`,
    table(["metric", "A", "B", "B − A", "95 % CI of B − A"], c.metrics.map((m): Cell[] => [m.metric, m.a.mean, m.b.mean, m.diff.mean, interval(m.metric, m.diff)])),
  ];
  return htmlDocument(`zhongcao compare: ${c.a.name} vs ${c.b.name}`, body.filter((s) => s !== "").join("\n"));
}

function interval(metric: string, diff: MetricRow["diff"]): Cell {
  const { low, high } = diff;
  if (!Number.isFinite(low) || !Number.isFinite(high)) return "n/a (one replication)";
  const text = `[${formatNumber(low)}, ${formatNumber(high)}]`;
  if (spreadUnseen(metric, diff)) return { html: `${escapeHtml(text)} <span class="bad">no spread: more replications needed</span>` };
  // A setting differs by what the two scenarios set: no replication would move it.
  if (isSetting(metric) && noSpread(diff)) return { html: `${escapeHtml(text)} <span class="ok">set by the scenarios</span>` };
  // No difference in any replication: what common random numbers promise for metrics the policy cannot move.
  return low === high ? { html: `${escapeHtml(text)} <span class="ok">no difference in any replication</span>` } : text;
}
