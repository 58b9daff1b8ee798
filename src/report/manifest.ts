import { changedOverrides, type LoadedScenario, type ScenarioFile, type ScenarioOverrides } from "../config/load.js";
import type { Scenario } from "../config/schema.js";
import { CHANNELS, KINDS } from "../events/enums.js";
import type { Combined } from "../run/combine.js";
import type { ShardSpec } from "../sim/shard.js";
import { TOUCHES_PER_PAIR } from "../sim/touchHistory.js";
import { TOOL, VERSION } from "../version.js";
import type { Verdict } from "../compare/thresholds.js";
import type { CalibrationRow } from "./calibration.js";
import type { DecisionCycles } from "./decisionCycles.js";
import { v8HelperThreads } from "../run/v8Mode.js";

export interface OutputEntry {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** run.json. Only VOLATILE_MANIFEST_FIELDS vary between runs of the same scenario and seed. */
export interface RunManifest {
  tool: string;
  version: string;
  /** `overrides`: what --seed, --users and --days changed from the file (absent when they changed nothing). */
  scenario: { name: string; sha256: string; overrides?: ScenarioOverrides; resolved: Scenario };
  seed: number;
  /** Twin-run setting: the channel whose touches planted no purchases, if any. */
  counterfactual: { removedChannel: string | null };
  /** Execution settings: they must not change any other field. `workers` is the worker threads used (0: inline), at most one per shard. */
  workers: number;
  batchRows: number;
  shards: { count: number; usersPerShard: number };
  events: { total: number; observed: number; duplicates: number; byKind: Record<string, number>; observedByKind: Record<string, number> };
  purchases: {
    total: number;
    observed: number;
    byChannel: Record<string, number>;
    observedByChannel: Record<string, number>;
    byCauseChannel: Record<string, number>;
    /** Purchases whose true credit shares lack a live touch that fell out of the pair's touch ring. */
    creditTruncated: number;
    /** Days from a decision cycle's first touch to the purchase, by category (touch-caused purchases). */
    decisionCycles: DecisionCycles;
  };
  /** Money as the platform would see it vs the truth (ROI = value per yuan of ad spend). */
  economics: {
    adSpendYuan: number;
    trueValueYuan: number;
    incrementalValueYuan: number;
    observedValueYuan: number;
    /** Null without ad spend: a return on nothing is not 0. */
    trueRoi: number | null;
    observedRoi: number | null;
    /**
     * Ad spend per new True Interest user, what advertisers buy: as the AIPS engine counts them
     * (observed) and in the latent truth. Null without ad spend or without a new TI user.
     */
    observedCostPerNewTiYuan: number | null;
    trueCostPerNewTiYuan: number | null;
  };
  timing: {
    seconds: number;
    simulateSeconds: number;
    eventsPerSecond: number;
    /** CPU time of the whole process over the run, every thread (workers, V8's helpers, main), user + system. */
    cpuSeconds: number;
    /** Whether V8 ran its compiler and GC helper threads (off when the workers fill every core; see run/v8Mode.ts). */
    v8HelperThreads: boolean;
  };
  memory: { peakRssBytes: number };
  outputs: OutputEntry[];
  calibration: CalibrationRow[];
  accuracy: Record<string, unknown>;
  warnings: string[];
  /** `run --threshold`: each threshold on this run's metrics and what it came to (absent without one). */
  thresholds?: Verdict[];
}

/** Fields that depend on the machine, the moment or execution settings, not on scenario and seed. */
export const VOLATILE_MANIFEST_FIELDS = ["timing", "memory", "workers", "batchRows"] as const;

function byName(names: readonly string[], counts: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, counts[i] ?? 0]));
}

/** What the flags changed in a scenario read from its file, when they changed anything. */
function overridesOf(loaded: LoadedScenario): { overrides?: ScenarioOverrides } {
  const overrides = "overrides" in loaded && "document" in loaded ? changedOverrides(loaded as ScenarioFile) : {};
  return Object.keys(overrides).length > 0 ? { overrides } : {};
}

export function buildManifest(input: {
  loaded: LoadedScenario;
  shards: readonly ShardSpec[];
  combined: Combined;
  calibration: CalibrationRow[];
  decisionCycles: DecisionCycles;
  outputs: OutputEntry[];
  seconds: number;
  simulatedSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  workers: number;
  batchRows: number;
  removedChannel?: string | null;
  adSpendYuan: number;
  /** New True Interest users over the run, as the AIPS engine counts them and in the truth. */
  newTiUsers: { readonly engine: number; readonly truth: number };
  accuracy?: Record<string, unknown>;
  warnings?: string[];
}): RunManifest {
  const { loaded, combined: c } = input;
  const s = loaded.scenario;
  const total = c.tally.byKind.reduce((a, b) => a + b, 0);
  const observed = c.tally.observedByKind.reduce((a, b) => a + b, 0);
  const byCause = new Float64Array(CHANNELS.length);
  for (const ch of c.purchases.causeChannel) byCause[ch]!++;
  const warnings = [...(input.warnings ?? [])];
  warnings.push(...input.calibration.filter((r) => !r.ok).map(calibrationWarning));
  const creditTruncated = c.purchases.creditTruncated.reduce((a, b) => a + b, 0);
  if (creditTruncated > 0) {
    warnings.push(`truth: ${creditTruncated} purchases' credit shares leave out live touches beyond the last ${TOUCHES_PER_PAIR} of their pair (creditTruncated in truth_purchases.arrow)`);
  }
  return {
    tool: TOOL,
    version: VERSION,
    scenario: { name: s.name, sha256: loaded.sha256, ...overridesOf(loaded), resolved: s },
    seed: s.seed,
    counterfactual: { removedChannel: input.removedChannel ?? null },
    workers: input.workers,
    batchRows: input.batchRows,
    shards: { count: input.shards.length, usersPerShard: s.simulation.shardUsers },
    events: {
      total,
      observed,
      duplicates: c.tally.duplicates,
      byKind: byName(KINDS, c.tally.byKind),
      observedByKind: byName(KINDS, c.tally.observedByKind),
    },
    purchases: {
      total: c.purchases.id.length,
      observed: c.tally.observedPurchasesByChannel.reduce((a, b) => a + b, 0),
      byChannel: byName(CHANNELS, c.tally.purchasesByChannel),
      observedByChannel: byName(CHANNELS, c.tally.observedPurchasesByChannel),
      byCauseChannel: byName(CHANNELS, byCause),
      creditTruncated,
      decisionCycles: input.decisionCycles,
    },
    economics: economics(c, input.adSpendYuan, input.newTiUsers),
    timing: {
      seconds: round(input.seconds, 3),
      simulateSeconds: round(input.simulatedSeconds, 3),
      eventsPerSecond: Math.round(total / input.seconds),
      cpuSeconds: round(input.cpuSeconds, 3),
      v8HelperThreads: v8HelperThreads(),
    },
    memory: { peakRssBytes: input.peakRssBytes },
    outputs: input.outputs,
    calibration: input.calibration,
    accuracy: input.accuracy ?? {},
    warnings,
  };
}

function economics(c: Combined, adSpendYuan: number, newTi: { readonly engine: number; readonly truth: number }): RunManifest["economics"] {
  let trueValue = 0;
  let incremental = 0;
  const p = c.purchases;
  for (let i = 0; i < p.id.length; i++) {
    trueValue += p.value[i]!;
    if (p.cause[i] !== 0) incremental += p.value[i]!;
  }
  const observed = c.tally.observedPurchaseValue;
  // A spend that rounds to nothing (a handful of users) is reported as 0: no ROI over it either.
  const spent = round(adSpendYuan, 2) > 0;
  return {
    adSpendYuan: round(adSpendYuan, 2),
    trueValueYuan: round(trueValue, 2),
    incrementalValueYuan: round(incremental, 2),
    observedValueYuan: round(observed, 2),
    trueRoi: spent ? round(incremental / adSpendYuan, 6) : null,
    observedRoi: spent ? round(observed / adSpendYuan, 6) : null,
    observedCostPerNewTiYuan: spent && newTi.engine > 0 ? round(adSpendYuan / newTi.engine, 6) : null,
    trueCostPerNewTiYuan: spent && newTi.truth > 0 ? round(adSpendYuan / newTi.truth, 6) : null,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The warning for a calibration row outside its target range. */
export function calibrationWarning(r: CalibrationRow): string {
  // Bounds are often products (0.013000000000000001): six significant digits say them.
  const bound = (x: number) => String(Number(x.toPrecision(6)));
  return `calibration ${r.metric} = ${r.value.toFixed(4)} outside [${bound(r.min)}, ${bound(r.max)}]`;
}
