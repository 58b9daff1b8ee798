import { InputError } from "../errors.js";

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
