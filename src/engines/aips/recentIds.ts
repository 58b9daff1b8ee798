const SLOTS_LOG2 = 18;

/**
 * Event ids seen recently, in a direct-mapped table of fixed size indexed by the id's
 * sequence number (its low bits): a shard's ids are consecutive, so rows of the same day
 * land in one compact stretch of the table instead of all over it, and an id is only
 * evicted by the id 2^18 later in its shard (days of rows later), long after its repeats
 * arrive. A repeat that slips through cannot change any state, because the pair memory
 * is idempotent; it only counts once more as applied.
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
