import type { TopLevelSpec } from "vega-lite";
import { DAY_MS } from "../../../sim/kernel.js";
import type { ReportChart } from "../chart.js";
import type { TruthPurchases } from "../data/truthPurchases.js";
import { formatNumber, percent } from "../page.js";

const NAME = "lag-to-purchase";
const TITLE = "Lag to purchase";
/** Attribution and passback windows a policy can choose. */
export const WINDOWS_DAYS = [7, 15, 30] as const;
const MAX_DAYS = 60;

interface LagSeries {
  readonly label: string;
  readonly color: string;
  /** Purchases per whole day of lag, [0, MAX_DAYS). */
  readonly bins: Float64Array;
  readonly total: number;
  /** Purchases whose lag exceeds each window. */
  readonly beyond: number[];
}

function lagSeries(label: string, color: string, p: TruthPurchases, from: (i: number) => number | null): LagSeries {
  const bins = new Float64Array(MAX_DAYS);
  const beyond = WINDOWS_DAYS.map(() => 0);
  let total = 0;
  for (let i = 0; i < p.rows; i++) {
    const start = from(i);
    if (start === null) continue;
    const lag = (p.time[i]! - start) / DAY_MS;
    total++;
    WINDOWS_DAYS.forEach((w, k) => {
      if (lag > w) beyond[k]!++;
    });
    const bin = Math.floor(lag);
    if (bin >= 0 && bin < MAX_DAYS) bins[bin]!++;
  }
  return { label, color, bins, total, beyond };
}

/**
 * How long after the click (link purchases), the causing touch or the first touch of the
 * decision cycle (touch-caused purchases) people buy, with the 7/15/30-day windows marked:
 * what lies right of a rule is what a window of that length misses.
 */
export function lagHistogram(p: TruthPurchases | null): ReportChart {
  if (p === null) return { name: NAME, title: TITLE, missing: "no truth_purchases.arrow in the run directory" };
  const series = [
    // By tag, which is what passback windows see: link orders, and spillover orders in a linked store.
    lagSeries("purchases tagged with a click (in the store a link led to): days from the click", "#76b7b2", p, (i) => (p.clickTime[i]! > 0 ? p.clickTime[i]! : null)),
    lagSeries("touch-caused purchases: days from the causing touch", "#4e79a7", p, (i) => (p.cause[i]! !== 0 ? p.causeTime[i]! : null)),
    lagSeries("touch-caused purchases: days from the first touch of their decision cycle", "#f28e2b", p, (i) => (p.cause[i]! !== 0 ? p.cycleStart[i]! : null)),
  ].filter((s) => s.total > 0);
  if (series.length === 0) return { name: NAME, title: TITLE, missing: "no purchase has a tagged click or a causing touch" };
  return {
    name: NAME,
    caption:
      `Source: truth_purchases.arrow (time − clickTime where a click was tagged; time − causeTime and time − cycleStart where cause ≠ 0). Lags of ${MAX_DAYS} days and more are counted in the shares but not drawn. ` +
      "Only purchases within the run are here: in a run shorter than a window, the share beyond it is cut short, and a store tags orders for purchase.linkStoreDays after the click.",
    spec: {
      title: { text: `${TITLE}, with the ${WINDOWS_DAYS.join(" / ")}-day windows` },
      vconcat: series.map((s) => panel(s)),
      resolve: { scale: { x: "shared" } },
    },
  };
}

type Panel = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

function panel(s: LagSeries): Panel {
  const x = { field: "day", type: "quantitative" as const, scale: { domain: [0, MAX_DAYS] }, title: "days to purchase" };
  const bars = [...s.bins].map((n, day) => ({ day, day2: day + 1, share: n / s.total }));
  const rules = WINDOWS_DAYS.map((day, k) => ({ day, label: `${day} d: ${percent(s.beyond[k]! / s.total, 0)} later` }));
  return {
    title: { text: s.label, subtitle: `${formatNumber(s.total)} ${s.total === 1 ? "purchase" : "purchases"}`, fontSize: 12 },
    width: 820,
    height: 150,
    layer: [
      {
        data: { values: bars },
        mark: { type: "bar", color: s.color },
        encoding: { x: { ...x, bin: "binned" }, x2: { field: "day2" }, y: { field: "share", type: "quantitative", title: "share of purchases", axis: { format: ".0%" } } },
      },
      { data: { values: rules }, mark: { type: "rule", color: "#c62828", strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x } },
      {
        data: { values: rules },
        mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 2, fontSize: 11, color: "#c62828" },
        encoding: { x, y: { value: 0 }, text: { field: "label" } },
      },
    ],
  };
}
