import { availableParallelism } from "node:os";
import type { Scenario } from "../config/schema.js";
import type { ShardSpec } from "../sim/shard.js";

/**
 * How a run is cut into shards and how many worker threads it gets. Kept apart from
 * runScenario so the CLI can decide this (see cli/relaunch.ts) without loading the engine.
 */

export const DEFAULT_BATCH_ROWS = 16_384;

export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** Fixed contiguous user ranges; their size comes from the scenario, never from the worker count. */
export function planShards(users: number, shardUsers: number): ShardSpec[] {
  const shards: ShardSpec[] = [];
  for (let first = 0, index = 0; first < users; first += shardUsers, index++) {
    shards.push({ index, firstUser: first, userCount: Math.min(shardUsers, users - first) });
  }
  return shards;
}

/** Worker threads for a run: as requested (default: available cores), at most one per shard, as more would sit idle. */
export function workerThreadsFor(scenario: Scenario, requested: number = defaultWorkerCount()): number {
  return Math.min(requested, planShards(scenario.population.users, scenario.simulation.shardUsers).length);
}

/** Users × days: what a run's length is roughly proportional to. */
export function userDays(scenario: Scenario): number {
  return scenario.population.users * scenario.simulation.days;
}
