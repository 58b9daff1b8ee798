import { grown } from "../../events/grow.js";
import type { PairSignals } from "./pairSignals.js";

/** Ticks per day bucket: snapshots are taken at day ends, so a day's bucket folds whole. */
const DAY_TICKS = 86_400;
/** Fields per held event: pair, tick, flags, note. */
const STRIDE = 4;
/** Pairs per block of the fold's counting sort (2^5 = 32: a few users' records apart). */
const PAIR_BLOCK_BITS = 5;

/** One day's held events, interleaved so an event is one run of memory. */
class DayBucket {
  data = new Uint32Array(STRIDE * 1024);
  length = 0;

  push(pair: number, tick: number, flags: number, note: number): void {
    if ((this.length + 1) * STRIDE > this.data.length) this.data = grown(this.data, this.data.length * 2);
    const at = this.length++ * STRIDE;
    const d = this.data;
    d[at] = pair;
    d[at + 1] = tick;
    d[at + 2] = flags;
    d[at + 3] = note;
  }
}

/**
 * Signals whose day's snapshot is not final yet, waiting for late events of the same
 * days. Holds at most the allowed-lateness horizon of one shard's rows (a few days), in
 * buckets by event day, so a snapshot folds whole buckets: each event is written once and
 * read once, however many snapshots it waits for. Folded buckets are reused.
 */
export class OpenEvents {
  private readonly byDay = new Map<number, DayBucket>();
  private readonly spare: DayBucket[] = [];
  private held = 0;
  /** The bucket the last push went to: rows arrive mostly in time order, so usually the next one's too. */
  private lastDay = -1;
  private lastBucket: DayBucket | null = null;
  private blockStart = new Uint32Array(0);
  private order = new Uint32Array(0);

  get size(): number {
    return this.held;
  }

  push(pair: number, tick: number, flags: number, note: number): void {
    const day = Math.floor((tick - 1) / DAY_TICKS);
    let bucket = day === this.lastDay ? this.lastBucket : this.byDay.get(day);
    if (!bucket) this.byDay.set(day, (bucket = this.spare.pop() ?? new DayBucket()));
    this.lastDay = day;
    this.lastBucket = bucket;
    bucket.push(pair, tick, flags, note);
    this.held++;
  }

  /** Applies every held event earlier than `before` to `signals` and keeps the rest. */
  foldBefore(before: number, signals: PairSignals): void {
    this.lastDay = -1;
    this.lastBucket = null;
    for (const [day, bucket] of this.byDay) {
      const first = day * DAY_TICKS + 1;
      if (first >= before) continue;
      if (first + DAY_TICKS <= before) {
        this.applyAll(bucket, signals);
        this.held -= bucket.length;
        bucket.length = 0;
      } else {
        this.applyBefore(bucket, before, signals);
      }
      if (bucket.length === 0) {
        this.byDay.delete(day);
        this.spare.push(bucket);
      }
    }
  }

  /**
   * Applies a whole bucket in pair-block order. Applying is order-free (the pair memory
   * is made of maxima and minima), and a counting sort by pair block turns a day of
   * scattered reads and writes into a forward sweep through the pair memory.
   */
  private applyAll(bucket: DayBucket, signals: PairSignals): void {
    const d = bucket.data;
    const n = bucket.length;
    const blocks = (signals.pairCount >>> PAIR_BLOCK_BITS) + 1;
    if (this.blockStart.length < blocks + 1) this.blockStart = new Uint32Array(blocks + 1);
    if (this.order.length < n) this.order = new Uint32Array(n * 2);
    const start = this.blockStart.fill(0, 0, blocks + 1);
    sortByPairBlock(d, n, start, blocks, this.order);
    applyInOrder(d, this.order, n, signals);
  }

  /** The boundary bucket: applies its events earlier than `before`, keeps the others. */
  private applyBefore(bucket: DayBucket, before: number, signals: PairSignals): void {
    const d = bucket.data;
    let kept = 0;
    for (let i = 0; i < bucket.length; i++) {
      const at = i * STRIDE;
      if (d[at + 1]! < before) signals.apply(d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!);
      else d.copyWithin(kept++ * STRIDE, at, at + STRIDE);
    }
    this.held -= bucket.length - kept;
    bucket.length = kept;
  }
}

/*
 * The loops of applyAll, each a function of its own. applyAll runs once a day, so V8
 * optimises it only on a loop (on-stack replacement); compiled whole, that code met the
 * later loops before they had type feedback and was thrown away day after day.
 */

/** Counting sort of the bucket's rows by pair block: `order` gets row offsets, block by block. */
function sortByPairBlock(d: Uint32Array, n: number, start: Uint32Array, blocks: number, order: Uint32Array): void {
  countBlocks(d, n, start);
  prefixSums(start, blocks);
  scatterByBlock(d, n, start, order);
}

function prefixSums(start: Uint32Array, blocks: number): void {
  for (let b = 1; b <= blocks; b++) start[b]! += start[b - 1]!;
}

function countBlocks(d: Uint32Array, n: number, start: Uint32Array): void {
  for (let i = 0; i < n; i++) start[(d[i * STRIDE]! >>> PAIR_BLOCK_BITS) + 1]!++;
}

function scatterByBlock(d: Uint32Array, n: number, start: Uint32Array, order: Uint32Array): void {
  for (let i = 0; i < n; i++) order[start[d[i * STRIDE]! >>> PAIR_BLOCK_BITS]!++] = i * STRIDE;
}

function applyInOrder(d: Uint32Array, order: Uint32Array, n: number, signals: PairSignals): void {
  for (let k = 0; k < n; k++) {
    const at = order[k]!;
    signals.apply(d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!);
  }
}
