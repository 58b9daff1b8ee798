import { grown } from "../events/grow.js";

/**
 * The last few purchase-relevant touches of each (user, brand) pair, kept so a purchase
 * can split its true credit over the intensity terms alive at that moment. Rings are
 * allocated on a pair's first touch only; memory grows with touched pairs, not events.
 */
export const TOUCHES_PER_PAIR = 8;

export class TouchHistory {
  private readonly ringOf: Int32Array;
  private ringCount = 0;
  private capacity = 0;
  private cursor = new Uint8Array(0);
  private filled = new Uint8Array(0);
  id = new Float64Array(0);
  time = new Float64Array(0);
  mass = new Float32Array(0);
  medianDays = new Float32Array(0);
  kind = new Uint8Array(0);
  channel = new Uint8Array(0);

  constructor(pairCount: number) {
    this.ringOf = new Int32Array(pairCount).fill(-1);
  }

  add(pair: number, id: number, time: number, mass: number, medianDays: number, kind: number, channel: number): void {
    let ring = this.ringOf[pair]!;
    if (ring < 0) {
      if (this.ringCount === this.capacity) this.grow();
      ring = this.ringCount++;
      this.ringOf[pair] = ring;
    }
    const slot = ring * TOUCHES_PER_PAIR + this.cursor[ring]!;
    this.cursor[ring] = (this.cursor[ring]! + 1) % TOUCHES_PER_PAIR;
    if (this.filled[ring]! < TOUCHES_PER_PAIR) this.filled[ring]!++;
    this.id[slot] = id;
    this.time[slot] = time;
    this.mass[slot] = mass;
    this.medianDays[slot] = medianDays;
    this.kind[slot] = kind;
    this.channel[slot] = channel;
  }

  /** Slots of the pair's stored touches (oldest first); returns how many were written to `out`. */
  slotsOf(pair: number, out: Int32Array): number {
    const ring = this.ringOf[pair]!;
    if (ring < 0) return 0;
    const n = this.filled[ring]!;
    const start = n < TOUCHES_PER_PAIR ? 0 : this.cursor[ring]!;
    for (let i = 0; i < n; i++) out[i] = ring * TOUCHES_PER_PAIR + ((start + i) % TOUCHES_PER_PAIR);
    return n;
  }

  private grow(): void {
    const rings = Math.max(1024, this.capacity * 2);
    const slots = rings * TOUCHES_PER_PAIR;
    const grow = grown;
    this.cursor = grow(this.cursor, rings);
    this.filled = grow(this.filled, rings);
    this.id = grow(this.id, slots);
    this.time = grow(this.time, slots);
    this.mass = grow(this.mass, slots);
    this.medianDays = grow(this.medianDays, slots);
    this.kind = grow(this.kind, slots);
    this.channel = grow(this.channel, slots);
    this.capacity = rings;
  }
}
