import type { PairSignals } from "./pairSignals.js";
import { CELLS, STATES, type FlowRows } from "./partial.js";

/**
 * The engine's daily snapshots: derives every pair's state at a day's end, counts states
 * per brand, and tallies state changes since the previous snapshot as flows.
 */
export class EngineDays {
  readonly counts: Uint32Array[] = [];
  readonly flows: FlowRows = { day: [], cell: [], users: [] };
  private prev: Uint8Array;
  private cur: Uint8Array;
  private readonly cells: Uint32Array;

  constructor(
    private readonly signals: PairSignals,
    private readonly brandCount: number,
  ) {
    this.prev = new Uint8Array(signals.pairCount);
    this.cur = new Uint8Array(signals.pairCount);
    this.cells = new Uint32Array(brandCount * CELLS);
  }

  /** Snapshot of `day` at tick `at`; returns the pair states, valid until the next call. */
  take(day: number, at: number): Uint8Array {
    const { signals, prev, cur, cells, brandCount } = this;
    signals.deriveAll(at, cur);
    const counts = new Uint32Array(brandCount * STATES);
    cells.fill(0);
    for (let pair = 0, brand = 0; pair < cur.length; pair++, brand = brand + 1 === brandCount ? 0 : brand + 1) {
      const s = cur[pair]!;
      if (signals.touched(pair)) counts[brand * STATES + s]!++;
      const from = prev[pair]!;
      if (from !== s) cells[brand * CELLS + from * STATES + s]!++;
    }
    for (let cell = 0; cell < cells.length; cell++) {
      if (cells[cell] === 0) continue;
      this.flows.day.push(day);
      this.flows.cell.push(cell);
      this.flows.users.push(cells[cell]!);
    }
    this.counts.push(counts);
    this.prev = cur;
    this.cur = prev;
    return cur;
  }
}
