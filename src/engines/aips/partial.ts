/** States per brand in count arrays, and cells per brand in flow/confusion arrays. */
export const STATES = 6;
export const CELLS = STATES * STATES;

/** Flow cells `brand * 36 + from * 6 + to` with users > 0, as parallel columns in day order. */
export interface FlowRows {
  readonly day: number[];
  readonly cell: number[];
  readonly users: number[];
}

export interface AipsCounters {
  /** Rows folded into the pair memory. */
  applied: number;
  /** Rows dropped because their event id was already seen. */
  repeats: number;
  /** Rows that arrived after their day's snapshot was final: missing from those snapshots, applied from the next. */
  lateDropped: number;
  /** Rows with no (user, brand) signal in this shard (no brand, foreign user, before the start). */
  ignored: number;
  /** Rows later than the last day's end: in no snapshot. */
  afterEnd: number;
}

/**
 * One shard's AIPS result: plain data and typed arrays, so it crosses a worker boundary.
 * Counts use `none` for users who met the brand and have since decayed out of every
 * state; users who never met it are not counted, so a brand's states sum to its reach.
 */
export interface AipsPartial {
  readonly brandCount: number;
  /** Engine state counts per finalised day: `[day][brand * 6 + state]`. */
  readonly engineCounts: Uint32Array[];
  /** Latent (true) state counts per day, same layout. */
  readonly truthCounts: Uint32Array[];
  /** Latent moves from none/A/I into TI per day: `[day][brand]`. */
  readonly truthNewTi: Uint32Array[];
  /** Engine state changes between consecutive day snapshots. */
  readonly flows: FlowRows;
  /** Pair-days by brand category, truth and engine state: `[category * 36 + truth * 6 + engine]`. */
  readonly confusion: Float64Array;
  readonly counters: AipsCounters;
}

export function emptyCounters(): AipsCounters {
  return { applied: 0, repeats: 0, lateDropped: 0, ignored: 0, afterEnd: 0 };
}
