import type { TopLevelSpec } from "vega-lite";
import { escapeHtml } from "./page.js";
import { renderChart } from "./renderChart.js";

/** A chart of the report, or why it cannot be drawn for this run. */
export type ReportChart =
  | { readonly name: string; readonly spec: TopLevelSpec; readonly caption: string }
  | { readonly name: string; readonly title: string; readonly missing: string };

/** The chart as a figure with its inline SVG; `data-chart` names it for tests and readers. */
export async function figure(chart: ReportChart): Promise<string> {
  if ("missing" in chart) {
    return `<p class="missing" data-missing-chart="${escapeHtml(chart.name)}">${escapeHtml(chart.title)}: ${escapeHtml(chart.missing)}</p>`;
  }
  const { svg, warnings } = await renderChart(chart.spec, chart.name);
  const notes = warnings.map((w) => `<br><span class="chart-warning">chart warning: ${escapeHtml(w)}</span>`).join("");
  return `<figure class="chart" data-chart="${escapeHtml(chart.name)}">
${svg}
<figcaption>${escapeHtml(chart.caption)}${notes}</figcaption>
</figure>`;
}
