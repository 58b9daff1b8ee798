import { join } from "node:path";
import { makeSchema, type RunIdentity } from "../arrow/columns.js";
import { writeArrowFile, type WrittenFile } from "../arrow/fileSink.js";
import { BRAND_SPECS, CREATOR_SPECS, NOTE_SPECS } from "../arrow/schemas/world.js";
import { Platform } from "../events/enums.js";
import { storeBit, type LinkPolicy } from "../sim/policy.js";
import { brandNames, creatorNames } from "../world/names.js";
import type { World } from "../world/world.js";

const ids = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
/** 1 where a brand's link-store mask holds the platform's store. */
const storeFlags = (linkStores: Uint8Array, platform: number) => linkStores.map((mask) => ((mask & storeBit(platform)) !== 0 ? 1 : 0));

/** The entity tables of a run: brands, creators (with faker names) and notes. */
export async function writeWorldFiles(dir: string, identity: RunIdentity, world: World, policy: LinkPolicy): Promise<WrittenFile[]> {
  const { brands, creators, notes } = world;
  const people = creatorNames(identity.seed, world);
  return [
    await writeArrowFile(
      join(dir, "brands.arrow"),
      makeSchema(BRAND_SPECS, identity),
      BRAND_SPECS,
      {
        brand: ids(brands.count),
        name: brandNames(identity.seed, world),
        category: brands.category,
        hasTmall: brands.hasTmall,
        hasJd: brands.hasJd,
        hasRedShop: brands.hasRedShop,
        experienceScore: brands.experienceScore,
        dailyAdBudgetYuan: brands.dailyAdBudgetYuan,
        priceYuan: brands.priceYuan,
        redcatEligible: storeFlags(policy.linkStores, Platform.tmall),
        redjdEligible: storeFlags(policy.linkStores, Platform.jd),
      },
      brands.count,
    ),
    await writeArrowFile(
      join(dir, "creators.arrow"),
      makeSchema(CREATOR_SPECS, identity),
      CREATOR_SPECS,
      {
        creator: ids(creators.count),
        name: people.map((p) => p.name),
        handle: people.map((p) => p.handle),
        followers: creators.followers,
        trafficWeight: creators.trafficWeight,
      },
      creators.count,
    ),
    await writeArrowFile(
      join(dir, "notes.arrow"),
      makeSchema(NOTE_SPECS, identity),
      NOTE_SPECS,
      { note: ids(notes.count), creator: notes.creator, brand: notes.brand, isVideo: notes.isVideo, sponsored: notes.sponsored, trafficWeight: notes.trafficWeight },
      notes.count,
    ),
  ];
}
