import type { Scenario } from "../config/schema.js";
import { buildBrands, type Brands } from "./brands.js";
import { buildCategories, type Categories } from "./categories.js";
import { buildCreators, type Creators } from "./creators.js";
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
