import { describe, expect, it } from "vitest";
import { aipsEngine } from "../src/engines/aips/index.js";
import { combineAips } from "../src/engines/aips/combine.js";
import type { AipsPartial } from "../src/engines/aips/partial.js";
import { ENGINES } from "../src/engines/registry.js";
import { runShard, type ShardResult } from "../src/pipeline/shardPipeline.js";
import { ShardCombiner } from "../src/run/combine.js";
import { resolveLinkPolicy } from "../src/sim/policy.js";
import { buildWorld } from "../src/world/world.js";
import { smallScenario } from "./helpers.js";

const s = smallScenario();
const world = buildWorld(s);
const policy = resolveLinkPolicy(s, world);
const shardCount = Math.ceil(s.population.users / s.simulation.shardUsers);
const results: ShardResult[] = [];
for (let index = 0; index < shardCount; index++) {
  const firstUser = index * s.simulation.shardUsers;
  const spec = { index, firstUser, userCount: Math.min(s.simulation.shardUsers, s.population.users - firstUser) };
  results.push(await runShard({ scenario: s, world, policy, identity: { scenarioSha256: "test", seed: s.seed }, eventsDir: null, batchRows: 4096, engines: ENGINES }, spec));
}
const aipsIndex = ENGINES.findIndex((e) => e.name === "aips");

describe("combining shard results", () => {
  it("refuses a result that skips ahead of shard order", () => {
    const combiner = new ShardCombiner(world.categories.names.length, ENGINES);
    combiner.add(results[0]!);
    expect(() => combiner.add(results[2]!)).toThrow(/shard 2 combined out of order \(expected 1\)/);
  });

  it("keeps one running AIPS partial equal to combining every shard's at the end", () => {
    const combiner = new ShardCombiner(world.categories.names.length, ENGINES);
    for (const r of results) combiner.add(r);
    const kept = combiner.enginePartials(aipsIndex) as AipsPartial[];
    expect(kept).toHaveLength(1);
    const atEnd = combineAips(results.map((r) => r.enginePartials[aipsIndex] as AipsPartial));
    expect(combineAips(kept)).toEqual(atEnd);
    expect(atEnd.counters.applied).toBeGreaterThan(0);
  });

  it("keeps every partial of an engine without merge, in shard order", () => {
    expect(typeof aipsEngine.merge).toBe("function");
    const noMerge = ENGINES.findIndex((e) => !e.merge);
    expect(noMerge).toBeGreaterThanOrEqual(0);
    const combiner = new ShardCombiner(world.categories.names.length, ENGINES);
    for (const r of results) combiner.add(r);
    expect(combiner.enginePartials(noMerge)).toEqual(results.map((r) => r.enginePartials[noMerge]));
    expect(combiner.combined.users.total).toBe(s.population.users);
  });
});
