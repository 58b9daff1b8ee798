/**
 * Shard results cross the worker boundary as transferable buffers rather than copies:
 * plain-number arrays are packed into Float64Arrays and every typed array's buffer is moved.
 */
export function packNumberArrays<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = Array.isArray(v) && v.every((x) => typeof x === "number") ? Float64Array.from(v) : v;
  return out as T;
}

/** Buffers of every typed array reachable from `value` (each once). */
export function transferList(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    // Only whole, unshared buffers can move without taking a neighbour's memory along.
    if (buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buffer.byteLength) found.add(buffer);
  } else if (Array.isArray(value)) {
    // Partials hold long arrays of plain numbers: test each element here rather than
    // making a call per number.
    for (const v of value) if (typeof v === "object" && v !== null) transferList(v, found);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) transferList(v, found);
  }
  return [...found];
}
