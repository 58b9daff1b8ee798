import { grown } from "../events/grow.js";

/**
 * Event-time priority queue for scheduled future events (purchase candidates,
 * post-purchase shares, retailer searches). A binary min-heap of slot indices over
 * typed-array payloads: no object per entry. Ties in time break on insertion sequence, which is itself
 * deterministic, so the pop order is a pure function of what was pushed.
 */
export class ScheduledQueue {
  time = new Float64Array(1024);
  seq = new Float64Array(1024);
  /** What to do when it falls due (see ScheduledType). */
  type = new Uint8Array(1024);
  pair = new Int32Array(1024);
  /** Source touch: event id (0 = baseline), time, kind, channel, mass, kernel median (days) and the start of its decision cycle. */
  sourceId = new Float64Array(1024);
  sourceTime = new Float64Array(1024);
  sourceKind = new Uint8Array(1024);
  sourceChannel = new Uint8Array(1024);
  sourceMass = new Float32Array(1024);
  sourceMedianDays = new Float32Array(1024);
  sourceCycleStart = new Float64Array(1024);
  /** A purchase candidate: 1 when its touch already sent the user to search the brand on a retailer. */
  searchedEarly = new Uint8Array(1024);
  /** The retailer a planted purchase's search goes to (and a purchase found by search is made at). */
  searchStore = new Uint8Array(1024);

  private heap = new Int32Array(1024);
  private size = 0;
  private free: number[] = [];
  private used = 0;
  private nextSeq = 0;

  get length(): number {
    return this.size;
  }

  /** Allocates a slot; fill its payload fields, then call `commit(slot)`. */
  allocate(time: number, type: number, pair: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.time.length) this.grow();
      slot = this.used++;
    }
    this.time[slot] = time;
    this.seq[slot] = this.nextSeq++;
    this.type[slot] = type;
    this.pair[slot] = pair;
    return slot;
  }

  commit(slot: number): void {
    if (this.size === this.heap.length) this.heap = grown(this.heap, this.heap.length * 2);
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.heap[parent]!;
      if (!this.before(slot, p)) break;
      this.heap[i] = p;
      i = parent;
    }
    this.heap[i] = slot;
  }

  /** Time of the earliest entry, or +Infinity. */
  peekTime(): number {
    return this.size > 0 ? this.time[this.heap[0]!]! : Infinity;
  }

  /** Removes the earliest entry and returns its slot; call `release(slot)` after reading it. */
  pop(): number {
    const top = this.heap[0]!;
    const last = this.heap[--this.size]!;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(this.heap[r]!, this.heap[l]!) ? r : l;
      if (!this.before(this.heap[c]!, last)) break;
      this.heap[i] = this.heap[c]!;
      i = c;
    }
    if (n > 0) this.heap[i] = last;
    return top;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  private before(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.seq[a]! < this.seq[b]!);
  }

  private grow(): void {
    const n = this.time.length * 2;
    const grow = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(a: T): T => grown(a, n);
    this.time = grow(this.time);
    this.seq = grow(this.seq);
    this.type = grow(this.type);
    this.pair = grow(this.pair);
    this.sourceId = grow(this.sourceId);
    this.sourceTime = grow(this.sourceTime);
    this.sourceKind = grow(this.sourceKind);
    this.sourceChannel = grow(this.sourceChannel);
    this.sourceMass = grow(this.sourceMass);
    this.sourceMedianDays = grow(this.sourceMedianDays);
    this.sourceCycleStart = grow(this.sourceCycleStart);
    this.searchedEarly = grow(this.searchedEarly);
    this.searchStore = grow(this.searchStore);
  }
}

export const ScheduledType = { purchase: 0, postPurchaseShare: 1, retailSearch: 2 } as const;
