import { map, type OperatorFunction } from "rxjs";
import { allocateColumns, EVENT_COLUMN_NAMES, gatherBatch, sliceBatch, type EventBatch } from "../events/batch.js";

/** An observed batch as engines see it: arrival order, truth columns removed. */
export type ObservedBatch = Omit<EventBatch, "cause">;

const EMPTY: EventBatch = { ...allocateColumns(0), length: 0 };

/** Delivery order: (arrival, id, duplicate). */
function before(a: EventBatch, i: number, b: EventBatch, j: number): boolean {
  const ta = a.arrival[i]!;
  const tb = b.arrival[j]!;
  if (ta !== tb) return ta < tb;
  const ia = a.id[i]!;
  const ib = b.id[j]!;
  return ia !== ib ? ia < ib : a.duplicate[i]! < b.duplicate[j]!;
}

/**
 * Builds a batch from segments (source, start, length) copied with typed-array `set`:
 * delivery mostly moves long runs of rows, so run copies beat per-row gathers.
 */
class Segments {
  private readonly parts: number[] = [];
  rows = 0;

  add(source: number, start: number, length: number): void {
    if (length <= 0) return;
    const p = this.parts;
    const n = p.length;
    // Extend the previous segment when it continues in the same source.
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
    return { ...out, length: this.rows };
  }
}

/** Merges two batches each sorted in delivery order. */
function mergeSorted(a: EventBatch, b: EventBatch): EventBatch {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const segs = new Segments();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && !before(b, j, a, i))) segs.add(0, i++, 1);
    else segs.add(1, j++, 1);
  }
  return segs.build([a, b]);
}

/** Rows `rows[0..n)` (ascending) of `batch`, copied run by run. */
function selectRows(batch: EventBatch, rows: Uint32Array, n: number): EventBatch {
  const segs = new Segments();
  for (let k = 0; k < n; k++) segs.add(0, rows[k]!, 1);
  return segs.build([batch]);
}

function sortForDelivery(batch: EventBatch): EventBatch {
  const order = Uint32Array.from({ length: batch.length }, (_, i) => i);
  order.sort((x, y) => (before(batch, x, batch, y) ? -1 : before(batch, y, batch, x) ? 1 : 0));
  return gatherBatch(batch, order);
}

/**
 * Turns the time-ordered true stream into what the platform receives: observed rows only,
 * in arrival order. A row is released once the true stream has passed its arrival time,
 * so late passback lands among the events of the moment it arrives. Released rows are
 * globally ordered by (arrival, id, duplicate) whatever the batch boundaries, so engines
 * that fold rows one by one give the same result at any batch size.
 */
export class Deliverer {
  /** Late rows waiting for their arrival, in delivery order. */
  private pending: EventBatch = EMPTY;

  push(batch: EventBatch): ObservedBatch {
    const n = batch.length;
    if (n === 0) return stripTruth(batch);
    const boundary = batch.time[n - 1]!;
    const onTime = new Uint32Array(n);
    const late = new Uint32Array(n);
    let nOnTime = 0;
    let nLate = 0;
    for (let i = 0; i < n; i++) {
      if (batch.observed[i] !== 1) continue;
      // On-time rows already come in (time = arrival, id) order from the simulator.
      if (batch.arrival[i] === batch.time[i]) onTime[nOnTime++] = i;
      else late[nLate++] = i;
    }
    if (nLate > 0) this.pending = mergeSorted(this.pending, sortForDelivery(gatherBatch(batch, late, nLate)));
    const current = nOnTime === n ? batch : selectRows(batch, onTime, nOnTime);
    let due = 0;
    while (due < this.pending.length && this.pending.arrival[due]! <= boundary) due++;
    if (due === 0) return stripTruth(current);
    const released = mergeSorted(current, sliceBatch(this.pending, 0, due));
    this.pending = sliceBatch(this.pending, due, this.pending.length);
    return stripTruth(released);
  }

  /** Everything still pending (end of stream). */
  flush(): ObservedBatch {
    const rest = this.pending;
    this.pending = EMPTY;
    return stripTruth(rest);
  }
}

function stripTruth(batch: EventBatch): ObservedBatch {
  const { cause: _truth, ...observed } = batch;
  return observed;
}

/** Pipeline stage: observed rows in arrival order, truth removed. */
export function deliver(deliverer: Deliverer): OperatorFunction<EventBatch, ObservedBatch> {
  return map((batch) => deliverer.push(batch));
}
