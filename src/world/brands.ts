import type { Scenario } from "../config/schema.js";
import { KeyedRandom, streamSeed } from "../random/keyed.js";
import { apportion } from "./apportion.js";
import type { Categories } from "./categories.js";

/** Brands as columns. Each brand sells one representative SPU in one category. */
export interface Brands {
  readonly count: number;
  readonly category: Uint8Array;
  readonly hasTmall: Uint8Array;
  readonly hasJd: Uint8Array;
  readonly hasRedShop: Uint8Array;
  readonly experienceScore: Float32Array;
  readonly dailyAdBudgetYuan: Float32Array;
  /** Order value of the brand's SPU in yuan. */
  readonly priceYuan: Float32Array;
}

export function buildBrands(s: Scenario, categories: Categories): Brands {
  const n = s.brands.count;
  const rng = new KeyedRandom(streamSeed(s.seed, "world.brand"));
  const b: Brands = {
    count: n,
    category: brandCategories(s, categories),
    hasTmall: new Uint8Array(n),
    hasJd: new Uint8Array(n),
    hasRedShop: new Uint8Array(n),
    experienceScore: new Float32Array(n),
    dailyAdBudgetYuan: new Float32Array(n),
    priceYuan: new Float32Array(n),
  };
  const { experienceScore: xp, dailyAdBudgetYuan: budget, storeShare } = s.brands;
  for (let i = 0; i < n; i++) {
    rng.reset(i);
    const cat = b.category[i]!;
    b.hasTmall[i] = rng.chance(storeShare.tmall) ? 1 : 0;
    b.hasJd[i] = rng.chance(storeShare.jd) ? 1 : 0;
    b.hasRedShop[i] = rng.chance(storeShare.red_shop) ? 1 : 0;
    b.experienceScore[i] = xp.min + (xp.max - xp.min) * rng.next();
    b.dailyAdBudgetYuan[i] = budget.min * Math.pow(budget.max / budget.min, rng.next());
    b.priceYuan[i] = rng.logNormal(categories.priceYuan[cat]!, 0.4);
  }
  return b;
}

/**
 * Each brand's category. Categories get brands in proportion to their shares, as whole
 * counts (largest remainder, at least one each while brands last), dealt to brand ids in a
 * keyed shuffle. Drawing each brand's category alone let the counts wander: with 120
 * brands, beauty (share 0.26) could get 23 where 31 are due.
 */
function brandCategories(s: Scenario, categories: Categories): Uint8Array {
  const counts = apportion(categories.share, s.brands.count);
  const category = new Uint8Array(s.brands.count);
  let next = 0;
  for (let c = 0; c < counts.length; c++) category.fill(c, next, (next += counts[c]!));
  const rng = new KeyedRandom(streamSeed(s.seed, "world.brand.category")).reset(0);
  for (let i = category.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const swap = category[i]!;
    category[i] = category[j]!;
    category[j] = swap;
  }
  return category;
}
