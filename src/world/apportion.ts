/**
 * Whole counts summing to `total` in proportion to `weights`: Hamilton's largest-remainder
 * method (each gets the floor of its quota, the rest go one each to the largest remainders,
 * ties to the lower index). When `total` allows, every positive weight first gets one, and
 * the rest are apportioned by what each quota needs beyond that one, so a small share is
 * not left out. When every quota is at least one this is plain largest remainder.
 */
export function apportion(weights: ArrayLike<number>, total: number): Int32Array {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`apportion: total must be a whole number ≥ 0, got ${total}`);
  const n = weights.length;
  let sum = 0;
  let positive = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`apportion: weight ${i} must be finite and ≥ 0, got ${w}`);
    sum += w;
    if (w > 0) positive++;
  }
  const counts = new Int32Array(n);
  if (total === 0) return counts;
  if (sum === 0) throw new RangeError("apportion: no positive weight to apportion to");
  if (positive > total) return largestRemainder(weights, sum, total, counts);
  const need = new Float64Array(n);
  let needSum = 0;
  for (let i = 0; i < n; i++) {
    if (weights[i]! === 0) continue;
    counts[i] = 1;
    need[i] = Math.max(0, (weights[i]! / sum) * total - 1);
    needSum += need[i]!;
  }
  // No quota above one: then total equals the positive weights, and the one each got is all.
  if (needSum === 0) return counts;
  return largestRemainder(need, needSum, total - positive, counts);
}

/** Adds `total` whole counts to `counts` by largest remainder of `weights` (summing to `sum`). */
function largestRemainder(weights: ArrayLike<number>, sum: number, total: number, counts: Int32Array): Int32Array {
  const n = weights.length;
  const remainder = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const quota = (weights[i]! / sum) * total;
    const whole = Math.floor(quota);
    counts[i] = counts[i]! + whole;
    given += whole;
    remainder[i] = quota - whole;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => remainder[b]! - remainder[a]! || a - b);
  for (let r = 0; given < total; r = (r + 1) % n) {
    const i = order[r]!;
    if (weights[i]! === 0) continue;
    counts[i] = counts[i]! + 1;
    given++;
  }
  return counts;
}
