import type { ReportChart } from "../chart.js";
import type { MetricRow } from "../compareDocument.js";
import { formatNumber } from "../page.js";

const NAME = "compare-differences";
const TITLE = "Largest differences B − A in purchases, money and events";
const SHOWN = 16;
/** Metrics zero under A named in the caption, at most. */
const FROM_ZERO_NAMED = 8;

/**
 * The metrics that differ most between the scenarios, as B − A relative to A with the
 * 95 % interval of the paired differences as error bars; metrics are on different scales,
 * so only relative differences share an axis.
 */
export function compareDifferences(all: readonly MetricRow[], replications: number): ReportChart {
  // Purchases, money, events and incrementality: the engines' accuracy figures (one per model,
  // often equal across models) would crowd them out, and are in the table.
  const metrics = all.filter((m) => !m.metric.startsWith("accuracy."));
  const relative = metrics
    .filter((m) => m.a.mean !== 0 && Number.isFinite(m.diff.mean) && m.diff.mean !== 0)
    .map((m) => {
      const scale = Math.abs(m.a.mean);
      return { metric: m.metric, mean: m.diff.mean / scale, low: m.diff.low / scale, high: m.diff.high / scale };
    })
    .sort((x, y) => Math.abs(y.mean) - Math.abs(x.mean) || x.metric.localeCompare(y.metric))
    .slice(0, SHOWN);
  // Metrics zero under A have no relative change; the policy making something exist at all
  // (link purchases under Red Cat against a closed loop) is news, so they are named instead.
  const fromZero = metrics.filter((m) => m.a.mean === 0 && Number.isFinite(m.diff.mean) && m.diff.mean !== 0);
  const fromZeroNote =
    fromZero.length === 0
      ? ""
      : ` Zero under A, so not on this axis: ${fromZero
          .slice(0, FROM_ZERO_NAMED)
          .map((m) => `${m.metric} (B ${formatNumber(m.b.mean)})`)
          .join(", ")}${fromZero.length > FROM_ZERO_NAMED ? ` and ${fromZero.length - FROM_ZERO_NAMED} more (compare.json)` : ""}.`;
  if (relative.length === 0) return { name: NAME, title: TITLE, missing: `no metric that is non-zero under A differs between A and B.${fromZeroNote}` };
  const bars = relative.filter((r) => Number.isFinite(r.low) && Number.isFinite(r.high));
  const order = relative.map((r) => r.metric);
  const y = { field: "metric", type: "nominal" as const, sort: order, title: null };
  return {
    name: NAME,
    caption: `Source: compare.json metrics (diff.mean, diff.low, diff.high divided by |a.mean|), all but the engines' accuracy figures, which are in the table. ${
      bars.length < relative.length ? "Metrics without an interval (one replication) show the mean only." : ""
    }${fromZeroNote}`.replace(/\s+/g, " ").trim(),
    spec: {
      title: { text: `${TITLE}, relative to A`, subtitle: `the ${relative.length} metrics with the largest |B − A| / |A|; bars: the 95 % confidence interval of B − A over ${replications} paired replications, divided by |A|'s mean (its own uncertainty left out)` },
      width: 680,
      config: { axisY: { labelLimit: 360 } },
      height: { step: 22 },
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: "rule", color: "#999" }, encoding: { x: { field: "zero", type: "quantitative" } } },
        ...(bars.length === 0
          ? []
          : [
              {
                data: { values: bars },
                mark: { type: "errorbar" as const, ticks: true, color: "#4e79a7", thickness: 2 },
                encoding: { y, x: { field: "low", type: "quantitative" as const, title: "(B − A) / |A|", axis: { format: "+.0%" } }, x2: { field: "high" } },
              },
            ]),
        {
          data: { values: relative },
          mark: { type: "point", filled: true, size: 60, color: "#e15759" },
          encoding: { y, x: { field: "mean", type: "quantitative", title: "(B − A) / |A|", axis: { format: "+.0%" } } },
        },
      ],
    },
  };
}
