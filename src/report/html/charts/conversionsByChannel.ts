import type { ReportChart } from "../chart.js";
import type { AttributionSummary } from "../engineSummaries.js";
import { channelScale } from "../palette.js";

const NAME = "conversions-by-channel";
const TITLE = "Conversions by channel: each model vs the truth";
const TRUTH = "truth";

/**
 * One normalised bar per attribution model and one for the truth: how the conversions
 * the platform caused split over touch channels. The truth is the simulator's credit of
 * every true purchase; a model splits the conversions it observed (cid only those it
 * could tag to a click).
 */
export function conversionsByChannel(summary: AttributionSummary | null): ReportChart {
  if (summary === null) return { name: NAME, title: TITLE, missing: "run.json has no attribution accuracy" };
  const bars: [string, Record<string, number | null>][] = [[TRUTH, summary.trueChannelShares], ...Object.entries(summary.models).map(([m, a]) => [m, a.channelShares] as [string, Record<string, number | null>])];
  // A model that credited nothing has null shares and no bar.
  const rows = bars.flatMap(([who, shares]) => Object.entries(shares).flatMap(([channel, share]) => (share !== null && share > 0 ? [{ who, channel, share }] : [])));
  if (rows.length === 0) return { name: NAME, title: TITLE, missing: "no conversion was credited to any channel" };
  const scale = channelScale(rows.map((r) => r.channel));
  return {
    name: NAME,
    caption: "Source: run.json accuracy.attribution (trueChannelShares, models.*.channelShares); per-channel counts are in attribution_accuracy.arrow.",
    spec: {
      title: { text: TITLE, subtitle: "share of touch-caused conversions per channel; truth = the simulator's true credit over all purchases" },
      width: 820,
      height: { step: 24 },
      data: { values: rows },
      transform: [
        { calculate: `indexof(${JSON.stringify(scale.domain)}, datum.channel)`, as: "order" },
        { stack: "share", groupby: ["who"], sort: [{ field: "order" }], offset: "normalize", as: ["x0", "x1"] },
        { calculate: "(datum.x0 + datum.x1) / 2", as: "mid" },
        { calculate: "datum.x1 - datum.x0", as: "part" },
      ],
      encoding: { y: { field: "who", type: "nominal", sort: bars.map(([who]) => who), title: null, axis: { labelFontWeight: "bold" } } },
      layer: [
        {
          mark: { type: "bar", stroke: "white", strokeWidth: 1 },
          encoding: {
            x: { field: "x0", type: "quantitative", title: "share of conversions", axis: { format: ".0%" }, scale: { domain: [0, 1] } },
            x2: { field: "x1" },
            color: { field: "channel", type: "nominal", scale, title: "channel" },
          },
        },
        {
          transform: [{ filter: "datum.part >= 0.06" }],
          mark: { type: "text", fill: "white", fontSize: 11 },
          encoding: { x: { field: "mid", type: "quantitative" }, text: { field: "part", type: "quantitative", format: ".0%" } },
        },
      ],
    },
  };
}
