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
  if (n >= 2 && values.every((v) => v === values[0])) {
    // Exactly that value and no spread: summing would drift (0.1 three times has mean 0.10000000000000002).
    const v = values[0]!;
    return { mean: v, low: v, high: v, n };
  }
  const m = mean(values);
  if (n < 2) return { mean: m, low: Number.NaN, high: Number.NaN, n };
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * (sampleStandardDeviation(values) / Math.sqrt(n));
  return { mean: m, low: m - half, high: m + half, n };
}

/**
 * The same non-zero difference in every replication: an interval of no width that is no
 * certainty (with few replications and whole counts it comes by chance). A difference of 0
 * everywhere is not this: it is what common random numbers give where the policy cannot act.
 */
export function noSpread(i: Interval): boolean {
  return i.n >= 2 && i.low === i.high && i.mean !== 0;
}
