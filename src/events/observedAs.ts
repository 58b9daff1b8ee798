import { Channel } from "./enums.js";

/**
 * Values of the `observed` column. A row matched by a data alliance is seen only as the
 * fact that the user bought the brand: which click led there (`clickId`) and by which
 * route (`channel`) stay the retailer's, so the platform's view of the row hides them.
 */
export const Observed = { not: 0, seen: 1, matched: 2 } as const;

/** The channel the platform sees on an alliance-matched row: spillover, whatever the route. */
export const MATCHED_CHANNEL = Channel.spillover;

/** `clickId` and `channel` of rows as the platform sees them: the columns themselves, or copies with matched rows hidden. */
export function platformRoute<F extends Float64Array, U extends Uint8Array>(observed: Uint8Array, clickId: F, channel: U, length: number): { clickId: F; channel: U } {
  let first = 0;
  while (first < length && observed[first] !== Observed.matched) first++;
  if (first === length) return { clickId, channel };
  const hiddenClickId = clickId.slice(0, length) as F;
  const hiddenChannel = channel.slice(0, length) as U;
  for (let i = first; i < length; i++) {
    if (observed[i] !== Observed.matched) continue;
    hiddenClickId[i] = 0;
    hiddenChannel[i] = MATCHED_CHANNEL;
  }
  return { clickId: hiddenClickId, channel: hiddenChannel };
}
