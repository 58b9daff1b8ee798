import type { RunManifest } from "../report/manifest.js";
import { noSpread, type Interval } from "./stats.js";

/**
 * The metrics a comparison reports for one run, as a flat name → number map: population,
 * true and observed purchases (by channel and by true cause), economics, and every
 * numeric leaf of the engines' accuracy summaries (so new engine figures join compare
 * without code here).
 */
export function runMetrics(m: RunManifest, o: { keepNonFinite?: boolean } = {}): Record<string, number> {
  const out: Record<string, number> = {
    users: m.scenario.resolved.population.users,
    "events.total": m.events.total,
    "events.observed": m.events.observed,
    "purchases.true": m.purchases.total,
    "purchases.observed": m.purchases.observed,
    "purchases.trueIncremental": m.purchases.total - (m.purchases.byCauseChannel.baseline ?? 0),
  };
  for (const [ch, n] of Object.entries(m.purchases.byChannel)) out[`purchases.true.${ch}`] = n;
  for (const [ch, n] of Object.entries(m.purchases.observedByChannel)) out[`purchases.observed.${ch}`] = n;
  for (const [ch, n] of Object.entries(m.purchases.byCauseChannel)) out[`purchases.trueCause.${ch}`] = n;
  // A category without cycles to measure (a short run, a category without brands) has no median.
  for (const [category, c] of Object.entries(m.purchases.decisionCycles?.byCategory ?? {})) {
    if (c.medianDays !== null) out[`purchases.decisionCycleDays.${category}`] = c.medianDays;
    else if (o.keepNonFinite === true) out[`purchases.decisionCycleDays.${category}`] = Number.NaN;
  }
  flatten(m.economics, "economics", out, o.keepNonFinite === true);
  flatten(m.accuracy, "accuracy", out, o.keepNonFinite === true);
  return out;
}

/**
 * Numeric leaves of `value` by dotted path. Ratios of nothing (NaN, or null in the
 * manifest) are left out, or kept as NaN with `keepNonFinite`.
 */
function flatten(value: unknown, prefix: string, out: Record<string, number>, keepNonFinite: boolean): void {
  if (typeof value === "number" || value === null) {
    if (typeof value === "number" && Number.isFinite(value)) out[prefix] = value;
    else if (keepNonFinite) out[prefix] = Number.NaN;
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out, keepNonFinite);
  }
}

/**
 * Metrics a run leaves out when they are zero: counts by channel, and a channel's share of
 * credit, which a run lists only for channels that got any (a closed-loop run has no `link`
 * share, where a Red Cat run has one). Compared with a run that has them, they are 0.
 * Other metrics missing from a run were not measured there, and are not compared.
 */
export function absentMeansZero(metric: string): boolean {
  return /^(purchases\.(true|observed|trueCause)\.|accuracy\.attribution\.(trueChannelShares|models\.[^.]+\.channelShares)\.)/.test(metric);
}

/**
 * Figures the scenarios fix: engine settings reported beside the figures
 * (`accuracy.<engine>.settings.*`, and the AIPS engine's allowed lateness, which it reports
 * on its own), and the number of users. They differ between A and B by a fixed amount by
 * design, so an interval with no width says nothing about replications there.
 */
export function isSetting(metric: string): boolean {
  return /^(accuracy\.[^.]+\.settings\.|accuracy\.aips\.allowedLatenessHours$|users$)/.test(metric);
}

/** A metric whose interval has no width by chance, where more replications would show the spread (see noSpread): not a setting. */
export function spreadUnseen(metric: string, diff: Interval): boolean {
  return noSpread(diff) && !isSetting(metric);
}
