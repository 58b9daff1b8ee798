import { zeroed } from "./zeroed.js";

/**
 * A set of pairs as one bit each, for per-day change sets: a day changes a few thousand of
 * a shard's hundreds of thousands of pairs, and scanning the set's words finds them in
 * pair order at 1/32 of the cost of scanning the pairs.
 */
export function pairBits(pairCount: number): Uint32Array {
  return zeroed(Uint32Array, (pairCount + 31) >>> 5);
}

export function markPair(bits: Uint32Array, pair: number): void {
  bits[pair >>> 5]! |= 1 << (pair & 31);
}
