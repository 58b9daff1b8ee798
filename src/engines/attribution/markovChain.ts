import type { PathTable } from "./types.js";

/**
 * First-order Markov chain of the journeys, as ChannelAttribution builds it:
 * consecutive repeats of a channel collapse into one state; every row adds
 * its weight (conversions + nulls, or conversions alone without the null
 * state) to each transition start → c1 → ... → ck, then its conversions to
 * ck → conversion and its nulls to ck → null. Counts are kept sparse (CSR),
 * one row per transient state.
 */
export interface MarkovChain {
  readonly channelCount: number;
  /** start is state 0 and channel c is state c + 1; all of them are transient. */
  readonly transientCount: number;
  readonly conversionState: number;
  readonly nullState: number;
  readonly rowStart: Int32Array;
  readonly target: Int32Array;
  readonly weight: Float64Array;
  readonly rowTotal: Float64Array;
  /** Per transient state: conversions and value of the rows whose last channel it is. */
  readonly lastConversions: Float64Array;
  readonly lastValue: Float64Array;
}

export const START_STATE = 0;

export function buildMarkovChain(table: PathTable, noNull: boolean): MarkovChain {
  const channelCount = table.channels.length;
  const transientCount = channelCount + 1;
  const conversionState = channelCount + 1;
  const nullState = channelCount + 2;
  const stateCount = channelCount + 3;
  const counts = new Map<number, number>();
  const add = (from: number, to: number, weight: number): void => {
    const key = from * stateCount + to;
    counts.set(key, (counts.get(key) ?? 0) + weight);
  };
  const lastConversions = new Float64Array(transientCount);
  const lastValue = new Float64Array(transientCount);

  for (let p = 0; p < table.paths.length; p++) {
    const conversions = table.conversions[p]!;
    const nulls = noNull ? 0 : table.nulls[p]!;
    const weight = conversions + nulls;
    if (weight === 0) continue;
    const path = table.paths[p]!;
    let previous = START_STATE;
    for (let i = 0; i < path.length; i++) {
      const state = path[i]! + 1;
      if (state === previous) continue;
      add(previous, state, weight);
      previous = state;
    }
    if (conversions > 0) {
      add(previous, conversionState, conversions);
      lastConversions[previous]! += conversions;
      lastValue[previous]! += table.value[p]!;
    }
    if (nulls > 0) add(previous, nullState, nulls);
  }

  const rowStart = new Int32Array(transientCount + 1);
  for (const key of counts.keys()) rowStart[Math.floor(key / stateCount) + 1]!++;
  for (let s = 0; s < transientCount; s++) rowStart[s + 1]! += rowStart[s]!;
  const fill = rowStart.slice(0, transientCount);
  const target = new Int32Array(counts.size);
  const weight = new Float64Array(counts.size);
  const rowTotal = new Float64Array(transientCount);
  for (const [key, count] of counts) {
    const from = Math.floor(key / stateCount);
    const at = fill[from]!++;
    target[at] = key % stateCount;
    weight[at] = count;
    rowTotal[from]! += count;
  }
  return {
    channelCount,
    transientCount,
    conversionState,
    nullState,
    rowStart,
    target,
    weight,
    rowTotal,
    lastConversions,
    lastValue,
  };
}
