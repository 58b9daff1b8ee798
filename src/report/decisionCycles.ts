import { medianSorted } from "simple-statistics";
import type { Scenario } from "../config/schema.js";
import type { TruthPurchases } from "../sim/truth.js";
import { DAY_MS } from "../sim/kernel.js";

/** One category's decision cycles: days from a cycle's first touch to the purchase it ended in. */
export interface CategoryCycles {
  /** The scenario's input: median days from the touch that plants a purchase to the purchase. */
  readonly touchToPurchaseDays: number;
  /** Touch-caused purchases measured (see `measureDecisionCycles`). */
  readonly purchases: number;
  /** Their median cycle in days; null without any. */
  readonly medianDays: number | null;
  /** A distribution-free 95 % interval of that median (order statistics); null with fewer than 20 purchases. */
  readonly lowDays: number | null;
  readonly highDays: number | null;
}

export interface DecisionCycles {
  /**
   * Cycles that started in the run's first days are left out: every pair starts the run with
   * no interest, so early cycles run longer than settled ones. These are the truth's
   * interestDecayDays (the time interest takes to fade, and so to settle).
   */
  readonly burnInDays: number;
  /**
   * Only cycles that started at least this long before the run's end are measured, and only
   * their purchases within it: every such cycle had the same chance to show, but one longer
   * than the horizon never does. Half the days after the burn-in; 0 (nothing measured) when
   * the run is no longer than the burn-in.
   */
  readonly horizonDays: number;
  readonly byCategory: Record<string, CategoryCycles>;
}

/**
 * Ranks (0-based, inclusive) of a 95 % interval for the median of n sorted values, by the
 * normal approximation to the binomial count below the median (exact sums underflow at the
 * thousands of purchases a category has); null below 20, where it is too rough.
 */
function medianInterval(n: number): readonly [number, number] | null {
  if (n < 20) return null;
  const half = 1.96 * Math.sqrt(n) / 2;
  return [Math.max(0, Math.floor(n / 2 - half) - 1), Math.min(n - 1, Math.ceil(n / 2 + half))];
}

const round = (days: number) => Math.round(days * 100) / 100;

/**
 * Decision cycles of touch-caused purchases by category, from truth: a purchase's cycle runs
 * from its `cycleStart` (the first of the run of touches, none a TI window after the one
 * before, that held its cause) to the purchase. Baseline purchases have no cycle the platform
 * started.
 */
export function measureDecisionCycles(s: Scenario, purchases: TruthPurchases, brandCategory: ArrayLike<number>, categoryNames: readonly string[]): DecisionCycles {
  const burnInDays = s.aipsTruth.interestDecayDays;
  const horizonDays = Math.max(0, Math.floor((s.simulation.days - burnInDays) / 2));
  const runStart = Date.parse(`${s.simulation.start}T00:00:00Z`);
  const runEnd = runStart + s.simulation.days * DAY_MS;
  const horizon = horizonDays * DAY_MS;
  const cycles = categoryNames.map(() => [] as number[]);
  for (let i = 0; i < purchases.id.length; i++) {
    const start = purchases.cycleStart[i]!;
    if (horizonDays === 0 || purchases.cause[i] === 0 || start === 0) continue;
    if (start < runStart + burnInDays * DAY_MS || start > runEnd - horizon) continue;
    const length = purchases.time[i]! - start;
    if (length <= horizon) cycles[brandCategory[purchases.brand[i]!]!]!.push(length / DAY_MS);
  }
  const byCategory: Record<string, CategoryCycles> = {};
  categoryNames.forEach((name, c) => {
    const days = cycles[c]!.sort((a, b) => a - b);
    const n = days.length;
    const interval = medianInterval(n);
    byCategory[name] = {
      touchToPurchaseDays: s.categories[name as keyof Scenario["categories"]].touchToPurchaseDays,
      purchases: n,
      medianDays: n === 0 ? null : round(medianSorted(days)),
      lowDays: interval ? round(days[interval[0]]!) : null,
      highDays: interval ? round(days[interval[1]]!) : null,
    };
  });
  return { burnInDays, horizonDays, byCategory };
}
