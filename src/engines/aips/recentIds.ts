const SLOTS_LOG2 = 18;

/**
 * Event ids seen recently, in a direct-mapped table of fixed size indexed by the id's
 * sequence number (its low bits): a shard's ids are consecutive, so rows of the same day
 * land in one compact stretch of the table instead of all over it. An id is forgotten
 * when another id whose sequence number differs by a multiple of 2^18 takes its slot:
 * ids generated 2^18 later (about three weeks of rows at the default shard size, less in a
 * bigger shard), or a late row from that far back; the engine checks rows that may come
 * twice against RedeliveryIds instead, so a copy is known whatever the shard size. A
 * repeat that slips through cannot change any state, because the pair memory is
 * idempotent; it only counts once more as applied. Ids are never confused: a slot
 * matches only the whole id, and sequence numbers start at 1, so the empty slot (0)
 * matches nothing.
 */
export class RecentIds {
  private readonly ids = new Float64Array(1 << SLOTS_LOG2);

  /** True when `id` was seen before (and is still remembered); remembers it otherwise. */
  seen(id: number): boolean {
    const slot = (id >>> 0) & ((1 << SLOTS_LOG2) - 1);
    if (this.ids[slot] === id) return true;
    this.ids[slot] = id;
    return false;
  }
}
