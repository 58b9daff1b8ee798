import { Kind } from "../events/enums.js";
import { RecentIds } from "./attribution/stream/recentIds.js";

const DAY_MS = 86_400_000;

/**
 * How long the id of a row a platform may get twice is remembered at least. A re-delivered
 * copy comes an exponential time after its original, with the passback delay's median as
 * its mean, which a scenario may set up to 30 days: twenty times that leaves a copy odds of
 * e^-20 to come later. Such rows are a few per thousand, so a long memory is cheap, and it
 * does not depend on how many rows a shard makes.
 */
export const REDELIVERY_MEMORY_MS = 20 * 30 * DAY_MS;

/**
 * Ids of the rows a platform may get twice, remembered by arrival time for at least
 * REDELIVERY_MEMORY_MS. An engine's memory of the ids of all rows is short (it holds every
 * row), so a copy re-delivered after it would count twice. The caller picks the rows (see
 * `mayComeTwice`) and checks them here first, so whether a copy of such a row is known does
 * not depend on the shard's size. Rows must come in arrival order.
 */
export class RedeliveryIds {
  private readonly ids = new RecentIds(REDELIVERY_MEMORY_MS);

  /** True when `id` came before; remembers it otherwise. */
  repeat(id: number, arrival: number): boolean {
    this.ids.advance(arrival);
    return this.ids.repeat(id);
  }
}

/**
 * Rows a platform may get twice: those that arrived after their event time (passback, the
 * only rows re-delivered) and purchases, which are what engines count, whatever way they came.
 */
export function mayComeTwice(time: number, arrival: number, kind: number): boolean {
  return arrival !== time || kind === Kind.purchase;
}
