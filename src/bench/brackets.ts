import type { Measurement } from "./measure.js";

/** What a suite is divided by: the calibration speed around it, and how sure that is. */
export interface Normaliser {
  readonly perSecond: number;
  /** Relative 95 % margin, percent. */
  readonly rme: number;
}

/**
 * The calibration around one suite: the mean of the measurements just before and just
 * after it. Its margin combines the two margins and the drift between them, so a machine
 * whose speed changed during the suite (other load, throttling) widens the gate instead
 * of faking a regression.
 */
export function bracket(before: Measurement, after: Measurement): Normaliser {
  const perSecond = (before.perSecond + after.perSecond) / 2;
  const drift = (100 * Math.abs(before.perSecond - after.perSecond)) / (before.perSecond + after.perSecond);
  return { perSecond, rme: Math.hypot(Math.hypot(before.rme, after.rme) / 2, drift) };
}

/** Every calibration of a run as one row: the mean of their speeds, its margin, the spread of all samples. */
export function pooled(all: readonly Measurement[]): Measurement {
  const k = all.length;
  const perSecond = all.reduce((s, m) => s + m.perSecond, 0) / k;
  const unitsPerOp = all[0]?.unitsPerOp ?? 0;
  const samples = all.reduce((s, m) => s + m.samples, 0);
  const centre = all.reduce((s, m) => s + m.meanMs * m.samples, 0) / samples;
  // Within-group plus between-group variance of the pooled samples.
  const squares = all.reduce((s, m) => s + (m.samples - 1) * m.sdMs ** 2 + m.samples * (m.meanMs - centre) ** 2, 0);
  return {
    samples,
    meanMs: (1000 * unitsPerOp) / perSecond,
    sdMs: Math.sqrt(squares / Math.max(1, samples - 1)),
    rme: Math.hypot(...all.map((m) => m.rme)) / k,
    unitsPerOp,
    perSecond,
  };
}
