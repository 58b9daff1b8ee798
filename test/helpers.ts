import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateScenario } from "../src/config/load.js";
import type { Scenario, ScenarioInput } from "../src/config/schema.js";
import { allocateColumns, copyRows, type EventBatch } from "../src/events/batch.js";
import { Observer } from "../src/pipeline/observe.js";
import { resolveLinkPolicy } from "../src/sim/policy.js";
import { FACTUAL, ShardSimulator, type Counterfactual } from "../src/sim/shard.js";
import { buildWorld } from "../src/world/world.js";
import { main } from "../src/cli/main.js";
import { vi } from "vitest";

/** A small valid scenario: the defaults with a few overrides. */
export function smallScenario(overrides: ScenarioInput = {}): Scenario {
  const base: ScenarioInput = {
    name: "small",
    population: { users: 1500 },
    simulation: { days: 20, shardUsers: 500 },
    creators: { count: 400 },
    brands: { count: 30 },
    notes: { count: 2000 },
  };
  return validateScenario(deepMerge(base, overrides), "test");
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null || Array.isArray(b)) return b ?? a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
  return out;
}

/** Simulates one shard of `s` in memory and returns all observed-layer events plus truth. */
export function simulateShardInMemory(s: Scenario, shardIndex = 0, counterfactual: Counterfactual = FACTUAL) {
  const world = buildWorld(s);
  const policy = resolveLinkPolicy(s, world);
  const first = shardIndex * s.simulation.shardUsers;
  const sim = new ShardSimulator(s, world, policy, {
    index: shardIndex,
    firstUser: first,
    userCount: Math.min(s.simulation.shardUsers, s.population.users - first),
  }, counterfactual);
  const observer = new Observer(policy, s.seed, { firstUser: first, userCount: sim.users.count, brandCount: world.brands.count });
  const batches: EventBatch[] = [];
  for (let d = 0; d < s.simulation.days; d++) batches.push(observer.apply(sim.simulateDay(d)));
  return { events: concat(batches), truth: sim.truth, world, policy, sim };
}

export function concat(batches: readonly EventBatch[]): EventBatch {
  const n = batches.reduce((a, b) => a + b.length, 0);
  const cols = allocateColumns(n);
  let at = 0;
  for (const b of batches) {
    copyRows(b, cols, at);
    at += b.length;
  }
  return { ...cols, length: n };
}

export function tempDir(prefix = "zhongcao-test-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** A user with no rights of its own, for running the CLI where root would read anything. */
const NOBODY = 65_534;

/**
 * Whether this process is root and can run the built CLI as `nobody` (the checkout must be
 * readable by others): then a file with no read permission is refused as it is for users.
 */
export const canRunAsNobody: boolean =
  process.getuid?.() === 0 &&
  spawnSync(process.execPath, ["-e", "require('node:fs').accessSync('bin/zhongcao.js'); require('node:fs').accessSync('dist/cli/main.js')"], { uid: NOBODY, gid: NOBODY }).status === 0;

/** The built CLI in a child process run as `nobody` (see canRunAsNobody). */
export function runCliAsNobody(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["bin/zhongcao.js", ...args], { uid: NOBODY, gid: NOBODY, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
