import type { WrittenFile } from "../arrow/fileSink.js";
import type { Engine } from "../engines/engine.js";
import type { ShardResult } from "../pipeline/shardPipeline.js";
import { addTally, emptyTally, type Tally } from "../pipeline/tally.js";
import { SEARCH_LAG_BINS } from "../sim/searchLag.js";
import { emptyTruth, type TruthCredits, type TruthPurchases } from "../sim/truth.js";

/** Shard results combined in shard order: the order, not the worker, decides every byte. */
export interface Combined {
  readonly tally: Tally;
  readonly purchases: TruthPurchases;
  readonly credits: TruthCredits;
  /** Latent AIPS counts per day, `[day][brand * 6 + state]`, summed over shards. */
  readonly aipsDaily: Float64Array[];
  readonly searchLagHours: Float64Array;
  readonly users: ShardResult["users"];
}

function append(into: Record<string, number[]>, from: Record<string, number[]>): void {
  for (const [key, dst] of Object.entries(into)) {
    for (const v of from[key] ?? []) dst.push(v);
  }
}

/**
 * Folds shard results as they complete, in shard order, so the main thread holds one
 * running total instead of every shard's result: a run of a thousand shards would
 * otherwise keep a thousand sets of daily count arrays until the end. Sums run in the
 * same order as summing the whole list would, so the bytes do not change.
 *
 * An engine with `merge` is folded the same way; one without keeps its partials in a list.
 */
export class ShardCombiner {
  readonly eventsFiles: WrittenFile[] = [];
  private readonly tally: Tally;
  private readonly truth = emptyTruth();
  private readonly aipsDaily: Float64Array[] = [];
  private readonly searchLagHours = new Float64Array(SEARCH_LAG_BINS);
  private readonly users = { female: 0, after2000: 0, after1995: 0, tier12: 0, searchers: 0, total: 0 };
  private readonly partials: unknown[][];
  private nextShard = 0;

  constructor(
    categoryCount: number,
    private readonly engines: readonly Engine[],
  ) {
    this.tally = emptyTally(categoryCount);
    this.partials = engines.map(() => []);
  }

  /** Adds the next shard's result; results must come in shard order. */
  add(r: ShardResult): void {
    if (r.shard.index !== this.nextShard) throw new Error(`shard ${r.shard.index} combined out of order (expected ${this.nextShard})`);
    this.nextShard++;
    if (r.eventsFile) this.eventsFiles.push(r.eventsFile);
    addTally(this.tally, r.tally);
    append(this.truth.purchases as never, r.purchases as never);
    append(this.truth.credits as never, r.credits as never);
    r.aipsDaily.forEach((counts, day) => {
      const acc = (this.aipsDaily[day] ??= new Float64Array(counts.length));
      for (let i = 0; i < counts.length; i++) acc[i] = acc[i]! + counts[i]!;
    });
    r.searchLagHours.forEach((n, bin) => (this.searchLagHours[bin] = this.searchLagHours[bin]! + n));
    for (const key of Object.keys(this.users) as (keyof typeof this.users)[]) this.users[key] += r.users[key];
    this.engines.forEach((engine, i) => {
      const kept = this.partials[i]!;
      const partial = r.enginePartials[i];
      if (engine.merge && kept.length === 1) kept[0] = engine.merge(kept[0], partial);
      else kept.push(partial);
    });
  }

  get combined(): Combined {
    return { tally: this.tally, ...this.truth, aipsDaily: this.aipsDaily, searchLagHours: this.searchLagHours, users: this.users };
  }

  /** The engine's partials for `finalize`: one running merge, or every shard's in order. */
  enginePartials(engine: number): unknown[] {
    return this.partials[engine]!;
  }
}
