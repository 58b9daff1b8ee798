import { BlockAllocator, grownLength } from "../events/blockAllocator.js";
import { grown } from "../events/grow.js";
import { filled, zeroed } from "../events/zeroed.js";

/**
 * The last TOUCHES_PER_PAIR purchase-relevant touches of each (user, brand) pair, kept so
 * a purchase can split its true credit over the intensity terms alive at that moment. A
 * pair with more touches since its previous purchase loses the oldest terms; the
 * purchase's `creditTruncated` says so (none in 120 days of the default scenario at 32;
 * 9 % of purchases had lost some at 8).
 *
 * Most pairs are touched only once or twice, so a pair's ring starts at one slot and
 * doubles as it fills (1, 2, 4, … up to TOUCHES_PER_PAIR, where it wraps). Memory follows
 * the touches stored rather than TOUCHES_PER_PAIR × touched pairs, which grew several
 * times faster over a long run.
 */
export const TOUCHES_PER_PAIR = 32;

/** Per-pair fill: 0…TOUCHES_PER_PAIR − 1 touches stored in order, or FULL + the wrapping cursor. */
const FULL = TOUCHES_PER_PAIR;

export class TouchHistory {
  /** First slot of each pair's block (meaningless while its fill is 0). */
  private readonly blockOf: Int32Array;
  private readonly fill: Uint8Array;
  private readonly blocks = new BlockAllocator((slots) => this.ensure(slots));
  id = new Float64Array(0);
  time = new Float64Array(0);
  mass = new Float32Array(0);
  medianDays = new Float32Array(0);
  kind = new Uint8Array(0);
  channel = new Uint8Array(0);

  /** Per pair: the time of the newest touch the ring has let go of (−Infinity: none). */
  private readonly dropped: Float64Array;

  constructor(pairCount: number) {
    this.blockOf = zeroed(Int32Array, pairCount);
    this.fill = zeroed(Uint8Array, pairCount);
    this.dropped = filled(Float64Array, pairCount, -Infinity);
  }

  /** When the newest touch the pair's ring let go of happened (touches come in time order). */
  droppedTime(pair: number): number {
    return this.dropped[pair]!;
  }

  add(pair: number, id: number, time: number, mass: number, medianDays: number, kind: number, channel: number): void {
    const fill = this.fill[pair]!;
    let slot: number;
    if (fill >= FULL) {
      const cursor = fill - FULL;
      slot = this.blockOf[pair]! + cursor;
      this.dropped[pair] = this.time[slot]!;
      this.fill[pair] = FULL + ((cursor + 1) % TOUCHES_PER_PAIR);
    } else {
      // Blocks hold a power of two slots: a pair whose block is full moves to one twice as big.
      if (fill === 0) this.blockOf[pair] = this.blocks.allocate(1);
      else if ((fill & (fill - 1)) === 0) this.move(pair, fill);
      slot = this.blockOf[pair]! + fill;
      this.fill[pair] = fill + 1 === TOUCHES_PER_PAIR ? FULL : fill + 1;
    }
    this.id[slot] = id;
    this.time[slot] = time;
    this.mass[slot] = mass;
    this.medianDays[slot] = medianDays;
    this.kind[slot] = kind;
    this.channel[slot] = channel;
  }

  /** Slots of the pair's stored touches (oldest first); returns how many were written to `out`. */
  slotsOf(pair: number, out: Int32Array): number {
    const fill = this.fill[pair]!;
    const block = this.blockOf[pair]!;
    if (fill < FULL) {
      for (let i = 0; i < fill; i++) out[i] = block + i;
      return fill;
    }
    const oldest = fill - FULL;
    for (let i = 0; i < TOUCHES_PER_PAIR; i++) out[i] = block + ((oldest + i) % TOUCHES_PER_PAIR);
    return TOUCHES_PER_PAIR;
  }

  /** Moves the pair's full block of `size` slots into one of twice the size. */
  private move(pair: number, size: number): void {
    const from = this.blockOf[pair]!;
    const to = this.blocks.allocate(size * 2);
    for (const column of [this.id, this.time, this.mass, this.medianDays, this.kind, this.channel]) column.copyWithin(to, from, from + size);
    this.blocks.release(from, size);
    this.blockOf[pair] = to;
  }

  private ensure(slots: number): void {
    if (slots <= this.id.length) return;
    const length = grownLength(this.id.length, slots);
    this.id = grown(this.id, length);
    this.time = grown(this.time, length);
    this.mass = grown(this.mass, length);
    this.medianDays = grown(this.medianDays, length);
    this.kind = grown(this.kind, length);
    this.channel = grown(this.channel, length);
  }
}
