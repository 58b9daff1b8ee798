import { InputError } from "../errors.js";
import type { RunManifest } from "../report/manifest.js";
import { absentMeansZero, runMetrics } from "./metrics.js";

/**
 * Thresholds written as data, k6 style: `metric<value` (also <=, >, >=) on the mean
 * difference B − A of a metric; `low(metric)` / `high(metric)` address the CI bounds.
 */
export interface Threshold {
  readonly source: string;
  readonly metric: string;
  readonly statistic: "mean" | "low" | "high";
  readonly op: "<" | "<=" | ">" | ">=";
  readonly value: number;
}

const PATTERN = /^\s*(?:(low|high|mean)\(\s*([\w.]+)\s*\)|([\w.]+))\s*(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*$/i;

export function parseThreshold(source: string): Threshold {
  const m = PATTERN.exec(source);
  if (!m) throw new InputError(`--threshold '${source}': expected METRIC<VALUE (or <=, >, >=; optionally low(METRIC) or high(METRIC))`);
  const value = Number(m[5]);
  // 1e400 reads as Infinity, against which every comparison has one fixed answer.
  if (!Number.isFinite(value)) throw new InputError(`--threshold '${source}': ${m[5]} is beyond the largest number`);
  return {
    source,
    metric: m[2] ?? m[3]!,
    statistic: (m[1]?.toLowerCase() ?? "mean") as Threshold["statistic"],
    op: m[4] as Threshold["op"],
    value,
  };
}

export function holds(t: Threshold, actual: number): boolean {
  switch (t.op) {
    case "<":
      return actual < t.value;
    case "<=":
      return actual <= t.value;
    case ">":
      return actual > t.value;
    case ">=":
      return actual >= t.value;
  }
}

/** What a `--threshold` came to, as run.json and compare.json record it. */
export interface Verdict {
  threshold: string;
  /** The statistic's value; null in JSON (NaN here) when the metric was not reported. */
  actual: number;
  ok: boolean;
  /** Why a threshold could not be checked, if it could not. */
  reason?: string;
}

/** Why a metric the run reports as null was not measured: a ratio of nothing, unless the metric says otherwise. */
function whyNotMeasured(metric: string): string {
  if (metric.startsWith("purchases.decisionCycleDays.")) return "no decision cycle of the category within the run's horizon, which a run no longer than its burn-in does not have";
  if (metric === "accuracy.lift.visibleShareOfLift") return "the lift over all purchases is not told apart from nothing (its interval holds 0)";
  return "a ratio of nothing";
}

/**
 * Thresholds on one run's own metrics (the names compare reports for each side). A metric
 * a run lists only when it is not zero (see absentMeansZero) is 0 where absent, as in
 * compare; one the run reports as a ratio of nothing (a model's shares when nothing was
 * observed), or does not report at all, cannot be shown to hold, so its threshold fails.
 */
export function judgeRun(manifest: RunManifest, thresholds: readonly Threshold[]): Verdict[] {
  const metrics = runMetrics(manifest, { keepNonFinite: true });
  return thresholds.map((t) => {
    const actual = metrics[t.metric];
    // As compare does: a count or share a run lists only when non-zero is 0 where absent.
    if (actual === undefined && absentMeansZero(t.metric)) return { threshold: t.source, actual: 0, ok: holds(t, 0), reason: "zero: not listed by this run" };
    if (actual === undefined) return { threshold: t.source, actual: Number.NaN, ok: false, reason: "not reported by this run" };
    if (Number.isNaN(actual)) return { threshold: t.source, actual, ok: false, reason: `not measured in this run: ${whyNotMeasured(t.metric)}` };
    return { threshold: t.source, actual, ok: holds(t, actual) };
  });
}
