import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { makeSchema, type RunIdentity } from "../arrow/columns.js";
import { writeArrowFile, type WrittenFile } from "../arrow/fileSink.js";
import { AIPS_TRUTH_DAILY_SPECS, TRUTH_CREDIT_SPECS, TRUTH_PURCHASE_SPECS } from "../arrow/schemas/truth.js";
import type { LoadedScenario } from "../config/load.js";
import { judgeRun, type Threshold } from "../compare/thresholds.js";
import { AIPS_STATES, Channel, type ChannelName } from "../events/enums.js";
import type { ShardContext, ShardResult } from "../pipeline/shardPipeline.js";
import { executeShard } from "../workers/executeShard.js";
import { runShardsInPool, ShardFailure, ShardPool } from "../workers/pool.js";
import { DEFAULT_BATCH_ROWS, planShards, workerThreadsFor } from "./shardPlan.js";
import { measureDecisionCycles } from "../report/decisionCycles.js";
import { calibrate } from "../report/calibration.js";
import { writeRunReport } from "../report/html/runReport.js";
import { buildManifest, type RunManifest } from "../report/manifest.js";
import { resolveLinkPolicy, unusedSwitchWarnings } from "../sim/policy.js";
import { dailyAdSpendYuan } from "../world/adSpend.js";
import { buildWorld, worldWarnings, type World } from "../world/world.js";
import { AtomicDir } from "./atomicDir.js";
import { writeWorldFiles } from "./worldFiles.js";
import type { AipsAccuracy } from "../engines/aips/accuracy.js";
import { ENGINES } from "../engines/registry.js";
import { ShardCombiner, type Combined } from "./combine.js";
import { PeakRss } from "./peakRss.js";

export interface RunOptions {
  /** Final run directory; created atomically. */
  readonly outDir: string;
  /** Rows per pipeline batch (default DEFAULT_BATCH_ROWS); outputs do not depend on it. */
  readonly batchRows?: number;
  /** Worker threads (default: available cores); 0 runs every shard inline on the main thread. */
  readonly workers?: number;
  /**
   * Workers to run the shards in, owned by the caller (who closes it); `workers` is then
   * ignored. Runs in a row that share one (compare's replications) start and warm up
   * their workers once.
   */
  readonly pool?: ShardPool;
  /** Twin run: this channel's touches plant no purchases (true incrementality). */
  readonly removeChannel?: ChannelName;
  /** Write `report.html` (default true; compare's internal replications skip it). */
  readonly report?: boolean;
  /** Write `events/part-NNNNN.arrow`. */
  readonly events: boolean;
  /** Called after every simulated shard-day. */
  readonly onProgress?: (done: number, total: number, events: number) => void;
  /** Aborts the run; nothing is left on disk. */
  readonly signal?: AbortSignal;
  /** Judged on the run's metrics and recorded in run.json (`thresholds`); failing one does not fail the run. */
  readonly thresholds?: readonly Threshold[];
}

export interface RunResult {
  readonly manifest: RunManifest;
  readonly outDir: string;
  /** Earlier output replaced but not removed, to tell the user (see AtomicDir.commit). */
  readonly leftovers: readonly string[];
}

/**
 * Runs a scenario end to end: world, shards through the pipeline, combine in shard order,
 * truth files and run.json, then one rename into place. Any failure or abort removes the
 * temp directory, so a run directory either exists complete or not at all.
 */
export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const peak = new PeakRss();
  const { scenario } = loaded;
  const dir = await AtomicDir.create(options.outDir);
  const shards = planShards(scenario.population.users, scenario.simulation.shardUsers);
  const workers = options.pool ? Math.min(options.pool.threads, shards.length) : workerThreadsFor(scenario, options.workers);
  const ownPool = !options.pool && workers > 0 ? new ShardPool(workers) : null;
  const pool = options.pool ?? ownPool;
  const totalSteps = shards.length * scenario.simulation.days;
  let steps = 0;
  try {
    const identity: RunIdentity = { scenarioSha256: loaded.sha256, seed: scenario.seed };
    const world = buildWorld(scenario);
    const policy = resolveLinkPolicy(scenario, world);
    const eventsDir = options.events ? join(dir.path, "events") : null;
    if (eventsDir) await mkdir(eventsDir);
    let events = 0;
    const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
    const counterfactual = { removedChannel: options.removeChannel === undefined ? -1 : Channel[options.removeChannel] };
    // Never throws: with workers it runs in a message listener, where a throw would be uncaught.
    const onDay = (rows: number) => {
      events += rows;
      options.onProgress?.(++steps, totalSteps, events);
      peak.sample();
    };
    const combiner = new ShardCombiner(world.categories.names.length, ENGINES);
    // Inline shards run in order, and the pool hands results on in shard order.
    const onResult = (r: ShardResult) => {
      combiner.add(r);
      peak.sample();
    };
    if (!pool) {
      const ctx: ShardContext = { scenario, world, policy, identity, eventsDir, engines: ENGINES, batchRows, counterfactual };
      for (const spec of shards) {
        options.signal?.throwIfAborted();
        onResult(
          await executeShard(ctx, spec, (_day, rows) => {
            options.signal?.throwIfAborted();
            onDay(rows);
          }).catch((error: unknown) => {
            throw options.signal?.aborted ? error : new ShardFailure(spec, error);
          }),
        );
      }
    } else {
      await runShardsInPool(
        pool,
        shards,
        () => ({ scenario, scenarioSha256: loaded.sha256, eventsDir, batchRows, counterfactual }),
        (_spec, p) => onDay(p.rows),
        onResult,
        options.signal,
      );
    }
    options.signal?.throwIfAborted();
    const combined = combiner.combined;
    const simulatedSeconds = (performance.now() - started) / 1000;
    // The world's files need no shard result: they are written while the pool waits out
    // its grace period, so the workers' memory is gone before the larger outputs are built.
    const [worldFiles] = await Promise.all([writeWorldFiles(dir.path, identity, world, policy), ownPool?.close()]);
    const files: WrittenFile[] = [...combiner.eventsFiles, ...(await writeTruthFiles(dir.path, identity, combined, world.brands.count)), ...worldFiles];
    const accuracy: Record<string, unknown> = {};
    const warnings: string[] = [...unusedSwitchWarnings(scenario), ...worldWarnings(scenario, world)];
    for (const [i, engine] of ENGINES.entries()) {
      const out = await engine.finalize(
        combiner.enginePartials(i),
        { scenario, world, identity, dir: dir.path, truth: combined },
      );
      files.push(...out.files);
      accuracy[engine.name] = out.accuracy;
      warnings.push(...out.warnings);
    }
    const decisionCycles = measureDecisionCycles(scenario, combined.purchases, world.brands.category, world.categories.names);
    const calibration = calibrate(scenario, combined, world.categories.names, decisionCycles);
    peak.sample();
    const manifest = buildManifest({
      loaded,
      shards,
      combined,
      calibration,
      decisionCycles,
      outputs: files.map((f) => ({ path: relative(dir.path, f.path), rows: f.rows, bytes: f.bytes, sha256: f.sha256 })),
      seconds: (performance.now() - started) / 1000,
      simulatedSeconds,
      cpuSeconds: cpuSecondsSince(startedCpu),
      peakRssBytes: peak.bytes,
      accuracy,
      warnings,
      workers,
      batchRows,
      removedChannel: options.removeChannel ?? null,
      adSpendYuan: adSpend(world, scenario.simulation.days, scenario.population.users),
      newTiUsers: (accuracy.aips as AipsAccuracy).newTi,
    });
    const removedNothing = nothingRemovedWarning(options.removeChannel, manifest.events.byKind);
    if (removedNothing) manifest.warnings.push(removedNothing);
    if (options.thresholds !== undefined && options.thresholds.length > 0) manifest.thresholds = judgeRun(manifest, options.thresholds);
    await writeFile(join(dir.path, "run.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    if (options.report !== false) await writeRunReport(dir.path, manifest);
    options.signal?.throwIfAborted();
    const leftovers = await dir.commit();
    return { manifest, outDir: options.outDir, leftovers };
  } catch (error) {
    await dir.discard();
    if (options.signal?.aborted) throw new Error(`interrupted after ${steps} of ${totalSteps} shard-days: the run was stopped and nothing was written`, { cause: error });
    throw error;
  } finally {
    peak.stop();
    // Closed here too when the run fails before its shards start.
    await ownPool?.close();
  }
}

/** The event kind without which a channel has no touches: a twin run removing it then equals the factual run. */
const TOUCH_KIND_OF: Partial<Record<ChannelName, string>> = { search: "search", ad: "ad_click", link: "link_click", blue_link: "blue_link_click" };

/** A twin run that had nothing of its channel to remove (blue_link under Red Cat, say) says so. */
function nothingRemovedWarning(channel: ChannelName | undefined, byKind: Record<string, number>): string | null {
  const kind = channel === undefined ? undefined : TOUCH_KIND_OF[channel];
  if (kind === undefined || (byKind[kind] ?? 0) > 0) return null;
  return `--remove-channel ${channel}: the run has no ${kind} events, so the channel had no touches to remove and this twin run equals the run without --remove-channel`;
}

/** Ad spend over the run, in the simulated population (see dailyAdSpendYuan). */
function adSpend(world: World, days: number, users: number): number {
  return dailyAdSpendYuan(world, users).reduce((a, b) => a + b, 0) * days;
}

async function writeTruthFiles(dirPath: string, identity: RunIdentity, c: Combined, brandCount: number): Promise<WrittenFile[]> {
  const p = c.purchases;
  const purchases = await writeArrowFile(
    join(dirPath, "truth_purchases.arrow"),
    makeSchema(TRUTH_PURCHASE_SPECS, identity),
    TRUTH_PURCHASE_SPECS,
    p as unknown as Record<string, number[]>,
    p.id.length,
  );
  const credits = await writeArrowFile(
    join(dirPath, "truth_credits.arrow"),
    makeSchema(TRUTH_CREDIT_SPECS, identity),
    TRUTH_CREDIT_SPECS,
    c.credits as unknown as Record<string, number[]>,
    c.credits.share.length,
  );
  const states = AIPS_STATES.length;
  const rows = c.aipsDaily.length * brandCount * states;
  const cols = { day: new Uint32Array(rows), brand: new Uint32Array(rows), state: new Uint8Array(rows), users: new Uint32Array(rows) };
  let r = 0;
  c.aipsDaily.forEach((counts, day) => {
    for (let b = 0; b < brandCount; b++) {
      for (let s = 0; s < states; s++, r++) {
        cols.day[r] = day;
        cols.brand[r] = b;
        cols.state[r] = s;
        cols.users[r] = counts[b * states + s]!;
      }
    }
  });
  const aips = await writeArrowFile(join(dirPath, "aips_truth_daily.arrow"), makeSchema(AIPS_TRUTH_DAILY_SPECS, identity), AIPS_TRUTH_DAILY_SPECS, cols, rows);
  return [purchases, credits, aips];
}

/** User + system CPU seconds the process (all its threads) has used since `start`. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
