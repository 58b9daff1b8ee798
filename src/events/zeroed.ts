type ZeroFillable = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * Arrays handed out since the last `shardArraysDone()`, and arrays free for reuse, by type
 * and length. Only a worker thread turns recycling on: it runs one shard at a time, and no
 * shard result holds one of these arrays (engines' `finish()` copies what it returns), so
 * every array handed out during a shard is dead once the shard's result has been built.
 */
let recycling = false;
let handedOut: ZeroFillable[] = [];
let free = new Map<string, ZeroFillable[]>();

export function recycleArraysBetweenShards(): void {
  recycling = true;
}

/**
 * A zero-filled typed array whose memory has already been written. A fresh buffer's
 * pages are mapped to the kernel's shared zero page on first read; the first write after
 * that must replace the mapping and flush the TLB of every core running this process. With
 * worker threads busy on every core, that is one cross-core interrupt per 4 KiB page of
 * per-pair state, tens of thousands per shard, each stalling both workers. Writing the
 * zeros up front takes the plain write fault instead, which interrupts no other core.
 * Use it for large state arrays that are read before they are written.
 *
 * In a worker, arrays come back for the next shard (see shardArraysDone): a fresh one costs
 * a page fault per 4 KiB (the kernel zeroes each page) and, when freed, an unmapping that
 * again flushes the TLB of every core running the process.
 */
export function zeroed<T extends ZeroFillable>(Column: new (length: number) => T, length: number): T {
  return filled(Column, length, 0);
}

/** As `zeroed`, filled with `value`: per-pair state whose "nothing yet" is not 0. */
export function filled<T extends ZeroFillable>(Column: new (length: number) => T, length: number, value: number): T {
  if (!recycling) return new Column(length).fill(value) as T;
  let reused = free.get(`${Column.name}:${length}`)?.pop() as T | undefined;
  // Moved to another thread after the shard ended (in its result): detached, empty.
  if (reused?.length !== length) reused = undefined;
  const array = (reused ?? new Column(length)).fill(value) as T;
  handedOut.push(array);
  return array;
}

let lastShardPairs = -1;

/**
 * A shard of `pairs` (user, brand) pairs starts. Free arrays sized for a shard of another
 * size (the short last shard, another scenario in compare's shared pool) would only be held
 * beside this shard's new ones, so they are let go.
 */
export function shardArraysStart(pairs: number): void {
  if (pairs !== lastShardPairs) free = new Map();
  lastShardPairs = pairs;
}

/** The shard is over (or failed): its arrays may serve the next shard. Arrays it did not ask for again are let go. */
export function shardArraysDone(): void {
  if (!recycling) return;
  const next = new Map<string, ZeroFillable[]>();
  for (const array of handedOut) {
    // A buffer moved to another thread is detached (empty) and cannot be reused.
    if (array.buffer.byteLength === 0) continue;
    const key = `${array.constructor.name}:${array.length}`;
    let list = next.get(key);
    if (!list) next.set(key, (list = []));
    list.push(array);
  }
  handedOut = [];
  free = next;
}
