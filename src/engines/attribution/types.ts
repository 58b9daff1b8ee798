/**
 * Input and output types shared by every attribution model.
 *
 * A PathTable holds aggregated journeys: row p is one channel path (indices
 * into `channels`, in touch order) with the number of journeys that followed
 * it and converted, their total conversion value, and the number that did not
 * convert. Path CSV input fills only those columns; journeys derived from
 * events also carry per-touch times and click ids, and each conversion's click id.
 */
export interface PathTable {
  readonly channels: readonly string[];
  readonly paths: readonly ArrayLike<number>[];
  readonly conversions: ArrayLike<number>;
  /** Total conversion value of the row; zero when the row has no conversions. */
  readonly value: ArrayLike<number>;
  readonly nulls: ArrayLike<number>;
  /** Per-touch time in ms since the epoch, non-decreasing along each path. */
  readonly touchTimes?: readonly ArrayLike<number>[];
  /** Per-touch click id (0: the touch carried none). */
  readonly clickIds?: readonly ArrayLike<number>[];
  /** Per-row conversion time in ms; the last touch time when absent. */
  readonly conversionTimes?: ArrayLike<number>;
  /**
   * Per-row click id the conversion was passed back with (0: none; OWN_SHOP_ORDER: an order
   * in the platform's own shop, which it ties to its own clicks); rows of one journey each.
   */
  readonly conversionClickIds?: ArrayLike<number>;
}

/** `conversionClickIds` of an order in the platform's own shop: no click id comes back, the platform has its own clicks. */
export const OWN_SHOP_ORDER = -1;

/** Options as callers give them; `resolveOptions` fills the defaults. */
export interface AttributionOptions {
  /**
   * time_decay half-life: counted in touches on paths without times
   * (default 1), in days on journeys with touch times (default 7).
   */
  readonly halfLife?: number;
  /** Markov without the null state: only converting journeys build the chain. */
  readonly noNull?: boolean;
  /** cid look-back window before the conversion, in days (default 7). */
  readonly windowDays?: number;
}

/** Every option with its default applied; what models receive. */
export interface FilledAttributionOptions {
  readonly halfLifeTouches: number;
  readonly halfLifeDays: number;
  readonly noNull: boolean;
  readonly windowDays: number;
}

/** Conversions and value a model could not give to any channel. */
export interface Unattributed {
  readonly conversions: number;
  readonly value: number;
}

/** Credit per channel, indexed like `channels`. */
export interface ModelResult {
  readonly channels: readonly string[];
  readonly conversions: Float64Array;
  readonly value: Float64Array;
  /** Only models that may leave conversions uncredited (cid) report this. */
  readonly unattributed?: Unattributed;
}

/**
 * An attribution model: the built-ins implement it, and so does the default
 * export of a module given with `--model ./my-model.js`.
 *
 * `attribute` must be pure (no I/O, no mutation of the table) and return one
 * credit per channel of `table.channels`, such that for every row the credit
 * of its conversions and of its value sums to those totals; whatever cannot be
 * credited is reported in `unattributed`.
 */
export interface AttributionModel {
  readonly name: string;
  attribute(table: PathTable, options: FilledAttributionOptions): ModelResult;
}
