import { BlockAllocator, blockSizeFor, grownLength } from "../../../events/blockAllocator.js";
import { grown } from "../../../events/grow.js";
import { KeyIndex } from "./keyIndex.js";

/** A conversion's record: time, id, value, click id. */
const CONVERSION_FIELDS = 4;

/** The touch columns a closed journey is read from (slots from `PairTable.firstSlot`). */
export type TouchColumns = Pick<PairTable, "time" | "channel" | "clickId" | "note">;

/**
 * What a journey builder holds for each open (user, brand) pair: the touches and
 * conversions not yet closed into a journey, kept sorted by (time, event id) whatever
 * the arrival order, the end of its last closed journey and its queue due time.
 *
 * Everything lives in typed-array columns: pairs in rows reused once forgotten, each
 * pair's touches in one power-of-two block of the touch columns that grows and shrinks
 * with them. A long run holds a hundred thousand pairs or more, and as objects and
 * arrays they made the heap (and the collector's slack on top) grow for weeks.
 */
export class PairTable {
  // Touch columns, in blocks.
  time = new Float64Array(0);
  id = new Float64Array(0);
  note = new Uint32Array(0);
  channel = new Uint8Array(0);
  /** The click id the touch carried (0: none). */
  clickId = new Float64Array(0);

  // Pair columns.
  /** End of the pair's last closed journey: events at or before it are too late. −Infinity before any. */
  closedUpTo = new Float64Array(0);
  /** Due time of the pair's live queue entry; Infinity when it has none. */
  scheduled = new Float64Array(0);
  /** Time of the latest touch let go from the pair's open journey by the look-back (−Infinity: none). */
  trimmedUpTo = new Float64Array(0);
  private key = new Float64Array(0);
  /** When the pair was opened, to visit pairs in that order; −1 once forgotten. */
  private opened = new Float64Array(0);
  private first = new Int32Array(0);
  private count = new Int32Array(0);
  private capacity = new Int32Array(0);

  private readonly index = new KeyIndex();
  private readonly blocks = new BlockAllocator((slots) => this.ensureTouches(slots));
  /** Conversions are rare: pair → flattened (time, id, value, click id) records, sorted. */
  private readonly conversions = new Map<number, number[]>();
  private readonly freeRows: number[] = [];
  private rows = 0;
  private openings = 0;

  /** The pair stored for `key`, or −1. */
  find(key: number): number {
    return this.index.get(key);
  }

  /** Starts a pair for a key not in the table: no touches, nothing closed, nothing queued. */
  open(key: number): number {
    let pair = this.freeRows.pop();
    if (pair === undefined) {
      pair = this.rows++;
      this.ensurePairs(this.rows);
    }
    this.index.add(key, pair);
    this.key[pair] = key;
    this.opened[pair] = this.openings++;
    this.closedUpTo[pair] = -Infinity;
    this.scheduled[pair] = Infinity;
    this.trimmedUpTo[pair] = -Infinity;
    this.count[pair] = 0;
    this.capacity[pair] = 0;
    return pair;
  }

  /** Forgets a pair; its row and touch block are reused. */
  forget(pair: number): void {
    if (this.capacity[pair]! > 0) this.blocks.release(this.first[pair]!, this.capacity[pair]!);
    this.conversions.delete(pair);
    this.index.delete(this.key[pair]!);
    this.opened[pair] = -1;
    this.freeRows.push(pair);
  }

  keyOf(pair: number): number {
    return this.key[pair]!;
  }

  /** Every pair in the table, in the order they were opened (as a Map of them would iterate). */
  pairsInOrder(): number[] {
    const live: number[] = [];
    for (let pair = 0; pair < this.rows; pair++) if (this.opened[pair]! >= 0) live.push(pair);
    return live.sort((a, b) => this.opened[a]! - this.opened[b]!);
  }

  // ---- touches -----------------------------------------------------------------------

  touchCount(pair: number): number {
    return this.count[pair]!;
  }

  /** Slot of the pair's first touch: its touch i is at slot firstSlot + i. */
  firstSlot(pair: number): number {
    return this.first[pair]!;
  }

  touchTime(pair: number, i: number): number {
    return this.time[this.first[pair]! + i]!;
  }

  /** Inserts a touch in (time, id) order; rows mostly arrive in time order, so the search runs from the end. */
  insertTouch(pair: number, time: number, id: number, channel: number, clickId: number, note: number): void {
    const n = this.count[pair]!;
    if (n === this.capacity[pair]) this.resize(pair, blockSizeFor(n + 1));
    const first = this.first[pair]!;
    let at = first + n;
    while (at > first) {
      const t = this.time[at - 1]!;
      if (t < time || (t === time && this.id[at - 1]! < id)) break;
      at--;
    }
    this.shift(at, first + n, at + 1);
    this.time[at] = time;
    this.id[at] = id;
    this.channel[at] = channel;
    this.clickId[at] = clickId;
    this.note[at] = note;
    this.count[pair] = n + 1;
  }

  /** Removes the pair's first `n` touches. */
  dropTouches(pair: number, n: number): void {
    if (n === 0) return;
    const first = this.first[pair]!;
    const left = this.count[pair]! - n;
    this.shift(first + n, first + n + left, first);
    this.count[pair] = left;
    if (left * 4 <= this.capacity[pair]!) this.resize(pair, left === 0 ? 0 : blockSizeFor(left));
  }

  /** Number of touches with time ≤ `until`. */
  touchesUpTo(pair: number, until: number): number {
    const first = this.first[pair]!;
    const count = this.count[pair]!;
    let n = 0;
    while (n < count && this.time[first + n]! <= until) n++;
    return n;
  }

  /**
   * Length of the first journey among the first `count` touches: it ends before the
   * first gap longer than `gap` between consecutive touches, where the pair went quiet.
   */
  firstJourneyLength(pair: number, count: number, gap: number): number {
    const first = this.first[pair]!;
    let n = 1;
    while (n < count && this.time[first + n]! - this.time[first + n - 1]! <= gap) n++;
    return Math.min(n, count);
  }

  /** Index of the first of the first `count` touches whose time is ≥ `from`. */
  firstTouchFrom(pair: number, count: number, from: number): number {
    const first = this.first[pair]!;
    let i = 0;
    while (i < count && this.time[first + i]! < from) i++;
    return i;
  }

  // ---- conversions -------------------------------------------------------------------

  /** Time of the pair's first conversion, or Infinity. */
  conversionTime(pair: number): number {
    return this.conversions.get(pair)?.[0] ?? Infinity;
  }

  /** The pair's first conversion as [time, id, value, click id]; call only when it has one. */
  firstConversion(pair: number): readonly [number, number, number, number] {
    const c = this.conversions.get(pair)!;
    return [c[0]!, c[1]!, c[2]!, c[3]!];
  }

  insertConversion(pair: number, time: number, id: number, value: number, clickId: number): void {
    let list = this.conversions.get(pair);
    if (!list) this.conversions.set(pair, (list = []));
    let at = list.length;
    while (at > 0) {
      const t = list[at - CONVERSION_FIELDS]!;
      if (t < time || (t === time && list[at - CONVERSION_FIELDS + 1]! < id)) break;
      at -= CONVERSION_FIELDS;
    }
    list.splice(at, 0, time, id, value, clickId);
  }

  dropConversion(pair: number): void {
    const list = this.conversions.get(pair)!;
    list.splice(0, CONVERSION_FIELDS);
    if (list.length === 0) this.conversions.delete(pair);
  }

  // ---- storage -----------------------------------------------------------------------

  /** Moves the pair's touches into a block of `size` slots (0: none). */
  private resize(pair: number, size: number): void {
    const from = this.first[pair]!;
    const old = this.capacity[pair]!;
    const to = size > 0 ? this.blocks.allocate(size) : 0;
    if (size > 0) this.shift(from, from + this.count[pair]!, to);
    if (old > 0) this.blocks.release(from, old);
    this.first[pair] = to;
    this.capacity[pair] = size;
  }

  /** Copies touch slots [start, end) to `target` in every touch column. */
  private shift(start: number, end: number, target: number): void {
    if (start === end || start === target) return;
    this.time.copyWithin(target, start, end);
    this.id.copyWithin(target, start, end);
    this.note.copyWithin(target, start, end);
    this.channel.copyWithin(target, start, end);
    this.clickId.copyWithin(target, start, end);
  }

  private ensureTouches(slots: number): void {
    if (slots <= this.time.length) return;
    const length = grownLength(this.time.length, slots);
    this.time = grown(this.time, length);
    this.id = grown(this.id, length);
    this.note = grown(this.note, length);
    this.channel = grown(this.channel, length);
    this.clickId = grown(this.clickId, length);
  }

  private ensurePairs(rows: number): void {
    if (rows <= this.key.length) return;
    const length = grownLength(this.key.length, rows);
    this.closedUpTo = grown(this.closedUpTo, length);
    this.scheduled = grown(this.scheduled, length);
    this.trimmedUpTo = grown(this.trimmedUpTo, length);
    this.key = grown(this.key, length);
    this.opened = grown(this.opened, length);
    this.first = grown(this.first, length);
    this.count = grown(this.count, length);
    this.capacity = grown(this.capacity, length);
  }
}
