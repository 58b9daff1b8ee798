import { RecentIds } from "./attribution/stream/recentIds.js";

const DAY_MS = 86_400_000;

/**
 * How long the id of a row a platform may get twice is remembered at least. Re-delivered
 * copies come hours after the original (the passback delay, whose median a scenario may set
 * up to 30 days); such rows are a few per thousand, so a long memory is cheap.
 */
export const REDELIVERY_MEMORY_MS = 60 * DAY_MS;

/**
 * Ids of the rows a platform may get twice, remembered by arrival time for at least
 * REDELIVERY_MEMORY_MS. An engine's memory of the ids of all rows is short (it holds every
 * row), so a copy re-delivered after it would count twice. The caller picks the rows: those
 * that arrived after their event time (passback) and conversions, which are what is counted.
 * Rows must come in arrival order.
 */
export class RedeliveryIds {
  private readonly ids = new RecentIds(REDELIVERY_MEMORY_MS);

  /** True when `id` came before; remembers it otherwise. */
  repeat(id: number, arrival: number): boolean {
    this.ids.advance(arrival);
    return this.ids.repeat(id);
  }
}
