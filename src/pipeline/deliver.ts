import { allocateColumns, copyRows, gatherBatch, sliceBatch, type EventBatch } from "../events/batch.js";

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

/** Merges two batches each sorted in delivery order (column-wise copies, no per-row objects). */
function mergeSorted(a: EventBatch, b: EventBatch): EventBatch {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const both = allocateColumns(a.length + b.length);
  copyRows(a, both, 0);
  copyRows(b, both, a.length);
  const order = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let o = 0; o < order.length; o++) {
    if (j === b.length || (i < a.length && !before(b, j, a, i))) order[o] = i++;
    else order[o] = a.length + j++;
  }
  return gatherBatch({ ...both, length: order.length }, order);
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
    const current = gatherBatch(batch, onTime, nOnTime);
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
