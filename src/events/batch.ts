/**
 * EventBatch: the unit that flows through the pipeline. Same-length typed-array columns,
 * never one object per event. The column list below is the single definition that the
 * builder, the re-batcher and the Arrow events schema all iterate over.
 */

type TypedArrayCtor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint8ArrayConstructor;

export const EVENT_COLUMNS = {
  /** Deterministic event id: shard × 2^32 + sequence number (≥ 1). Duplicates repeat their original's id. */
  id: Float64Array,
  /** Event time, ms since epoch. */
  time: Float64Array,
  /** When the platform receives it (≥ time). */
  arrival: Float64Array,
  kind: Uint8Array,
  user: Uint32Array,
  note: Uint32Array,
  brand: Uint32Array,
  creator: Uint32Array,
  channel: Uint8Array,
  platform: Uint8Array,
  /** Id of the ad/link click this event descends from (its event id); 0 = none. */
  clickId: Float64Array,
  /** Reads: image dwell in seconds, or video completion fraction. */
  dwell: Float32Array,
  /** Purchases: order value in yuan. */
  value: Float32Array,
  /** 1 if the platform observes the event under the scenario's policy. */
  observed: Uint8Array,
  /** 1 for a re-delivered copy of an earlier event (same id). */
  duplicate: Uint8Array,
  /** Truth: event id of the touch that caused a purchase, or planted the wish a retailer search comes from; 0 for baseline demand and other rows. */
  cause: Float64Array,
} as const satisfies Record<string, TypedArrayCtor>;

export type EventColumnName = keyof typeof EVENT_COLUMNS;
export const EVENT_COLUMN_NAMES = Object.keys(EVENT_COLUMNS) as EventColumnName[];

/** Columns observation fills in; the simulator never writes them. */
const OBSERVATION_COLUMNS: readonly EventColumnName[] = ["arrival", "observed", "duplicate"];
/** Columns the simulator writes. */
const GENERATED_COLUMNS = EVENT_COLUMN_NAMES.filter((name) => !OBSERVATION_COLUMNS.includes(name));

export type EventColumns = { [K in EventColumnName]: InstanceType<(typeof EVENT_COLUMNS)[K]> };
export interface EventBatch extends EventColumns {
  readonly length: number;
}

export function allocateColumns(capacity: number): EventColumns {
  const cols = {} as Record<EventColumnName, unknown>;
  for (const name of EVENT_COLUMN_NAMES) cols[name] = new EVENT_COLUMNS[name](capacity);
  return cols as EventColumns;
}

/**
 * The batch object for `cols` and `length`. Every batch is built here, with its
 * properties in one fixed order, so every batch shares one hidden class and the hot loops
 * that read them stay monomorphic (mixed shapes made V8 throw compiled code away).
 */
export function batchOf(c: EventColumns, length: number): EventBatch {
  return {
    id: c.id,
    time: c.time,
    arrival: c.arrival,
    kind: c.kind,
    user: c.user,
    note: c.note,
    brand: c.brand,
    creator: c.creator,
    channel: c.channel,
    platform: c.platform,
    clickId: c.clickId,
    dwell: c.dwell,
    value: c.value,
    observed: c.observed,
    duplicate: c.duplicate,
    cause: c.cause,
    length,
  };
}

/** A batch of rows [start, end) sharing memory with `batch`. */
export function sliceBatch(batch: EventBatch, start: number, end: number): EventBatch {
  const cols = {} as Record<EventColumnName, unknown>;
  for (const name of EVENT_COLUMN_NAMES) cols[name] = batch[name].subarray(start, end);
  return batchOf(cols as EventColumns, end - start);
}

/** A new batch holding rows `order[0..n)` of `batch`, in that order; columns not in `names` are left 0. */
export function gatherBatch(batch: EventBatch, order: Uint32Array | Int32Array, n = order.length, names: readonly EventColumnName[] = EVENT_COLUMN_NAMES): EventBatch {
  const cols = allocateColumns(n);
  for (const name of names) {
    const src = batch[name];
    const dst = cols[name];
    // One monomorphic loop per element type keeps the copy fast.
    if (src instanceof Float64Array) gatherF64(src, dst as Float64Array, order, n);
    else if (src instanceof Uint32Array) gatherU32(src, dst as Uint32Array, order, n);
    else if (src instanceof Float32Array) gatherF32(src, dst as Float32Array, order, n);
    else gatherU8(src, dst as Uint8Array, order, n);
  }
  return batchOf(cols, n);
}

/**
 * Builds a batch from runs of rows (source, start, length) copied with typed-array `set`.
 * Delivery and duplication mostly move long runs, where run copies beat per-row gathers.
 */
export class RowRuns {
  private readonly parts: number[] = [];
  rows = 0;

  add(source: number, start: number, length: number): void {
    if (length <= 0) return;
    const p = this.parts;
    const n = p.length;
    // Extend the previous run when it continues in the same source.
    if (n > 0 && p[n - 3] === source && p[n - 2]! + p[n - 1]! === start) p[n - 1]! += length;
    else p.push(source, start, length);
    this.rows += length;
  }

  build(sources: readonly EventBatch[]): EventBatch {
    const out = allocateColumns(this.rows);
    const p = this.parts;
    for (const name of EVENT_COLUMN_NAMES) {
      const dst = out[name] as Float64Array;
      let at = 0;
      for (let i = 0; i < p.length; i += 3) {
        const src = sources[p[i]!]![name] as Float64Array;
        const start = p[i + 1]!;
        const length = p[i + 2]!;
        if (length === 1) dst[at] = src[start]!;
        else dst.set(src.subarray(start, start + length), at);
        at += length;
      }
    }
    return batchOf(out, this.rows);
  }
}

function gatherF64(src: Float64Array, dst: Float64Array, order: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[order[i]!]!;
}
function gatherF32(src: Float32Array, dst: Float32Array, order: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[order[i]!]!;
}
function gatherU32(src: Uint32Array, dst: Uint32Array, order: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[order[i]!]!;
}
function gatherU8(src: Uint8Array, dst: Uint8Array, order: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[order[i]!]!;
}

/** Copies all rows of `src` into `dst` columns starting at row `at`. */
export function copyRows(src: EventBatch, dst: EventColumns, at: number): void {
  for (const name of EVENT_COLUMN_NAMES) (dst[name] as Float64Array).set(src[name], at);
}

/**
 * Growable column store used while generating a day. Rows are appended with `add()`,
 * which returns the row index so callers fill the columns they need; unset columns stay 0
 * except the key columns, which default to NONE.
 */
export class EventBuilder {
  cols: EventColumns;
  length = 0;
  private capacity: number;

  constructor(initialCapacity = 1 << 14) {
    this.capacity = initialCapacity;
    this.cols = allocateColumns(initialCapacity);
    this.clearKeys(0, initialCapacity);
  }

  private clearKeys(from: number, to: number): void {
    this.cols.user.fill(0xffffffff, from, to);
    this.cols.note.fill(0xffffffff, from, to);
    this.cols.brand.fill(0xffffffff, from, to);
    this.cols.creator.fill(0xffffffff, from, to);
  }

  /** Appends a row with its required fields and returns its index. */
  add(id: number, time: number, kind: number, user: number, channel: number, platform: number): number {
    if (this.length === this.capacity) this.grow();
    const r = this.length++;
    const c = this.cols;
    // Whole milliseconds: the Arrow timestamp unit, and it keeps the sort key exact.
    const ms = Math.round(time);
    c.id[r] = id;
    c.time[r] = ms;
    c.kind[r] = kind;
    c.user[r] = user;
    c.channel[r] = channel;
    c.platform[r] = platform;
    return r;
  }

  private grow(): void {
    const next = allocateColumns(this.capacity * 2);
    for (const name of EVENT_COLUMN_NAMES) (next[name] as Float64Array).set(this.cols[name]);
    this.cols = next;
    this.clearKeys(this.capacity, this.capacity * 2);
    this.capacity *= 2;
  }

  /**
   * Rows in event-time order, ties in insertion order (which is id order), as a new batch
   * whose arrival is its event time, not yet observed; the builder is then emptied. `from`
   * is a time no row precedes (the day's start).
   */
  takeSortedByTime(from: number): EventBatch {
    const n = this.length;
    const order = sortedOrder(this.cols.time, n, from);
    // The observation columns are known without gathering: arrival = time, the rest 0.
    const out = gatherBatch(batchOf(this.cols, n), order, n, GENERATED_COLUMNS);
    out.arrival.set(out.time);
    this.reset();
    return out;
  }

  reset(): void {
    const n = this.length;
    for (const name of GENERATED_COLUMNS) this.cols[name].fill(0, 0, n);
    this.clearKeys(0, n);
    this.length = 0;
  }
}

const RADIX_BITS = 14;
const RADIX = 1 << RADIX_BITS;
const MAX_OFFSET = 2 ** (2 * RADIX_BITS);

/**
 * Row order by (time, row). Times are whole ms within a day of `from`, so a stable
 * two-pass LSD radix sort on the offset does it in linear time; ties keep insertion order.
 */
function sortedOrder(time: Float64Array, n: number, from: number): Uint32Array {
  const offset = new Uint32Array(n);
  let radixable = true;
  for (let i = 0; i < n; i++) {
    const o = time[i]! - from;
    if (!(o >= 0 && o < MAX_OFFSET)) radixable = false;
    offset[i] = o;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!radixable) return order.sort((a, b) => time[a]! - time[b]! || a - b);
  let next = new Uint32Array(n);
  const counts = new Uint32Array(RADIX);
  for (let shift = 0; shift < 2 * RADIX_BITS; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(offset[i]! >>> shift) & (RADIX - 1)]!++;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const row = order[i]!;
      next[counts[(offset[row]! >>> shift) & (RADIX - 1)]!++] = row;
    }
    [order, next] = [next, order];
  }
  return order;
}
