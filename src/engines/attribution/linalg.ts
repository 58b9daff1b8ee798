/** Dense LU factorisation with partial pivoting, row-major, for small systems. */
export interface LuFactors {
  readonly n: number;
  /** L (unit diagonal, below) and U (on and above the diagonal) in one matrix. */
  readonly lu: Float64Array;
  /** Row i of the factorised matrix is row pivots[i] of the original. */
  readonly pivots: Int32Array;
}

export function luFactor(matrix: Float64Array, n: number): LuFactors {
  const lu = Float64Array.from(matrix);
  const pivots = Int32Array.from({ length: n }, (_, i) => i);
  for (let col = 0; col < n; col++) {
    let best = col;
    let bestAbs = Math.abs(lu[col * n + col]!);
    for (let row = col + 1; row < n; row++) {
      const candidate = Math.abs(lu[row * n + col]!);
      if (candidate > bestAbs) {
        best = row;
        bestAbs = candidate;
      }
    }
    if (bestAbs === 0) throw new Error(`singular matrix: no pivot in column ${col}`);
    if (best !== col) {
      for (let k = 0; k < n; k++) {
        const tmp = lu[col * n + k]!;
        lu[col * n + k] = lu[best * n + k]!;
        lu[best * n + k] = tmp;
      }
      const tmp = pivots[col]!;
      pivots[col] = pivots[best]!;
      pivots[best] = tmp;
    }
    const pivot = lu[col * n + col]!;
    for (let row = col + 1; row < n; row++) {
      const factor = lu[row * n + col]! / pivot;
      if (factor === 0) continue;
      lu[row * n + col] = factor;
      for (let k = col + 1; k < n; k++) lu[row * n + k]! -= factor * lu[col * n + k]!;
    }
  }
  return { n, lu, pivots };
}

/** Solves A x = b for the factorised A. */
export function luSolve({ n, lu, pivots }: LuFactors, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[pivots[i]!]!;
    for (let k = 0; k < i; k++) sum -= lu[i * n + k]! * x[k]!;
    x[i] = sum;
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i]!;
    for (let k = i + 1; k < n; k++) sum -= lu[i * n + k]! * x[k]!;
    x[i] = sum / lu[i * n + i]!;
  }
  return x;
}

/** A^-1, row-major, one solve per column. */
export function luInverse(factors: LuFactors): Float64Array {
  const { n } = factors;
  const inverse = new Float64Array(n * n);
  const unit = new Float64Array(n);
  for (let col = 0; col < n; col++) {
    unit.fill(0);
    unit[col] = 1;
    const column = luSolve(factors, unit);
    for (let row = 0; row < n; row++) inverse[row * n + col] = column[row]!;
  }
  return inverse;
}
