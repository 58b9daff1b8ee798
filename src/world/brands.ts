import type { Scenario } from "../config/schema.js";
import { AliasTable, KeyedRandom, streamSeed } from "../random/keyed.js";
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
  const categoryTable = new AliasTable(categories.share);
  const b: Brands = {
    count: n,
    category: new Uint8Array(n),
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
    const cat = categoryTable.sample(rng.next());
    b.category[i] = cat;
    b.hasTmall[i] = rng.chance(storeShare.tmall) ? 1 : 0;
    b.hasJd[i] = rng.chance(storeShare.jd) ? 1 : 0;
    b.hasRedShop[i] = rng.chance(storeShare.red_shop) ? 1 : 0;
    b.experienceScore[i] = xp.min + (xp.max - xp.min) * rng.next();
    b.dailyAdBudgetYuan[i] = budget.min * Math.pow(budget.max / budget.min, rng.next());
    b.priceYuan[i] = rng.logNormal(categories.priceYuan[cat]!, 0.4);
  }
  return b;
}
