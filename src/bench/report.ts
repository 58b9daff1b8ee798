import { availableParallelism, cpus, totalmem } from "node:os";
import { TOOL, VERSION } from "../version.js";
import type { Interval } from "../compare/stats.js";
import type { Normaliser } from "./brackets.js";
import type { Measurement } from "./measure.js";
import { pairedSpeedup } from "./pairedSpeedup.js";
import { planSizes, type BenchPlan, type BenchSizes } from "./plan.js";
import type { Flatness, ScalingResult } from "./suites/scaling.js";

/** Bumped when the saved shape changes, so an old file is rejected rather than misread. */
/** 2: `sizes` added, so the gate can refuse a result measured at other sizes. */
export const REPORT_FORMAT = 2;

export type Unit = "events" | "rows" | "paths";

export interface Ratios {
  /** The calibration measured around this figure (just before and just after it). */
  readonly calibration: Normaliser;
  /** Per second ÷ that calibration's rows per second: the figure the gate compares. */
  readonly vsCalibration: number;
  /** Calibrated ratio ÷ the naive baseline's calibrated ratio; null for a figure not in events (paths, rows), which the baseline does not count. */
  readonly vsBaseline: number | null;
}

export interface SuiteResult extends Measurement, Ratios {
  readonly name: string;
  readonly unit: Unit;
}

/** The naive baseline, normalised by the calibration around it like any suite. */
export interface BaselineResult extends Measurement {
  readonly unit: "events";
  readonly calibration: Normaliser;
  readonly vsCalibration: number;
}

export interface ScalingRow extends Measurement, Ratios {
  readonly workers: number;
  /** Events per second ÷ the one-worker run's (a ratio of means). */
  readonly speedup: number;
  /** run.json's seconds of each sample, in round order (sample i of every worker count ran in round i). */
  readonly roundSeconds: readonly number[];
  /** The speed-up paired by round, with its 95 % interval: see `pairedSpeedup`. */
  readonly pairedSpeedup: Interval;
  readonly peakRssBytes: number;
  /** Mean CPU seconds of a run's whole process (all threads). */
  readonly cpuSeconds: number;
  /** Whether the runs had V8's helper threads (off when the workers fill every core). */
  readonly v8HelperThreads: boolean;
  /** Mean wall seconds of the whole process (start-up, relaunch and report.html included). */
  readonly processSeconds: number;
  /** The one-worker run's process seconds ÷ this one's. */
  readonly processSpeedup: number;
}

export interface ScalingReport {
  readonly users: number;
  readonly days: number;
  readonly rows: ScalingRow[];
  readonly flatness: Flatness;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly memoryBytes: number;
}

/** A target from the performance issue, checked and reported, never asserted by tests. */
export interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
  /** The value's 95 % interval, where it has one. */
  readonly interval?: { readonly low: number; readonly high: number };
}

export interface BenchReport {
  readonly tool: string;
  readonly version: string;
  readonly format: number;
  readonly date: string;
  readonly quick: boolean;
  readonly sizes: BenchSizes;
  readonly machine: Machine;
  /** Every calibration of the run pooled; suites are divided by their own bracket of it. */
  readonly calibration: Measurement & { readonly unit: "rows" };
  readonly baseline: BaselineResult;
  readonly suites: SuiteResult[];
  readonly scaling?: ScalingReport;
  readonly targets: TargetCheck[];
}

export function machineInfo(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    memoryBytes: totalmem(),
  };
}

export function baselineResult(m: Measurement, calibration: Normaliser): BaselineResult {
  return { ...m, unit: "events", calibration, vsCalibration: m.perSecond / calibration.perSecond };
}

/** Ratios of a figure in `unit`s a second; to the naive baseline (events/s) only for events. */
function ratios(perSecond: number, unit: Unit, calibration: Normaliser, baseline: BaselineResult): Ratios {
  const vsCalibration = perSecond / calibration.perSecond;
  return { calibration, vsCalibration, vsBaseline: unit === "events" ? vsCalibration / baseline.vsCalibration : null };
}

export function suiteResult(name: string, unit: Unit, m: Measurement, calibration: Normaliser, baseline: BaselineResult): SuiteResult {
  return { name, unit, ...m, ...ratios(m.perSecond, unit, calibration, baseline) };
}

export function scalingReport(s: ScalingResult, calibration: Normaliser, baseline: BaselineResult): ScalingReport {
  const one = s.runs[0]?.perSecond ?? Number.NaN;
  const oneProcess = s.runs[0]?.processSeconds ?? Number.NaN;
  const oneRounds = s.runs[0]?.roundSeconds ?? [];
  const rows = s.runs.map((r) => ({
    ...r,
    ...ratios(r.perSecond, "events", calibration, baseline),
    speedup: r.perSecond / one,
    pairedSpeedup: pairedSpeedup(oneRounds, r.roundSeconds),
    processSpeedup: oneProcess / r.processSeconds,
  }));
  return { users: s.users, days: s.days, rows, flatness: s.flatness };
}

/** The targets, for whichever of them this run measured. */
export function targetChecks(suites: readonly SuiteResult[], scaling: ScalingReport | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const e2e = suites.find((s) => s.name === "end-to-end");
  if (e2e) {
    checks.push({ name: "end-to-end, 1 worker, events/s", value: e2e.perSecond, target: "≥ 10,000,000", met: e2e.perSecond >= 1e7 });
    const vsBaseline = e2e.vsBaseline ?? Number.NaN;
    checks.push({ name: "end-to-end ÷ naive baseline", value: vsBaseline, target: "≥ 3", met: vsBaseline >= 3 });
  }
  const two = scaling?.rows.find((r) => r.workers === 2);
  if (two) {
    checks.push({ name: "2 workers ÷ 1 worker", value: two.speedup, target: "≥ 1.7", met: two.speedup >= 1.7 });
    // The same paired by round, which a slow spell of the machine moves less; met on its point estimate, like the others.
    const paired = two.pairedSpeedup;
    checks.push({ name: "2 workers ÷ 1, paired by round", value: paired.mean, target: "≥ 1.7", met: paired.mean >= 1.7, interval: { low: paired.low, high: paired.high } });
    // The same from outside: start-up, a relaunch and report.html included.
    checks.push({ name: "2 workers ÷ 1, whole process", value: two.processSpeedup, target: "≥ 1.7", met: two.processSpeedup >= 1.7 });
  }
  if (scaling) {
    const ratio = scaling.flatness.ratio;
    checks.push({ name: "peak RSS, 10× days ÷ 1×", value: ratio, target: "≤ 1.2", met: ratio <= 1.2 });
  }
  return checks;
}

export function benchReport(
  plan: BenchPlan,
  calibration: Measurement,
  baseline: BaselineResult,
  suites: SuiteResult[],
  scaling: ScalingReport | undefined,
): BenchReport {
  return {
    tool: TOOL,
    version: VERSION,
    format: REPORT_FORMAT,
    date: new Date().toISOString(), // time-ok: when the benchmark ran, not simulated data
    quick: plan.quick,
    sizes: planSizes(plan),
    machine: machineInfo(),
    calibration: { ...calibration, unit: "rows" },
    baseline,
    suites,
    ...(scaling ? { scaling } : {}),
    targets: targetChecks(suites, scaling),
  };
}
