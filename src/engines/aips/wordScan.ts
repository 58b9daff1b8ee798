import { zeroed } from "../../events/zeroed.js";

/**
 * Most (user, brand) pairs never meet: per-pair byte arrays are padded to whole 32-bit
 * words so day-end passes can skip four untouched pairs with one test.
 */
export function paddedBytes(n: number): Uint8Array {
  return zeroed(Uint8Array, (n + 3) & ~3);
}

/** The 32-bit word view of a padded byte array. */
export function wordsOf(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}
