import { rm } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { withOverrides, type LoadedScenario, type ScenarioFile } from "../config/load.js";
import { runScenario } from "../run/runScenario.js";
import { workerThreadsFor } from "../run/shardPlan.js";
import { TOUCH_CHANNELS, type ChannelName, type TouchChannelName } from "../events/enums.js";
import { ShardPool } from "../workers/pool.js";
import { inScratchDir } from "../run/scratchDir.js";
import { incrementalMetrics } from "./incrementality.js";
import { absentMeansZero, runMetrics, spreadUnseen } from "./metrics.js";
import { runsPerReplication } from "./runCount.js";
import { meanInterval, type Interval } from "./stats.js";
import { counted } from "../plural.js";


export interface CompareOptions {
  readonly replications: number;
  readonly workers?: number;
  /** Also run one twin per touch channel with that channel removed, on both sides. */
  readonly incrementality: boolean;
  readonly onRun?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface MetricComparison {
  readonly metric: string;
  readonly a: Interval;
  readonly b: Interval;
  /** Paired differences B − A over replications. */
  readonly diff: Interval;
  /** Each replication's value, in seed order: what the intervals were computed from. */
  readonly perReplication: { readonly a: number[]; readonly b: number[] };
}

export interface CompareResult {
  readonly a: { path: string; name: string; sha256: string; policy: string };
  readonly b: { path: string; name: string; sha256: string; policy: string };
  readonly replications: number;
  readonly seeds: number[];
  readonly metrics: MetricComparison[];
  /**
   * Metrics every run measured as 0, left out of `metrics` (they carry no information), but
   * known: a threshold on one judges a difference of exactly 0. Metrics that a run leaves out
   * when zero (absentMeansZero) and no run had are not listed; they are 0 as well.
   */
  readonly zeroInEveryRun: string[];
  /**
   * Metrics some run could not measure (missing there, or a ratio of nothing such as the
   * shares of a model that credited nothing), left out of `metrics` rather than averaged
   * with made-up values; a threshold on one fails.
   */
  readonly notMeasuredInEveryRun: string[];
  readonly warnings: string[];
}

/**
 * What the twins may differ in; everything else must match for exact common random numbers.
 * The shard size is how the work is split, not what is drawn (no count depends on it).
 */
function differencesBeyondPolicy(a: LoadedScenario, b: LoadedScenario): string[] {
  const strip = (s: LoadedScenario["scenario"]) => {
    const { name: _n, description: _d, policy: _p, seed: _s, simulation, ...rest } = s;
    const { shardUsers: _u, ...drawn } = simulation;
    return { ...rest, simulation: drawn } as Record<string, unknown>;
  };
  const ra = strip(a.scenario);
  const rb = strip(b.scenario);
  return Object.keys(ra).filter((k) => !isDeepStrictEqual(ra[k], rb[k]));
}

/**
 * Twin runs of two scenarios with common random numbers: replication r runs both with
 * seed = A's seed + r, so everything the policy does not change draws the same numbers
 * (keyed draws make this exact), and reports per metric the paired difference B − A with
 * a 95 % t interval over replications.
 */
export async function compareScenarios(a0: ScenarioFile, b0: ScenarioFile, o: CompareOptions): Promise<CompareResult> {
  const differing = differencesBeyondPolicy(a0, b0);
  const warnings = differing.length > 0 ? [`scenarios differ beyond policy (${differing.join(", ")}): common random numbers are not exact`] : [];
  if (b0.scenario.seed !== a0.scenario.seed) warnings.push(`B's seed ${b0.scenario.seed} is not used: both sides run with A's seeds (${a0.scenario.seed} + replication) for common random numbers`);
  const seeds = Array.from({ length: o.replications }, (_, r) => (a0.scenario.seed + r) >>> 0);
  const total = seeds.length * 2 * runsPerReplication(o.incrementality);
  let done = 0;
  const sides: Record<string, number>[][] = [[], []];
  await inScratchDir("compare", async (scratch) => {
    // One pool for every run: workers start, and compile the hot code, once.
    const threads = Math.max(...[a0, b0].map((l) => workerThreadsFor(l.scenario, o.workers)));
    const pool = threads > 0 ? new ShardPool(threads) : null;
    try {
      for (const seed of seeds) {
        for (const [side, base] of [a0, b0].entries()) {
          const loaded = withOverrides(base, { seed });
          const metrics = await measure(loaded, join(scratch, `${side}-${seed}`), pool, o.signal);
          if (o.incrementality) {
            const twinPurchases = {} as Record<TouchChannelName, number>;
            for (const channel of TOUCH_CHANNELS) {
              const twin = await measure(loaded, join(scratch, `${side}-${seed}-${channel}`), pool, o.signal, channel);
              twinPurchases[channel] = twin["purchases.true"]!;
              o.onRun?.(++done, total);
            }
            Object.assign(metrics, incrementalMetrics(metrics, twinPurchases));
          }
          sides[side]!.push(metrics);
          o.onRun?.(++done, total);
        }
      }
    } finally {
      await pool?.close();
    }
  });
  const [runsA, runsB] = sides as [Record<string, number>[], Record<string, number>[]];
  // Metrics measured in every run (present and not a ratio of nothing), or zero where
  // absent; those that are zero everywhere carry no information.
  const all = [...runsA, ...runsB];
  const value = (m: Record<string, number>, k: string) => m[k] ?? (absentMeansZero(k) ? 0 : undefined);
  const seen = [...new Set(all.flatMap((m) => Object.keys(m)))];
  const measured = seen.filter((k) => all.every((m) => !Number.isNaN(value(m, k) ?? Number.NaN)));
  const measuredSet = new Set(measured);
  // Missing from a run, or a ratio of nothing there (NaN), even if so in every run.
  const notMeasuredInEveryRun = seen.filter((k) => !measuredSet.has(k)).sort();
  // Worth a warning where some runs did measure it: those values are not shown.
  const partly = notMeasuredInEveryRun.filter((k) => all.some((m) => Number.isFinite(m[k])));
  if (partly.length > 0) {
    warnings.push(`${counted(partly.length, "metric")} measured in some runs only ${partly.length === 1 ? "is" : "are"} not compared (e.g. a model that credited nothing has no shares; notMeasuredInEveryRun in compare.json): ${listed(partly)}`);
  }
  const names = measured.filter((k) => all.some((m) => value(m, k) !== 0));
  const zeroInEveryRun = measured.filter((k) => all.every((m) => value(m, k) === 0)).sort();
  const metrics = names.sort().map((metric) => {
    const va = runsA.map((m) => value(m, metric)!);
    const vb = runsB.map((m) => value(m, metric)!);
    return { metric, a: meanInterval(va), b: meanInterval(vb), diff: meanInterval(vb.map((v, i) => v - va[i]!)), perReplication: { a: va, b: vb } };
  });
  const flat = metrics.filter((m) => spreadUnseen(m.metric, m.diff)).map((m) => m.metric);
  if (flat.length > 0) {
    const these = flat.length === 1 ? "1 metric differs by the same amount in all" : `${flat.length} metrics differ by the same amount in all`;
    warnings.push(`${these} ${seeds.length} replications, so the 95 % interval has no width; more replications would show the spread: ${listed(flat)}`);
  }
  const describe = (l: LoadedScenario) => ({ path: l.path, name: l.scenario.name, sha256: l.sha256, policy: l.scenario.policy.type });
  return { a: describe(a0), b: describe(b0), replications: seeds.length, seeds, metrics, zeroInEveryRun, notMeasuredInEveryRun, warnings };
}

async function measure(loaded: LoadedScenario, outDir: string, pool: ShardPool | null, signal?: AbortSignal, removeChannel?: ChannelName): Promise<Record<string, number>> {
  const { manifest } = await runScenario(loaded, {
    outDir,
    events: false,
    report: false,
    ...(pool ? { pool } : { workers: 0 }),
    ...(removeChannel === undefined ? {} : { removeChannel }),
    ...(signal ? { signal } : {}),
  });
  await rm(outDir, { recursive: true, force: true });
  // Ratios of nothing stay, as NaN: such a metric was not measured in this run, and must
  // not be averaged in as 0.
  return runMetrics(manifest, { keepNonFinite: true });
}

function listed(names: readonly string[], most = 6): string {
  return names.length <= most ? names.join(", ") : `${names.slice(0, most).join(", ")} and ${names.length - most} more`;
}

