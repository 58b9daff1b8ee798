type Growable = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** A copy of `a` with room for `length` elements (growable column stores double with this). */
export function grown<T extends Growable>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
