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

/** Count, sum and sum of squares of a sample: what a mean and its variance need, summed over shards. */
export interface Moments {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/** The power `minimumDetectable` is given at. */
const POWER = 0.8;

/**
 * Difference of two sample means, a − b, with a two-sided Welch t interval (unequal
 * variances, Welch–Satterthwaite degrees of freedom). Bounds are NaN when a sample has fewer
 * than two values; two samples without spread give an interval of no width.
 * `minimumDetectable` is the difference the same samples' sizes and spreads would detect with
 * 80 % power (two-sided at `level`): how small an effect such a study can see.
 */
export function meanDifference(a: Moments, b: Moments, level = 0.95): Interval & { readonly minimumDetectable: number } {
  const meanA = a.n > 0 ? a.sum / a.n : Number.NaN;
  const meanB = b.n > 0 ? b.sum / b.n : Number.NaN;
  const diff = meanA - meanB;
  const n = a.n + b.n;
  if (a.n < 2 || b.n < 2) return { mean: diff, low: Number.NaN, high: Number.NaN, n, minimumDetectable: Number.NaN };
  // Variance from the sums, clamped: rounding can leave a tiny negative where all values are equal.
  const variance = (m: Moments) => Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1));
  const va = variance(a) / a.n;
  const vb = variance(b) / b.n;
  if (va + vb === 0) return { mean: diff, low: diff, high: diff, n, minimumDetectable: 0 };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const se = Math.sqrt(va + vb);
  const critical = tQuantile(1 - (1 - level) / 2, df);
  const half = critical * se;
  // The smallest true difference the test would find (interval clear of 0) four times in five.
  const minimumDetectable = (critical + tQuantile(POWER, df)) * se;
  return { mean: diff, low: diff - half, high: diff + half, n, minimumDetectable };
}
