import type { Interval } from "../compare/stats.js";
import type { InterleavedSuite } from "./interleave.js";
import type { Comparable, Comparison } from "./compare.js";
import type { Measurement } from "./measure.js";
import type { BenchReport, ScalingReport } from "./report.js";

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (n: number | null) => (n === null ? "-" : n >= 100 ? count(n) : n.toPrecision(3));
const pct = (n: number) => `${n >= 0 ? "+" : ""}${(100 * n).toFixed(1)} %`;
const mib = (bytes: number) => `${count(bytes / 2 ** 20)} MiB`;

const margin = (rme: number) => `±${rme.toFixed(1)} %`;
/** A value and its interval, "-" for bounds a single sample cannot give. */
const withInterval = (value: string, low: number, high: number, digits: number) =>
  Number.isFinite(low) && Number.isFinite(high) ? `${value} (${low.toFixed(digits)}–${high.toFixed(digits)})` : `${value} (-)`;
const pairedCell = (i: Interval) => withInterval(`${i.mean.toFixed(2)}×`, i.low, i.high, 2);

function timingCells(m: Measurement): string[] {
  return [m.meanMs.toFixed(m.meanMs < 10 ? 3 : 1), margin(m.rme), String(m.samples), count(m.perSecond)];
}

function scalingText(s: ScalingReport): string {
  const rows = s.rows.map((r) => [
    String(r.workers),
    ...timingCells(r),
    ratio(r.vsCalibration),
    ratio(r.vsBaseline),
    `${r.speedup.toFixed(2)}×`,
    pairedCell(r.pairedSpeedup),
    r.processSeconds.toFixed(1),
    `${r.processSpeedup.toFixed(2)}×`,
    r.cpuSeconds.toFixed(1),
    (r.cpuSeconds / (r.meanMs / 1000)).toFixed(2),
    mib(r.peakRssBytes),
    r.v8HelperThreads ? "on" : "off",
  ]);
  const f = s.flatness;
  return [
    `scaling: default scenario, ${count(s.users)} users × ${s.days} days, one child process per run`,
    table(["workers", "mean ms", "rme", "n", "events/s", "× calibration", "× baseline", "speed-up", "paired (95 %)", "process s", "process speed-up", "CPU s", "cores busy", "peak RSS", "V8 helpers"], rows),
    "mean ms and speed-up: run.json's timing (no process start-up, no report.html); process s: the whole child process, start-up, a relaunch and report.html included.",
    "paired: the speed-up round by round (both counts ran back to back in each round, so a slow spell of the machine cancels), geometric mean and 95 % interval.",
    "CPU s: the run's whole process (workers, V8's helper threads, main thread); cores busy = CPU s ÷ run.json's wall time.",
    "V8 helpers: V8's compiler and GC threads, turned off when the workers fill every core (the run starts itself again).",
    `RSS flatness: ${count(f.users)} users, ${f.days[0]} → ${f.days[1]} days (${count(f.events[0])} → ${count(f.events[1])} events), ` +
      `peak RSS ${mib(f.peakRssBytes[0])} → ${mib(f.peakRssBytes[1])}, ratio ${f.ratio.toFixed(2)} (target ≤ 1.2)`,
  ].join("\n");
}

export function renderReport(r: BenchReport): string {
  const m = r.machine;
  const rows = [
    ["calibration (all)", "rows", ...timingCells(r.calibration), "", "1", ratio(1 / r.baseline.vsCalibration)],
    ["naive-baseline", "events", ...timingCells(r.baseline), margin(r.baseline.calibration.rme), ratio(r.baseline.vsCalibration), "1"],
    ...r.suites.map((s) => [s.name, s.unit, ...timingCells(s), margin(s.calibration.rme), ratio(s.vsCalibration), ratio(s.vsBaseline)]),
  ];
  const parts = [
    `zhongcao bench${r.quick ? " --quick" : ""}  ${m.cpu}, ${m.cores} cores, node ${m.node}, ${r.date}`,
    table(["suite", "unit", "mean ms", "rme", "n", "per second", "calibration rme", "× calibration", "× baseline"], rows),
  ];
  if (r.scaling) parts.push(scalingText(r.scaling));
  if (r.targets.length > 0) {
    // The targets speak of the default scenario at full size; quick sizes are too small to judge them.
    if (r.quick) parts.push("targets at --quick sizes (indicative only: the targets are judged by a full run, without --quick)");
    parts.push(table(["target", "value", "wanted", ""], r.targets.map((t) => [t.name, t.interval ? withInterval(ratio(t.value), t.interval.low, t.interval.high, 2) : ratio(t.value), t.target, t.met ? "met" : "MISSED"])));
  }
  return `${parts.join("\n\n")}\n`;
}

/** `measure`: what old and new are (calibrated ratios, or speed relative to the reference). */
export function renderComparison(c: Comparison, against: string, measure = "calibrated ratios"): string {
  const rows = c.rows.map((r) => [
    r.suite,
    ratio(r.old),
    ratio(r.new),
    pct(r.change),
    `±${(100 * r.noise).toFixed(1)} %`,
    `-${(100 * r.allowedDrop).toFixed(1)} %${r.noiseCapped ? " (noise capped)" : ""}`,
    r.verdict,
  ]);
  const lines = [
    `compared with ${against} (${measure}; fails below −(${c.thresholdPct} % + noise), noise counted up to ${c.thresholdPct / 2} %)`,
    table(["suite", "old", "new", "change", "noise", "fails below", "verdict"], rows),
  ];
  if (c.unmatched.length > 0) lines.push(`not compared (in one result only): ${c.unmatched.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** Each run's calibrated ratio per suite, for both builds, in the order they ran. */
export function renderAlternation(runs: { current: readonly Comparable[]; reference: readonly Comparable[]; order: readonly string[] }, dir: string): string {
  const names = runs.current[0]?.suites.map((s) => s.name) ?? [];
  const cells = (side: readonly Comparable[], name: string) => side.map((r) => r.suites.find((s) => s.name === name)).map((s) => (s ? `${ratio(s.vsCalibration)} ±${s.rme.toFixed(1)} %` : "–"));
  const rows = names.map((name) => [name, ...cells(runs.current, name), ...cells(runs.reference, name)]);
  const header = ["suite", ...runs.current.map((_, i) => `this, run ${i + 1}`), ...runs.reference.map((_, i) => `reference, run ${i + 1}`)];
  return [
    `zhongcao bench against the build in ${dir}: ${runs.current.length} runs each, one process per run, in the order ${runs.order.map((s) => (s === "current" ? "this" : "reference")).join(", ")}`,
    "calibrated ratios (suite per second ÷ the calibration loop measured around it in the same run):",
    table(header, rows),
  ].join("\n") + "\n";
}

/** Each suite timed in turn with the reference build: calls, median times, and this build's speed ratio with its interval. */
export function renderInterleaved(suites: readonly InterleavedSuite[], dir: string): string {
  const pct = (x: number) => `${x >= 1 ? "+" : ""}${(100 * (x - 1)).toFixed(1)} %`;
  const rows = suites.map((s) => [
    s.suite,
    String(s.rounds),
    s.referenceMs.toFixed(2),
    s.currentMs.toFixed(2),
    pct(s.speed),
    `${pct(s.low)} … ${pct(s.high)}`,
    `${Math.round(100 * s.confidence)} %`,
    s.halves.map(pct).join(" / "),
  ]);
  return [
    `zhongcao bench against the build in ${dir}: two halves, each a process of its own timing a call of each build per round, in the order reference, this, this, reference, …`,
    "speed = the reference's time per unit ÷ this build's, per round; the geometric mean of the two halves' medians, with an interval from the order statistics of every round (each half centred on that speed), and each half's median:",
    table(["suite", "rounds", "reference ms", "this ms", "speed", "interval", "confidence", "halves"], rows),
  ].join("\n") + "\n";
}
