import { describe, expect, it } from "vitest";
import { RecentIds } from "../../src/engines/aips/recentIds.js";

const SHARD = 3 * 2 ** 32;

describe("AIPS RecentIds", () => {
  it("catches a repeat however many of the shard's other ids arrived in between, up to its table size", () => {
    const ids = new RecentIds();
    expect(ids.seen(SHARD + 5)).toBe(false);
    let anyRepeat = false;
    for (let seq = 6; seq < 200_000; seq++) anyRepeat ||= ids.seen(SHARD + seq);
    expect(anyRepeat).toBe(false);
    expect(ids.seen(SHARD + 5)).toBe(true);
    expect(ids.seen(SHARD + 199_999)).toBe(true);
  });

  it("forgets an id once the id 2^18 later in its shard takes its slot, and tells shards apart", () => {
    const ids = new RecentIds();
    ids.seen(SHARD + 7);
    expect(ids.seen(SHARD + 7 + 2 ** 18)).toBe(false);
    expect(ids.seen(SHARD + 7)).toBe(false);
    expect(ids.seen(SHARD + 2 ** 32 + 7)).toBe(false);
  });
});
