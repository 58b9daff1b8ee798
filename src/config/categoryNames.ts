/**
 * The product categories, in the order every per-category table uses. A module of its own
 * (not in schema.ts) so worker threads, which never validate a scenario, do not load zod.
 */
export const CATEGORY_NAMES = ["beauty", "fashion", "home", "fmcg", "appliances_3c", "baby", "sports_outdoor", "health"] as const;
export type CategoryName = (typeof CATEGORY_NAMES)[number];
