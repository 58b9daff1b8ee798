import { DAY_MS } from "../../../sim/kernel.js";
import type { ReportChart } from "../chart.js";
import type { LiftDay } from "../data/liftDaily.js";
import { OBSERVED_COLOR, TRUTH_COLOR } from "../palette.js";
import { dayAxis } from "./timeAxis.js";

const NAME = "lift-over-time";
const TITLE = "Purchases the ads added, as the study would read each day";
const LABELS = { observed: "observed", all: "all (truth)" } as const;

/** The lift study's running estimate with its 95 % interval, over observed and over all purchases. */
export function liftOverTime(days: LiftDay[] | null, start: string): ReportChart | null {
  if (days === null) return null;
  // A day without an interval (a group of fewer than two users) is left out.
  const rows = days
    .filter((d) => Number.isFinite(d.low) && Number.isFinite(d.high))
    .map((d) => ({ date: Date.parse(`${start}T00:00:00Z`) + d.day * DAY_MS, counted: LABELS[d.basis], incremental: d.incremental, low: d.low, high: d.high }));
  if (rows.length === 0) return { name: NAME, title: TITLE, missing: "no day of lift_daily.arrow has an interval" };
  const dayCount = new Set(rows.map((r) => r.date)).size;
  const color = { field: "counted", type: "nominal" as const, title: "purchases counted", scale: { domain: [LABELS.observed, LABELS.all], range: [OBSERVED_COLOR, TRUTH_COLOR] } };
  return {
    name: NAME,
    caption: "Source: lift_daily.arrow. Treatment − control purchases per user up to each day's end, times the treatment group's users; bands are 95 % Welch intervals. Where a band leaves 0, the study tells the ads' lift from nothing.",
    spec: {
      title: { text: TITLE, subtitle: "users held out of every ad against those who see them" },
      width: 820,
      height: 220,
      data: { values: rows },
      layer: [
        { mark: { type: "area", opacity: 0.18 }, encoding: { x: dayAxis(dayCount), y: { field: "low", type: "quantitative", title: "purchases added" }, y2: { field: "high" }, color } },
        { mark: { type: "line", strokeWidth: 1.8, ...(dayCount < 2 ? { point: true } : {}) }, encoding: { x: dayAxis(dayCount), y: { field: "incremental", type: "quantitative" }, color } },
        { mark: { type: "rule", strokeDash: [2, 2], color: "#999999" }, encoding: { y: { datum: 0 } } },
      ],
    },
  };
}
