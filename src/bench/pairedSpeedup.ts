import { meanInterval, type Interval } from "../compare/stats.js";

/**
 * Speed-up of a worker count over one worker, paired by round: in round i both counts ran
 * back to back, so a slow spell of the machine (which can last minutes and move a run's time
 * by a third) falls on both runs of a round and cancels in their ratio, where a ratio of
 * means keeps it. The mean and the 95 % t interval are taken over the rounds' log ratios and
 * turned back into ratios (a geometric mean): ratios multiply, and 2× faster and 2× slower
 * should average to no change. NaN bounds with a single round.
 */
export function pairedSpeedup(oneWorker: readonly number[], these: readonly number[]): Interval {
  // Pairs are made by position: a round missing on one side would pair the wrong runs.
  if (oneWorker.length !== these.length || these.length === 0) throw new Error(`pairedSpeedup: ${oneWorker.length} and ${these.length} rounds; pairing needs the same rounds, at least one`);
  const logs = these.map((seconds, i) => Math.log(oneWorker[i]! / seconds));
  const i = meanInterval(logs);
  return { mean: Math.exp(i.mean), low: Math.exp(i.low), high: Math.exp(i.high), n: i.n };
}
