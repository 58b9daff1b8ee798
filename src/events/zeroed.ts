type ZeroFillable = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * A zero-filled typed array whose memory has already been written. A fresh buffer's
 * pages are mapped to the kernel's shared zero page on first read; the first write after
 * that must replace the mapping and flush the TLB of every core running this process. With
 * worker threads busy on every core, that is one cross-core interrupt per 4 KiB page of
 * per-pair state, tens of thousands per shard, each stalling both workers. Writing the
 * zeros up front takes the plain write fault instead, which interrupts no other core.
 * Use it for large state arrays that are read before they are written.
 */
export function zeroed<T extends ZeroFillable>(Column: new (length: number) => T, length: number): T {
  return new Column(length).fill(0) as T;
}
