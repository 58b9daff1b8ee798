/** What the gate needs from a bench result (saved or fresh). */
export interface Comparable {
  readonly suites: readonly {
    readonly name: string;
    readonly vsCalibration: number;
    readonly rme: number;
    /** Margin of the calibration the suite was divided by. */
    readonly calibration: { readonly rme: number };
  }[];
}

export type Verdict = "ok" | "faster" | "faster, within noise" | "slower, within noise" | "regressed";

export interface ComparisonRow {
  readonly suite: string;
  /** Calibrated ratios, old (saved) and new (this run). */
  readonly old: number;
  readonly new: number;
  /** new ÷ old − 1. */
  readonly change: number;
  /** Combined relative 95 % margin of the change, as measured (not capped). */
  readonly noise: number;
  /** The drop beyond which the suite fails: threshold + noise, the noise counted up to half the threshold. */
  readonly allowedDrop: number;
  /** The noise exceeded half the threshold, so the allowed drop stopped there. */
  readonly noiseCapped: boolean;
  readonly verdict: Verdict;
}

export interface Comparison {
  readonly thresholdPct: number;
  readonly rows: ComparisonRow[];
  /** Suites in only one of the two results: not judged. */
  readonly unmatched: string[];
  readonly failed: boolean;
}

/**
 * The regression gate. Each suite's calibrated ratio (suite per second ÷ the calibration
 * measured around it) is compared old vs new. A ratio's relative uncertainty is the
 * relative margins of its suite and its calibration in quadrature, and the change's is
 * both ratios' combined the same way; a suite fails only when it dropped by more than the
 * threshold plus that noise, so a noisy measurement must fall further before it counts.
 * The noise counts up to half the threshold: uncapped, a busy machine's 25–35 % of noise
 * let a 2× slowdown (−50 %) pass a 25 % threshold; capped, the drop allowed is at most
 * 1.5 × the threshold (37.5 % at 25).
 */
export function compareResults(old: Comparable, now: Comparable, thresholdPct: number): Comparison {
  const threshold = thresholdPct / 100;
  const before = new Map(old.suites.map((s) => [s.name, s]));
  const rows: ComparisonRow[] = [];
  const unmatched: string[] = [];
  for (const suite of now.suites) {
    const prior = before.get(suite.name);
    before.delete(suite.name);
    if (!prior) {
      unmatched.push(suite.name);
      continue;
    }
    const noise = Math.hypot(suite.rme, suite.calibration.rme, prior.rme, prior.calibration.rme) / 100;
    const change = suite.vsCalibration / prior.vsCalibration - 1;
    const noiseCapped = noise > threshold / 2;
    const allowedDrop = threshold + Math.min(noise, threshold / 2);
    const verdict = verdictOf(change, threshold, allowedDrop - threshold);
    rows.push({ suite: suite.name, old: prior.vsCalibration, new: suite.vsCalibration, change, noise, allowedDrop, noiseCapped, verdict });
  }
  unmatched.push(...before.keys());
  return { thresholdPct, rows, unmatched, failed: rows.some((r) => r.verdict === "regressed") };
}

/** Past the threshold either way, a change is a verdict only beyond the (capped) noise too: a gain is judged as a drop is. */
function verdictOf(change: number, threshold: number, noise: number): Verdict {
  if (change < -(threshold + noise)) return "regressed";
  if (change < -threshold) return "slower, within noise";
  if (change > threshold + noise) return "faster";
  return change > threshold ? "faster, within noise" : "ok";
}
