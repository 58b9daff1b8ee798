import { faker } from "@faker-js/faker/locale/zh_CN";
import { keyHash, streamSeed } from "../random/keyed.js";
import type { World } from "./world.js";

/** Entities named per faker seeding: seeding costs about as much as naming a few entities. */
const NAMES_PER_SEED = 64;

/**
 * Display names for the entity tables, made with faker (the zh_CN locale only). faker is
 * seeded from (seed, entity kind, block of NAMES_PER_SEED ids) and names a block's entities
 * in id order, so a name depends only on its entity's id — never on how many other
 * entities exist, nor on the event stream, which does not carry names.
 */
function named<T>(seed: number, kind: string, count: number, make: () => T): T[] {
  const stream = streamSeed(seed, `names.${kind}`);
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    if (i % NAMES_PER_SEED === 0) faker.seed(keyHash(stream, i / NAMES_PER_SEED));
    out.push(make());
  }
  return out;
}

export function brandNames(seed: number, world: World): string[] {
  return named(seed, "brand", world.brands.count, () => faker.company.name());
}

export function creatorNames(seed: number, world: World): { name: string; handle: string }[] {
  return named(seed, "creator", world.creators.count, () => ({ name: faker.person.fullName(), handle: faker.internet.username() }));
}
