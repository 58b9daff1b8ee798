/**
 * What a journey builder holds for one (user, brand) pair: the touches and
 * conversions not yet closed into a journey, each list flattened into numbers
 * (no object per event) and kept sorted by (time, event id) whatever the arrival order.
 */
export interface PairBuffer {
  /** Stride TOUCH_STRIDE: time, id, channel, clicked (1 when it carried a click id), note. */
  readonly touches: number[];
  /** Stride CONVERSION_STRIDE: time, id, value. */
  readonly conversions: number[];
  /** End of the last closed journey: events at or before it are too late. −Infinity before any. */
  closedUpTo: number;
  /** Due time of the pair's live queue entry; Infinity when it has none. */
  scheduled: number;
}

export const TOUCH_STRIDE = 5;
export const T_TIME = 0;
export const T_ID = 1;
export const T_CHANNEL = 2;
export const T_CLICKED = 3;
export const T_NOTE = 4;

export const CONVERSION_STRIDE = 3;
export const C_TIME = 0;
export const C_ID = 1;
export const C_VALUE = 2;

export function emptyPair(): PairBuffer {
  return { touches: [], conversions: [], closedUpTo: -Infinity, scheduled: Infinity };
}

/**
 * Inserts one record (its first two fields are time and id) into a flattened list
 * sorted by (time, id). Rows mostly arrive in time order, so the search runs from the end.
 */
export function insertSorted(list: number[], stride: number, record: readonly number[]): void {
  const time = record[0]!;
  const id = record[1]!;
  let at = list.length;
  while (at > 0) {
    const before = at - stride;
    const t = list[before]!;
    if (t < time || (t === time && list[before + 1]! < id)) break;
    at = before;
  }
  list.splice(at, 0, ...record);
}

/** Number of touches with time ≤ `until`. */
export function touchesUpTo(touches: readonly number[], until: number): number {
  let n = 0;
  while (n * TOUCH_STRIDE < touches.length && touches[n * TOUCH_STRIDE + T_TIME]! <= until) n++;
  return n;
}

/**
 * Length of the first journey among the first `count` touches: it ends before the
 * first gap longer than `gap` between consecutive touches, where the pair went quiet.
 */
export function firstJourneyLength(touches: readonly number[], count: number, gap: number): number {
  let n = 1;
  while (n < count && touches[n * TOUCH_STRIDE + T_TIME]! - touches[(n - 1) * TOUCH_STRIDE + T_TIME]! <= gap) n++;
  return Math.min(n, count);
}

/** Index of the first of the first `count` touches whose time is ≥ `from`. */
export function firstTouchFrom(touches: readonly number[], count: number, from: number): number {
  let i = 0;
  while (i < count && touches[i * TOUCH_STRIDE + T_TIME]! < from) i++;
  return i;
}
