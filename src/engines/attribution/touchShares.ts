import { CreditSheet } from "./table.js";
import type { AttributionModel, FilledAttributionOptions, PathTable } from "./types.js";

/** The share of each touch of row `row`, in touch order; the shares sum to 1. */
export type TouchShares = (table: PathTable, row: number, options: FilledAttributionOptions) => ArrayLike<number>;

/**
 * A model that splits each row's conversions and value over its touches by
 * position. Shares go to touches, not channels, so a channel touched twice is
 * credited twice, as ChannelAttribution's heuristic models do.
 */
export function touchShareModel(name: string, shares: TouchShares): AttributionModel {
  return {
    name,
    attribute(table, options) {
      const sheet = new CreditSheet(table.channels);
      for (let p = 0; p < table.paths.length; p++) {
        const conversions = table.conversions[p]!;
        // A row without conversions has no value either: nothing to split.
        if (conversions === 0) continue;
        const path = table.paths[p]!;
        const touchShares = shares(table, p, options);
        for (let i = 0; i < path.length; i++) sheet.give(path[i]!, touchShares[i]!, conversions, table.value[p]!);
      }
      return sheet.result();
    },
  };
}

/** Shares that give everything to touch `index` of `touches`. */
export function allTo(touches: number, index: number): Float64Array {
  const shares = new Float64Array(touches);
  shares[index] = 1;
  return shares;
}
