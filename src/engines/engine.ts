import type { RunIdentity } from "../arrow/columns.js";
import type { WrittenFile } from "../arrow/fileSink.js";
import type { Scenario } from "../config/schema.js";
import type { ObservedBatch } from "../pipeline/deliver.js";
import type { Combined } from "../run/combine.js";
import type { LatentAips } from "../sim/aipsTruth.js";
import type { LinkPolicy } from "../sim/policy.js";
import type { ShardSpec } from "../sim/shard.js";
import type { World } from "../world/world.js";

/**
 * How an engine plugs into a run. In the shard (a worker thread, later), `ShardEngine`
 * folds the observed stream (arrival order, no truth columns) into a partial result; its
 * scorer half may read the shard's latent truth at day ends. In the main thread,
 * `finalize` combines partials in shard order, scores against the combined truth, and
 * writes the engine's Arrow files. Partials must be structured-cloneable (plain data and
 * typed arrays) so they can cross a worker boundary.
 */
export interface ShardEngineContext {
  readonly scenario: Scenario;
  readonly world: World;
  readonly policy: LinkPolicy;
  readonly shard: ShardSpec;
  /** Start of day 0, ms since epoch. */
  readonly startMs: number;
}

export interface ShardEngine<Partial> {
  /** Observed rows in arrival order. Must be batch-size invariant (fold row by row). */
  consume(batch: ObservedBatch): void;
  /**
   * Called after all rows delivered by the end of `day`; `latent` is the shard's true AIPS
   * state for scorers only — the inference itself must not read it.
   */
  endOfDay?(day: number, dayEndMs: number, latent: LatentAips): void;
  /**
   * A day end after the last simulated day (see Engine.lateDays): no events happen, late rows
   * still arrive, and every row that arrived before `dayEndMs` has been consumed.
   */
  endOfDayAfterRun?(day: number, dayEndMs: number): void;
  finish(): Partial;
}

export interface FinalizeContext {
  readonly scenario: Scenario;
  readonly world: World;
  readonly identity: RunIdentity;
  /** Temp run directory to write files into. */
  readonly dir: string;
  /** Truth combined over shards (purchases, credits, latent AIPS counts). */
  readonly truth: Combined;
}

export interface EngineOutput {
  readonly files: WrittenFile[];
  /** Goes to run.json `accuracy[name]`. */
  readonly accuracy: unknown;
  readonly warnings: string[];
}

export interface Engine<Partial = unknown> {
  readonly name: string;
  createShardEngine(ctx: ShardEngineContext): ShardEngine<Partial>;
  /**
   * Day ends the engine waits for after a day's end before its result for that day is final
   * (rows that arrive late). After the last simulated day, a shard's delivery clock goes on
   * for as many day ends as any engine waits (`endOfDayAfterRun`), so the last days get the
   * rows that arrived in time, as every other day does.
   */
  lateDays?(scenario: Scenario): number;
  /**
   * Folds the partial of the next shard into the running one (shard order). With it the
   * main thread keeps one partial instead of every shard's; `finalize` then gets one.
   */
  merge?(running: Partial, next: Partial): Partial;
  finalize(partials: Partial[], ctx: FinalizeContext): Promise<EngineOutput>;
}

/** Day ends a shard's delivery clock goes on for after its last day: the most any engine waits for late rows. */
export function lateDaysAfterRun(engines: readonly Engine[], scenario: Scenario): number {
  return Math.max(0, ...engines.map((e) => e.lateDays?.(scenario) ?? 0));
}
