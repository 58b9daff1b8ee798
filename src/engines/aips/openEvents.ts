import type { PairSignals } from "./pairSignals.js";

/**
 * Signals whose day's snapshot is not final yet, waiting for late events of the same
 * days. Holds at most the allowed-lateness horizon of one shard's rows (a few days), as
 * growable columns; folded into the pair memory in snapshot order.
 */
export class OpenEvents {
  private pair = new Uint32Array(1024);
  private tick = new Uint32Array(1024);
  private flags = new Uint8Array(1024);
  private note = new Uint32Array(1024);
  private length = 0;

  get size(): number {
    return this.length;
  }

  push(pair: number, tick: number, flags: number, note: number): void {
    if (this.length === this.pair.length) this.grow();
    const i = this.length++;
    this.pair[i] = pair;
    this.tick[i] = tick;
    this.flags[i] = flags;
    this.note[i] = note;
  }

  /** Applies every held event earlier than `before` to `signals` and keeps the rest. */
  foldBefore(before: number, signals: PairSignals): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.tick[i]! < before) {
        signals.apply(this.pair[i]!, this.tick[i]!, this.flags[i]!, this.note[i]!);
        continue;
      }
      this.pair[kept] = this.pair[i]!;
      this.tick[kept] = this.tick[i]!;
      this.flags[kept] = this.flags[i]!;
      this.note[kept] = this.note[i]!;
      kept++;
    }
    this.length = kept;
  }

  private grow(): void {
    const n = this.pair.length * 2;
    this.pair = grown(this.pair, new Uint32Array(n));
    this.tick = grown(this.tick, new Uint32Array(n));
    this.flags = grown(this.flags, new Uint8Array(n));
    this.note = grown(this.note, new Uint32Array(n));
  }
}

function grown<T extends Uint32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
