import { luFactor, luInverse } from "./linalg.js";
import { buildMarkovChain, START_STATE, type MarkovChain } from "./markovChain.js";
import { totalsOf } from "./table.js";
import type { AttributionModel, FilledAttributionOptions, ModelResult, PathTable } from "./types.js";

export interface MarkovRemoval {
  /** P(a walk from start reaches conversion). */
  readonly conversionProbability: number;
  /** Per channel: 1 − P(conversion with the channel removed) / P(conversion). */
  readonly removalEffects: Float64Array;
  /** Per channel: the same ratio for expected conversion value. */
  readonly valueRemovalEffects: Float64Array;
}

export interface MarkovResult extends ModelResult, MarkovRemoval {}

/**
 * Removal effects of the chain built by `buildMarkovChain`, solved exactly.
 *
 * Let Q be the transition block over the transient states (start and the
 * channels), N = (I − Q)^-1 the fundamental matrix (N[i][j] = expected visits
 * to j from i; LU with partial pivoting), and h = N·b where b[i] is the
 * probability of stepping from i into conversion: h[i] = P(convert | at i).
 * Removing channel k redirects every transition into k to null, so a walk of
 * the reduced chain follows the full chain until it first enters k and stops
 * there without converting. Hence P(conv) − P(conv without k) is the
 * probability of entering k and converting afterwards, which by the strong
 * Markov property is P(hit k)·h[k], with P(hit k) = N[start][k] / N[k][k]
 * (expected visits = P(first visit) × expected visits from k). So
 *   removal effect of k = N[start][k]·h[k] / (N[k][k]·h[start]),
 * and one factorisation serves every channel.
 *
 * Value, as ChannelAttribution's markov_model with var_value: a simulated
 * walk that converts draws its conversion value from the per-conversion
 * values (value / conversions) of the rows whose last channel is the walk's
 * last channel, weighted by conversions; every channel the walk visited
 * accumulates that value; conversion value is split in proportion to the
 * accumulations, and the value removal effect of k is the accumulation of k
 * over the total. Transitions stay weighted by journeys, not by value. We
 * compute the expectation of that estimator exactly: with mu[c] = Σ value /
 * Σ conversions over the rows ending in c and g = N·(b ∘ mu) the expected
 * value from each state, value removal effect of k =
 * N[start][k]·g[k] / (N[k][k]·g[start]); the argument above holds because a
 * walk's value depends only on its last channel, which comes at or after its
 * first visit to k.
 *
 * Without the null state (`noNull`, ChannelAttribution without var_null):
 * only rows with conversions build the chain, weighted by conversions, and
 * there is no null state, so every walk converts (h = 1). ChannelAttribution's
 * removal effect is then the share of converting simulated walks that visit
 * k, whose limit is P(visit k) = N[start][k] / N[k][k]; that is exactly the
 * formula above with h = 1, i.e. removal redirecting into k to a sink that is
 * not conversion, so both cases share one code path.
 *
 * ChannelAttribution estimates these by simulation and drops walks longer than
 * the longest journey; this is the limit of its estimator with unbounded
 * walks and infinitely many simulations.
 */
export function markovRemovalEffects(table: PathTable, noNull: boolean): MarkovRemoval {
  const chain = buildMarkovChain(table, noNull);
  const m = chain.transientCount;
  const { conversion, valueToConversion, identityMinusQ } = transientSystem(chain);
  const fundamental = luInverse(luFactor(identityMinusQ, m));
  const reach = multiply(fundamental, conversion, m);
  const expectedValue = multiply(fundamental, valueToConversion, m);

  const removalEffects = new Float64Array(chain.channelCount);
  const valueRemovalEffects = new Float64Array(chain.channelCount);
  const conversionProbability = reach[START_STATE]!;
  const startValue = expectedValue[START_STATE]!;
  for (let c = 0; c < chain.channelCount; c++) {
    const state = c + 1;
    const hit = fundamental[START_STATE * m + state]! / fundamental[state * m + state]!;
    removalEffects[c] = conversionProbability > 0 ? (hit * reach[state]!) / conversionProbability : 0;
    valueRemovalEffects[c] = startValue > 0 ? (hit * expectedValue[state]!) / startValue : 0;
  }
  return { conversionProbability, removalEffects, valueRemovalEffects };
}

/** I − Q over the transient states, and the per-state step into conversion (plain and value-weighted). */
function transientSystem(chain: MarkovChain): {
  conversion: Float64Array;
  valueToConversion: Float64Array;
  identityMinusQ: Float64Array;
} {
  const m = chain.transientCount;
  const identityMinusQ = new Float64Array(m * m);
  const conversion = new Float64Array(m);
  const valueToConversion = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    identityMinusQ[i * m + i] = 1;
    const total = chain.rowTotal[i]!;
    // A state no weighted journey passes through is unreachable; its row stays I.
    if (total === 0) continue;
    const lastConversions = chain.lastConversions[i]!;
    const meanValue = lastConversions > 0 ? chain.lastValue[i]! / lastConversions : 0;
    for (let e = chain.rowStart[i]!; e < chain.rowStart[i + 1]!; e++) {
      const to = chain.target[e]!;
      const p = chain.weight[e]! / total;
      if (to < m) identityMinusQ[i * m + to]! -= p;
      else if (to === chain.conversionState) {
        conversion[i] = p;
        valueToConversion[i] = p * meanValue;
      }
    }
  }
  return { conversion, valueToConversion, identityMinusQ };
}

function multiply(matrix: Float64Array, vector: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += matrix[i * n + k]! * vector[k]!;
    out[i] = sum;
  }
  return out;
}

/** Splits `total` over channels in proportion to `effects`; nothing when they are all 0. */
function splitByEffects(effects: Float64Array, total: number): Float64Array {
  const sum = effects.reduce((a, b) => a + b, 0);
  return sum > 0 ? effects.map((effect) => (effect / sum) * total) : new Float64Array(effects.length);
}

/**
 * Markov removal-effect attribution: total conversions (resp. value) are
 * split over channels in proportion to their removal effects (resp. value
 * removal effects), as ChannelAttribution does.
 */
export const markov = {
  name: "markov",
  attribute(table: PathTable, options: FilledAttributionOptions): MarkovResult {
    const removal = markovRemovalEffects(table, options.noNull);
    const totals = totalsOf(table);
    return {
      channels: table.channels,
      conversions: splitByEffects(removal.removalEffects, totals.conversions),
      value: splitByEffects(removal.valueRemovalEffects, totals.value),
      ...removal,
    };
  },
} satisfies AttributionModel;
