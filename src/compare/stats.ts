import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { mean, sampleStandardDeviation } from "simple-statistics";

export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

/**
 * Mean and two-sided 95 % t interval of paired differences. With one replication the
 * interval is unknown (NaN bounds); identical differences give a zero-width interval.
 */
export function meanInterval(values: readonly number[], level = 0.95): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, low: Number.NaN, high: Number.NaN, n };
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sampleStandardDeviation(values) / Math.sqrt(n));
  return { mean: m, low: m - half, high: m + half, n };
}
