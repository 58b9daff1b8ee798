const SLOTS_LOG2 = 18;

/**
 * Event ids seen recently, in a direct-mapped table of fixed size: a repeat is caught
 * while its original is still resident. A repeat that slips through (evicted by a
 * collision) cannot change any state, because the pair memory is idempotent; it only
 * counts once more as applied.
 */
export class RecentIds {
  private readonly ids = new Float64Array(1 << SLOTS_LOG2);

  /** True when `id` was seen before (and is still remembered); remembers it otherwise. */
  seen(id: number): boolean {
    const lo = id >>> 0;
    const hi = Math.floor(id / 0x1_0000_0000);
    const slot = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - SLOTS_LOG2);
    if (this.ids[slot] === id) return true;
    this.ids[slot] = id;
    return false;
  }
}
