import { mergeMap, type OperatorFunction } from "rxjs";
import { allocateColumns, batchOf, gatherBatch, RowRuns, sliceBatch, type EventBatch } from "../events/batch.js";
import { Observed, platformRoute } from "../events/observedAs.js";

/** An observed batch as engines see it: arrival order, truth columns removed. */
export type ObservedBatch = Omit<EventBatch, "cause">;

const EMPTY: EventBatch = batchOf(allocateColumns(0), 0);

/** Delivery order: (arrival, id, duplicate). */
function before(a: EventBatch, i: number, b: EventBatch, j: number): boolean {
  const ta = a.arrival[i]!;
  const tb = b.arrival[j]!;
  if (ta !== tb) return ta < tb;
  const ia = a.id[i]!;
  const ib = b.id[j]!;
  return ia !== ib ? ia < ib : a.duplicate[i]! < b.duplicate[j]!;
}

/** First row k in [from, to) with `before(b, j, a, k)` (a is sorted, so the test is monotone). */
function firstAfter(a: EventBatch, from: number, b: EventBatch, j: number, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(b, j, a, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First row k in [from, b.length) that is not `before(b, k, a, i)`. */
function firstNotBefore(b: EventBatch, from: number, a: EventBatch, i: number): number {
  let lo = from;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(b, mid, a, i)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Walks the rows of `a` in `ranges` ([ranges[2k], ranges[2k + 1]), ascending) and all
 * rows of `b`, both in delivery order, and calls `emit(source, start, end)` (source 0 is
 * `a`, 1 is `b`) for runs of rows in merged order; ties put the `a` row first. Run ends
 * are found by binary search, so a few rows of `b` cost about their number of runs.
 */
function mergeRuns(a: EventBatch, ranges: readonly number[], b: EventBatch, emit: (source: 0 | 1, start: number, end: number) => void): void {
  let j = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    let i = ranges[r]!;
    const end = ranges[r + 1]!;
    while (i < end && j < b.length) {
      const aEnd = firstAfter(a, i, b, j, end);
      if (aEnd > i) emit(0, i, aEnd);
      i = aEnd;
      if (i === end) break;
      const bEnd = firstNotBefore(b, j, a, i);
      emit(1, j, bEnd);
      j = bEnd;
    }
    if (i < end) emit(0, i, end);
  }
  if (j < b.length) emit(1, j, b.length);
}

/** Merges two batches each sorted in delivery order into a new batch, copying run by run. */
function mergeSorted(a: EventBatch, b: EventBatch): EventBatch {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const runs = new RowRuns();
  mergeRuns(a, [0, a.length], b, (source, start, end) => runs.add(source, start, end - start));
  return runs.build([a, b]);
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
 *
 * Output is a list of batches that together hold the released rows in order. On-time rows
 * (nearly all) are handed over as views of the input batch, never copied: the list breaks
 * where a row is unobserved or late, and where released late rows slot in between.
 */
export class Deliverer {
  /** Late rows waiting for their arrival, in delivery order. */
  private pending: EventBatch = EMPTY;

  push(batch: EventBatch): ObservedBatch[] {
    const n = batch.length;
    if (n === 0) return [];
    // The true stream comes in (time, id) order, so every later row sorts after the last one
    // here: a waiting row is due when it sorts before that row, ties at its ms broken by id
    // (a row arriving at that ms with a larger id may belong after the next batch's first).
    const lastTime = batch.time[n - 1]!;
    const lastId = batch.id[n - 1]!;
    const runs: number[] = [];
    const late = new Uint32Array(n);
    const nLate = splitOnTime(batch, runs, late);
    if (nLate > 0) this.pending = mergeSorted(this.pending, sortForDelivery(gatherBatch(batch, late, nLate)));
    const p = this.pending;
    let due = 0;
    while (due < p.length && (p.arrival[due]! < lastTime || (p.arrival[due] === lastTime && p.id[due]! <= lastId))) due++;
    const released = sliceBatch(this.pending, 0, due);
    this.pending = sliceBatch(this.pending, due, this.pending.length);
    return interleave(batch, runs, released).map(stripTruth);
  }

  /**
   * Pending rows that arrive before `time`, for the end of a day: the day's last batch
   * releases rows only up to its last event, and rows arriving between that and midnight
   * belong to the day.
   */
  releaseBefore(time: number): ObservedBatch[] {
    let due = 0;
    while (due < this.pending.length && this.pending.arrival[due]! < time) due++;
    if (due === 0) return [];
    const released = sliceBatch(this.pending, 0, due);
    this.pending = sliceBatch(this.pending, due, this.pending.length);
    return [stripTruth(released)];
  }

  /** Everything still pending (end of stream). */
  flush(): ObservedBatch[] {
    const rest = this.pending;
    this.pending = EMPTY;
    return rest.length > 0 ? [stripTruth(rest)] : [];
  }
}

/**
 * Sorts the rows of `batch` three ways: on-time rows, which already come in (time = arrival,
 * id) order from the simulator, as runs of consecutive rows [runs[2k], runs[2k + 1]); late
 * observed rows, whose indexes go to `late` (their count is returned); unobserved rows,
 * dropped. A function of its own so that V8 compiles this loop on its own: compiled inside
 * `push`, on the first batch, its code met the rest of `push` without type feedback and
 * was thrown away on every batch with a late row.
 */
function splitOnTime(batch: EventBatch, runs: number[], late: Uint32Array): number {
  const { observed, arrival, time, length: n } = batch;
  let nLate = 0;
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    if (observed[i] !== Observed.not && arrival[i] === time[i]) continue;
    if (i > runStart) runs.push(runStart, i);
    runStart = i + 1;
    if (observed[i] !== Observed.not) late[nLate++] = i;
  }
  if (n > runStart) runs.push(runStart, n);
  return nLate;
}

/** Views of the on-time `runs` of `batch` and of `released`, merged in delivery order. */
function interleave(batch: EventBatch, runs: readonly number[], released: EventBatch): EventBatch[] {
  const out: EventBatch[] = [];
  mergeRuns(batch, runs, released, (source, start, end) => out.push(sliceBatch(source === 0 ? batch : released, start, end)));
  return out;
}

/** The batch without its truth columns, in one fixed property order (see `batchOf`); alliance matches without their route. */
function stripTruth(b: EventBatch): ObservedBatch {
  const { clickId, channel } = platformRoute(b.observed, b.clickId, b.channel, b.length);
  return {
    id: b.id,
    time: b.time,
    arrival: b.arrival,
    kind: b.kind,
    user: b.user,
    note: b.note,
    brand: b.brand,
    creator: b.creator,
    channel,
    platform: b.platform,
    clickId,
    dwell: b.dwell,
    value: b.value,
    observed: b.observed,
    duplicate: b.duplicate,
    length: b.length,
  };
}

/** Pipeline stage: observed rows in arrival order, truth removed (one or more batches per input). */
export function deliver(deliverer: Deliverer): OperatorFunction<EventBatch, ObservedBatch> {
  return mergeMap((batch) => deliverer.push(batch));
}
