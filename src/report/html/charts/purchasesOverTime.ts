import type { TopLevelSpec } from "vega-lite";
import type { RunManifest } from "../../manifest.js";
import type { ReportChart } from "../chart.js";
import { purchasesByDayAndChannel, purchasesByDayFromEvents } from "../data/dailyPurchases.js";
import type { TruthPurchases } from "../data/truthPurchases.js";
import { DAY_MS } from "../../../sim/kernel.js";
import { formatNumber, percent } from "../page.js";
import { channelScale, OBSERVED_COLOR, TRUTH_COLOR } from "../palette.js";
import { dayAxis } from "./timeAxis.js";

const NAME = "purchases-over-time";
const TITLE = "Purchases over time";

/**
 * Observed beside true purchases per day. Per-day observed counts exist only in events
 * parts (`run --events`); without them the chart shows true purchases per day by channel
 * and says so, with the observed total from run.json. Timeline policies mark their switches.
 */
export function purchasesOverTime(manifest: RunManifest, eventParts: readonly string[], truth: TruthPurchases | null): ReportChart {
  const { start, days } = manifest.scenario.resolved.simulation;
  const startMs = Date.parse(`${start}T00:00:00Z`);
  const date = (day: number) => startMs + day * DAY_MS;
  const switches = policySwitches(manifest);
  const { observed, total } = manifest.purchases;
  // Nothing to draw: an empty series gives the chart an infinite extent and NaN axes.
  if (total === 0) return { name: NAME, title: TITLE, missing: "the run made no purchases" };
  const observedShare = `${formatNumber(observed)} of ${formatNumber(total)} (${percent(observed / total)})`;
  if (eventParts.length > 0) {
    const daily = purchasesByDayFromEvents(eventParts, startMs, days);
    const rows = closeLastStep(
      [...daily.truth].flatMap((n, day) => [
        { date: date(day), series: "true", purchases: n },
        { date: date(day), series: "observed", purchases: daily.observed[day]! },
      ]),
      date(days - 1),
      date(days),
    );
    return {
      name: NAME,
      caption: "Source: events/part-*.arrow (purchase rows: time, observed; duplicates left out), by day of purchase time (UTC).",
      spec: timeSeries(`${TITLE}: observed vs true`, `purchases observed: ${observedShare}`, days, switches, {
        data: { values: rows },
        mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
        encoding: { y: Y, color: { field: "series", type: "nominal", title: null, scale: { domain: ["true", "observed"], range: [TRUTH_COLOR, OBSERVED_COLOR] } } },
      }),
    };
  }
  if (truth === null) return { name: NAME, title: TITLE, missing: "neither events parts nor truth_purchases.arrow in the run directory" };
  const byChannel = purchasesByDayAndChannel(truth, startMs, days);
  const rows = closeLastStep(
    [...byChannel].flatMap(([channel, series]) => [...series].map((n, day) => ({ date: date(day), channel, purchases: n }))),
    date(days - 1),
    date(days),
  );
  return {
    name: NAME,
    caption: "Source: truth_purchases.arrow (time, channel) by day of purchase time (UTC); the observed total from run.json purchases.observed.",
    spec: timeSeries(
      `${TITLE}: true per day by channel, observed only as a total`,
      `no events parts in this run (run --events for observed per day); observed in total: ${observedShare}`,
      days,
      switches,
      {
        data: { values: rows },
        mark: { type: "area", interpolate: "step-after" },
        encoding: { y: { ...Y, stack: "zero" }, color: { field: "channel", type: "nominal", title: "channel", scale: channelScale([...byChannel.keys()]) } },
      },
    ),
  };
}

const Y = { field: "purchases", type: "quantitative", title: "purchases per day" } as const;

/**
 * A step drawn "after" its point ends at the next point: the last day's rows are repeated at
 * the run's end, or the last day would have no width (and a one-day run no line at all).
 */
function closeLastStep<T extends { date: number }>(rows: T[], lastDay: number, end: number): T[] {
  return [...rows, ...rows.filter((r) => r.date === lastDay).map((r) => ({ ...r, date: end }))];
}

function policySwitches(manifest: RunManifest): { date: number; label: string }[] {
  const policy = manifest.scenario.resolved.policy;
  if (policy.type !== "timeline") return [];
  return policy.switches.map((s) => ({ date: Date.parse(`${s.from}T00:00:00Z`), label: s.policy.type }));
}

type Layer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/** A layer over daily rows (x = date), with the policy switches as labelled rules. */
function timeSeries(title: string, subtitle: string, days: number, switches: { date: number; label: string }[], series: Layer): TopLevelSpec {
  const rules: Layer[] = [
    { data: { values: switches }, mark: { type: "rule", strokeDash: [4, 3], color: "#777" } },
    { data: { values: switches }, mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 2, fontSize: 10, color: "#555" }, encoding: { y: { value: 0 }, text: { field: "label" } } },
  ];
  return {
    title: { text: title, subtitle },
    width: 820,
    height: 220,
    encoding: { x: dayAxis(days) },
    layer: [series, ...(switches.length === 0 ? [] : rules)],
  };
}
