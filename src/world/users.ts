import type { Scenario } from "../config/schema.js";
import { AliasTable, KeyedRandom, streamSeed } from "../random/keyed.js";
import type { Categories } from "./categories.js";

export const GENDERS = ["female", "male"] as const;
export const COHORTS = ["after2000", "from1995to1999", "before1995"] as const;
export const CITY_TIERS = ["tier1", "tier2", "tier3", "tier4plus"] as const;
export const ACTIVITY_LEVELS = ["low", "medium", "high"] as const;

/** Category tilt by gender (female, male): what each group is more likely to follow. */
const GENDER_TILT: Record<string, readonly [number, number]> = {
  beauty: [1.6, 0.3],
  fashion: [1.3, 0.7],
  baby: [1.3, 0.5],
  appliances_3c: [0.6, 1.8],
  sports_outdoor: [0.7, 1.7],
};
/** Affinity of categories outside a user's interests, relative to the weakest interest. */
const RESIDUAL_AFFINITY = 0.05;

/**
 * Users of one contiguous id range, as columns. Every attribute is drawn from the user's
 * own key, so a user's draws do not depend on how many users exist or which shard holds them.
 */
export interface UserRange {
  readonly first: number;
  readonly count: number;
  readonly gender: Uint8Array;
  readonly cohort: Uint8Array;
  readonly cityTier: Uint8Array;
  readonly searcher: Uint8Array;
  readonly activity: Uint8Array;
  /** Cumulative category affinity, `categoryCount` values per user, last one = 1. */
  readonly affinityCdf: Float32Array;
}

export function buildUsers(s: Scenario, categories: Categories, first: number, count: number): UserRange {
  const k = categories.names.length;
  const rng = new KeyedRandom(streamSeed(s.seed, "world.user"));
  const p = s.population;
  const cohortTable = new AliasTable(COHORTS.map((c) => p.cohorts[c]));
  const tierTable = new AliasTable(CITY_TIERS.map((t) => p.cityTiers[t]));
  const activityTable = new AliasTable(ACTIVITY_LEVELS.map((a) => p.activity[a]));
  const u: UserRange = {
    first,
    count,
    gender: new Uint8Array(count),
    cohort: new Uint8Array(count),
    cityTier: new Uint8Array(count),
    searcher: new Uint8Array(count),
    activity: new Uint8Array(count),
    affinityCdf: new Float32Array(count * k),
  };
  const tilted = new Float64Array(k);
  const affinity = new Float64Array(k);
  for (let i = 0; i < count; i++) {
    rng.reset(first + i);
    const gender = rng.chance(p.femaleShare) ? 0 : 1;
    u.gender[i] = gender;
    u.cohort[i] = cohortTable.sample(rng.next());
    u.cityTier[i] = tierTable.sample(rng.next());
    u.searcher[i] = rng.chance(p.searcherShare) ? 1 : 0;
    u.activity[i] = activityTable.sample(rng.next());
    for (let c = 0; c < k; c++) tilted[c] = categories.share[c]! * (GENDER_TILT[categories.names[c]!]?.[gender] ?? 1);
    affinity.fill(0);
    // Interests drawn without replacement; the first is strongest.
    for (let rank = 0; rank < p.interestsPerUser; rank++) {
      let total = 0;
      for (let c = 0; c < k; c++) if (affinity[c] === 0) total += tilted[c]!;
      if (total <= 0) break;
      let x = rng.next() * total;
      let chosen = -1;
      for (let c = 0; c < k; c++) {
        if (affinity[c] !== 0) continue;
        chosen = c;
        x -= tilted[c]!;
        if (x < 0) break;
      }
      affinity[chosen] = 1 / (rank + 1);
    }
    const floor = RESIDUAL_AFFINITY / p.interestsPerUser;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      if (affinity[c] === 0) affinity[c] = tilted[c]! > 0 ? floor : 0;
      sum += affinity[c]!;
    }
    let acc = 0;
    for (let c = 0; c < k; c++) {
      acc += affinity[c]! / sum;
      u.affinityCdf[i * k + c] = acc;
    }
    u.affinityCdf[i * k + k - 1] = 1;
  }
  return u;
}

/** Picks a category for user index `i` of the range from one uniform. */
export function sampleCategory(users: UserRange, k: number, i: number, uniform: number): number {
  const base = i * k;
  for (let c = 0; c < k - 1; c++) if (uniform < users.affinityCdf[base + c]!) return c;
  return k - 1;
}
