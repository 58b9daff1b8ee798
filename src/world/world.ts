import type { Scenario } from "../config/schema.js";
import { buildBrands, type Brands } from "./brands.js";
import { buildCategories, type Categories } from "./categories.js";
import { buildCreators, SMALL_CREATOR_FOLLOWERS, type Creators } from "./creators.js";
import { buildNotes, type Notes } from "./notes.js";

/**
 * The shared world: categories, brands, creators and notes. It is a pure function of the
 * scenario (seed included), so every worker rebuilds the identical world instead of
 * receiving it. Users are not here: each shard builds its own user range.
 */
export interface World {
  readonly categories: Categories;
  readonly brands: Brands;
  readonly creators: Creators;
  readonly notes: Notes;
}

export function buildWorld(s: Scenario): World {
  const categories = buildCategories(s);
  const brands = buildBrands(s, categories);
  const creators = buildCreators(s);
  const notes = buildNotes(s, brands, creators, categories.names.length);
  return { categories, brands, creators, notes };
}

/**
 * What the world cannot give the scenario, said in run.json's warnings rather than left to
 * show up as missing traffic: a category with a share but no brand (its feed slots show
 * nothing), and a creator tier with traffic share but no note (the other tier takes it all).
 */
export function worldWarnings(s: Scenario, world: World): string[] {
  const warnings: string[] = [];
  const { categories, brands, creators, notes } = world;
  const brandless = categories.names.filter((name, k) => s.categories[name].share > 0 && !brands.category.includes(k));
  if (brandless.length > 0) {
    warnings.push(
      `world: ${brandless.length === 1 ? "category" : "categories"} ${brandless.join(", ")} got no brand of the ${brands.count} (brands.count, fewer than the categories with a share): users' feed slots for ${brandless.length === 1 ? "it" : "them"} show nothing; raise brands.count`,
    );
  }
  let smallNotes = 0;
  for (let i = 0; i < notes.count; i++) if (creators.followers[notes.creator[i]!]! < SMALL_CREATOR_FOLLOWERS) smallNotes++;
  const traffic = s.creators.smallCreatorTrafficShare;
  const emptyTier = traffic > 0 && smallNotes === 0 ? "small" : traffic < 1 && smallNotes === notes.count ? "larger" : null;
  if (emptyTier !== null) {
    warnings.push(`world: no ${emptyTier} creator has a note, so creators.smallCreatorTrafficShare (${traffic}) cannot hold: the other tier takes all traffic`);
  }
  return warnings;
}
