import type { Verdict } from "../compare/thresholds.js";
import { GateError } from "../errors.js";

/** A metric's value for the terminal: three decimals, or an exponent when tiny or huge. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  const abs = Math.abs(x);
  return abs !== 0 && (abs < 0.01 || abs >= 1e7) ? x.toExponential(2) : x.toFixed(abs >= 100 ? 0 : 3);
}

/** "thresholds:" and one ok/FAIL line per verdict (nothing without verdicts). */
export function verdictLines(verdicts: readonly Verdict[]): string[] {
  if (verdicts.length === 0) return [];
  return ["", "thresholds:", ...verdicts.map((v) => `  ${v.ok ? "ok  " : "FAIL"} ${v.threshold} (actual ${num(v.actual)}${v.reason ? `; ${v.reason}` : ""})`)];
}

/** Exit 3 naming every threshold that failed, once the output they judged is written. */
export function failOnThresholds(verdicts: readonly Verdict[]): void {
  const failed = verdicts.filter((v) => !v.ok);
  if (failed.length > 0) {
    throw new GateError(`${failed.length} threshold(s) failed: ${failed.map((f) => (f.reason ? `${f.threshold} (${f.reason})` : f.threshold)).join(", ")}`);
  }
}
