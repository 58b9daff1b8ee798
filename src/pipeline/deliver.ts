import { allocateColumns, gatherBatch, type EventBatch, type EventColumnName } from "../events/batch.js";

/** An observed batch as engines see it: arrival order, truth columns removed. */
export type ObservedBatch = Omit<EventBatch, "cause">;

/**
 * Turns the time-ordered true stream into what the platform receives: observed rows only,
 * in arrival order. A row is released once the true stream has passed its arrival time,
 * so late passback lands among the events of the moment it arrives. Released rows are
 * globally ordered by (arrival, id, duplicate) whatever the batch boundaries, so engines
 * that fold rows one by one give the same result at any batch size.
 */
export class Deliverer {
  /** Late rows waiting for their arrival, sorted by (arrival, id, duplicate). */
  private pending: EventBatch = { ...allocateColumns(0), length: 0 };

  push(batch: EventBatch): ObservedBatch {
    const n = batch.length;
    if (n === 0) return this.stripTruth(batch);
    const boundary = batch.time[n - 1]!;
    const onTime: number[] = [];
    const late: number[] = [];
    for (let i = 0; i < n; i++) {
      if (batch.observed[i] !== 1) continue;
      if (batch.arrival[i]! <= boundary && batch.arrival[i] === batch.time[i]) onTime.push(i);
      else late.push(i);
    }
    if (late.length > 0) this.addPending(batch, late);
    return this.stripTruth(this.merge(gatherBatch(batch, Uint32Array.from(onTime)), boundary));
  }

  /** Everything still pending (end of stream). */
  flush(): ObservedBatch {
    const rest = this.pending;
    this.pending = { ...allocateColumns(0), length: 0 };
    return this.stripTruth(rest);
  }

  private addPending(batch: EventBatch, rows: number[]): void {
    const p = this.pending;
    const all = [...Array(p.length).keys()].map((i) => ({ src: 0, i })).concat(rows.map((i) => ({ src: 1, i })));
    const key = (r: { src: number; i: number }) => (r.src === 0 ? p : batch);
    all.sort((a, b) => {
      const A = key(a);
      const B = key(b);
      return A.arrival[a.i]! - B.arrival[b.i]! || A.id[a.i]! - B.id[b.i]! || A.duplicate[a.i]! - B.duplicate[b.i]!;
    });
    const cols = allocateColumns(all.length);
    all.forEach((r, out) => copyRow(key(r), r.i, cols, out));
    this.pending = { ...cols, length: all.length };
  }

  /** Merges on-time rows with pending rows due by `boundary`, both sorted. */
  private merge(onTime: EventBatch, boundary: number): EventBatch {
    const p = this.pending;
    let due = 0;
    while (due < p.length && p.arrival[due]! <= boundary) due++;
    if (due === 0) return onTime;
    const out = allocateColumns(onTime.length + due);
    let a = 0;
    let b = 0;
    let o = 0;
    while (a < onTime.length || b < due) {
      const takePending =
        a === onTime.length ||
        (b < due && (p.arrival[b]! < onTime.arrival[a]! || (p.arrival[b] === onTime.arrival[a] && (p.id[b]! < onTime.id[a]! || (p.id[b] === onTime.id[a] && p.duplicate[b]! < onTime.duplicate[a]!)))));
      if (takePending) copyRow(p, b++, out, o++);
      else copyRow(onTime, a++, out, o++);
    }
    const rest = allocateColumns(p.length - due);
    for (let i = due; i < p.length; i++) copyRow(p, i, rest, i - due);
    this.pending = { ...rest, length: p.length - due };
    return { ...out, length: o };
  }

  private stripTruth(batch: EventBatch): ObservedBatch {
    const { cause: _truth, ...observed } = batch;
    return observed;
  }
}

const NAMES = Object.keys(allocateColumns(0)) as EventColumnName[];
function copyRow(src: EventBatch, i: number, dst: ReturnType<typeof allocateColumns>, j: number): void {
  for (const name of NAMES) dst[name][j] = src[name][i]!;
}
