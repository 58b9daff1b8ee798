import type { ShardResult } from "../pipeline/shardPipeline.js";
import { addTally, emptyTally, type Tally } from "../pipeline/tally.js";
import { emptyTruth, type TruthCredits, type TruthPurchases } from "../sim/truth.js";

/** Shard results combined in shard order: the order, not the worker, decides every byte. */
export interface Combined {
  readonly tally: Tally;
  readonly purchases: TruthPurchases;
  readonly credits: TruthCredits;
  /** Latent AIPS counts per day, `[day][brand * 6 + state]`, summed over shards. */
  readonly aipsDaily: Float64Array[];
  readonly users: ShardResult["users"];
}

function append(into: Record<string, number[]>, from: Record<string, number[]>): void {
  for (const [key, dst] of Object.entries(into)) {
    for (const v of from[key] ?? []) dst.push(v);
  }
}

export function combineShards(results: readonly ShardResult[], categoryCount: number): Combined {
  const sorted = [...results].sort((a, b) => a.shard.index - b.shard.index);
  const tally = emptyTally(categoryCount);
  const { purchases, credits } = emptyTruth();
  const aipsDaily: Float64Array[] = [];
  const users = { female: 0, after2000: 0, after1995: 0, tier12: 0, searchers: 0, total: 0 };
  for (const r of sorted) {
    addTally(tally, r.tally);
    append(purchases as never, r.purchases as never);
    append(credits as never, r.credits as never);
    r.aipsDaily.forEach((counts, day) => {
      const acc = (aipsDaily[day] ??= new Float64Array(counts.length));
      for (let i = 0; i < counts.length; i++) acc[i] = acc[i]! + counts[i]!;
    });
    for (const key of Object.keys(users) as (keyof typeof users)[]) users[key] += r.users[key];
  }
  return { tally, purchases, credits, aipsDaily, users };
}
