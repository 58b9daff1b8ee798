import { liftSummary, parseSummary, type LiftSummary } from "../report/html/engineSummaries.js";

/**
 * A lift study's answer in a line (what the ads added, as the platform sees it and over every
 * purchase), for `run`'s summary and `inspect`; null for a run without one. Read as run.json
 * has it, so a figure not measured (NaN in memory) is null either way.
 */
export function liftLine(accuracy: Record<string, unknown> | undefined): string | null {
  // A run.json of an earlier release, or one written by hand, may have no accuracy at all.
  const lift = parseSummary(liftSummary, JSON.parse(JSON.stringify(accuracy?.lift ?? null)));
  if (lift === null) return null;
  const n = (x: number | null) => (x === null ? "n/a" : x.toFixed(0));
  const range = (e: LiftSummary["observed"]) => `${n(e.incrementalPurchases)} (95 % ${n(e.incrementalLow)} to ${n(e.incrementalHigh)})`;
  const share = lift.visibleShareOfLift === null ? "" : `, ${(100 * lift.visibleShareOfLift).toFixed(0)} % of it visible`;
  return `${(100 * lift.settings.adHoldoutShare).toPrecision(3)} % held out of ads: they added ${range(lift.observed)} observed purchases, ${range(lift.allPurchases)} in all${share}`;
}
