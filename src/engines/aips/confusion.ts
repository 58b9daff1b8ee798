import { CELLS, STATES } from "./partial.js";

/**
 * Confusion of engine against latent state, in pair-days per brand category. A pair-day
 * counts when the engine or the truth places the pair in some state; pair-days on which
 * both say none (mostly pairs that never met) would only swamp the agreement.
 */
export class Confusion {
  readonly counts: Float64Array;

  constructor(
    private readonly brandCategory: Uint8Array,
    categoryCount: number,
  ) {
    this.counts = new Float64Array(categoryCount * CELLS);
  }

  add(truth: Uint8Array, engine: Uint8Array): void {
    const { brandCategory, counts } = this;
    const brandCount = brandCategory.length;
    for (let pair = 0, brand = 0; pair < truth.length; pair++, brand = brand + 1 === brandCount ? 0 : brand + 1) {
      const t = truth[pair]!;
      const e = engine[pair]!;
      if ((t | e) === 0) continue;
      counts[brandCategory[brand]! * CELLS + t * STATES + e]!++;
    }
  }
}
