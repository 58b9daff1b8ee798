import { faker } from "@faker-js/faker/locale/zh_CN";
import { keyHash, streamSeed } from "../random/keyed.js";
import type { World } from "./world.js";

/**
 * Display names for the entity tables, made with faker (the zh_CN locale only). faker runs
 * once per entity, seeded from (seed, entity kind, id), so a name never depends on how many
 * other entities exist — and never on the event stream, which does not carry names.
 */
function named<T>(seed: number, kind: string, count: number, make: () => T): T[] {
  const stream = streamSeed(seed, `names.${kind}`);
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    faker.seed(keyHash(stream, i));
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
