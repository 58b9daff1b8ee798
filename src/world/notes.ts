import type { Scenario } from "../config/schema.js";
import { AliasTable, KeyedRandom, streamSeed } from "../random/keyed.js";
import type { Brands } from "./brands.js";
import { SMALL_CREATOR_FOLLOWERS, type Creators } from "./creators.js";

/** Notes as columns, plus the samplers the feed, search and ad server draw from. */
export interface Notes {
  readonly count: number;
  readonly creator: Uint32Array;
  readonly brand: Uint32Array;
  readonly isVideo: Uint8Array;
  readonly sponsored: Uint8Array;
  readonly trafficWeight: Float64Array;
  /** Feed sampler per category (all notes of the category, by traffic). */
  readonly feedByCategory: readonly (NoteSampler | null)[];
  /** Ad sampler per category (sponsored notes, by traffic × brand budget). */
  readonly adsByCategory: readonly (NoteSampler | null)[];
  /** Search-result sampler per brand. */
  readonly byBrand: readonly NoteSampler[];
}

/** Draws a note id from a subset of notes. */
export class NoteSampler {
  private readonly table: AliasTable;
  constructor(
    private readonly ids: Uint32Array,
    weights: Float64Array,
  ) {
    this.table = new AliasTable(weights);
  }
  sample(u: number): number {
    return this.ids[this.table.sample(u)]!;
  }
}

function sampler(ids: number[], weightOf: (id: number) => number): NoteSampler | null {
  if (ids.length === 0) return null;
  const weights = Float64Array.from(ids, weightOf);
  return weights.some((w) => w > 0) ? new NoteSampler(Uint32Array.from(ids), weights) : null;
}

export function buildNotes(s: Scenario, brands: Brands, creators: Creators, categoryCount: number): Notes {
  const n = s.notes.count;
  const rng = new KeyedRandom(streamSeed(s.seed, "world.note"));
  const creator = new Uint32Array(n);
  const brand = new Uint32Array(n);
  const isVideo = new Uint8Array(n);
  const sponsored = new Uint8Array(n);
  const trafficWeight = new Float64Array(n);
  let small = 0;
  let large = 0;
  for (let i = 0; i < n; i++) {
    rng.reset(i);
    // The first notes cover every brand once so no brand is invisible.
    brand[i] = i < brands.count ? i : rng.int(brands.count);
    creator[i] = rng.int(creators.count);
    isVideo[i] = rng.chance(s.notes.videoShare) ? 1 : 0;
    sponsored[i] = rng.chance(s.notes.sponsoredShare) ? 1 : 0;
    trafficWeight[i] = creators.trafficWeight[creator[i]!]! * rng.logNormal(1, 0.8);
    if (creators.followers[creator[i]!]! < SMALL_CREATOR_FOLLOWERS) small += trafficWeight[i]!;
    else large += trafficWeight[i]!;
  }
  // Creators without notes would otherwise leak traffic share: rescale tiers at note level.
  const target = s.creators.smallCreatorTrafficShare;
  for (let i = 0; i < n; i++) {
    const isSmall = creators.followers[creator[i]!]! < SMALL_CREATOR_FOLLOWERS;
    trafficWeight[i] = trafficWeight[i]! * (isSmall ? (small > 0 ? target / small : 0) : large > 0 ? (1 - target) / large : 0);
  }

  const byCategory: number[][] = Array.from({ length: categoryCount }, () => []);
  const sponsoredByCategory: number[][] = Array.from({ length: categoryCount }, () => []);
  const byBrandIds: number[][] = Array.from({ length: brands.count }, () => []);
  for (let i = 0; i < n; i++) {
    const b = brand[i]!;
    const cat = brands.category[b]!;
    byCategory[cat]!.push(i);
    byBrandIds[b]!.push(i);
    if (sponsored[i]) sponsoredByCategory[cat]!.push(i);
  }
  const weight = (id: number) => trafficWeight[id]!;
  const adWeight = (id: number) => trafficWeight[id]! * brands.dailyAdBudgetYuan[brand[id]!]!;
  return {
    count: n,
    creator,
    brand,
    isVideo,
    sponsored,
    trafficWeight,
    feedByCategory: byCategory.map((ids) => sampler(ids, weight)),
    adsByCategory: sponsoredByCategory.map((ids) => sampler(ids, adWeight)),
    byBrand: byBrandIds.map((ids) => sampler(ids, (id) => trafficWeight[id]! + 1e-12)!),
  };
}
