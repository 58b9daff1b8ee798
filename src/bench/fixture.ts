import type { RunIdentity } from "../arrow/columns.js";
import { loadScenario, type LoadedScenario } from "../config/load.js";
import { sliceBatch, type EventBatch } from "../events/batch.js";
import { Deliverer, type ObservedBatch } from "../pipeline/deliver.js";
import { Observer } from "../pipeline/observe.js";
import { DEFAULT_BATCH_ROWS } from "../run/shardPlan.js";
import { lateDaysAfterRun } from "../engines/engine.js";
import { ENGINES } from "../engines/registry.js";
import { DAY_MS } from "../sim/kernel.js";
import { resolveLinkPolicy, type LinkPolicy } from "../sim/policy.js";
import { ShardSimulator, type ShardSpec } from "../sim/shard.js";
import { buildWorld, type World } from "../world/world.js";
import type { RunSize } from "./plan.js";

/** One simulated day as the pipeline saw it. */
export interface FixtureDay {
  /** Observation-annotated true batches (truth included), as the events part file gets them. */
  readonly written: EventBatch[];
  /** What the engines were fed: observed rows in arrival order. */
  readonly delivered: ObservedBatch[];
  /** Latent AIPS state at the day's end, for the engines' scorer half. */
  readonly latent: Uint8Array;
}

/** One shard of the default scenario, simulated once, shared by the row-level suites. */
export interface Fixture {
  readonly loaded: LoadedScenario;
  readonly world: World;
  readonly policy: LinkPolicy;
  readonly identity: RunIdentity;
  readonly shard: ShardSpec;
  readonly startMs: number;
  readonly days: FixtureDay[];
  /** Rows delivered at the day ends after the last day that engines wait for late rows (lateDaysAfterRun). */
  readonly afterRun: ObservedBatch[][];
  /** Rows still pending delivery at the end of the stream. */
  readonly rest: ObservedBatch[];
  /** Rows the simulator generated (before observation adds duplicates). */
  readonly generatedRows: number;
  readonly writtenRows: number;
  readonly deliveredRows: number;
}

/**
 * Simulates a single shard of the scaled default scenario, making the same calls in the
 * same order as the shard pipeline (re-batch, observe, deliver; day ends; the day ends after
 * the run that engines wait for; final flush), so timed suites replay exactly what a run
 * feeds each stage.
 */
export function buildFixture(size: RunSize): Fixture {
  const loaded = loadScenario(undefined, size);
  const { scenario } = loaded;
  const world = buildWorld(scenario);
  const policy = resolveLinkPolicy(scenario, world);
  const shard: ShardSpec = { index: 0, firstUser: 0, userCount: size.users };
  const sim = new ShardSimulator(scenario, world, policy, shard);
  const observer = new Observer(policy, scenario.seed, { firstUser: 0, userCount: size.users, brandCount: world.brands.count });
  const deliverer = new Deliverer();
  const days: FixtureDay[] = [];
  const startMs = Date.parse(`${scenario.simulation.start}T00:00:00Z`);
  let generatedRows = 0;
  for (let day = 0; day < sim.days; day++) {
    const truth = sim.simulateDay(day);
    generatedRows += truth.length;
    const written: EventBatch[] = [];
    const delivered: ObservedBatch[] = [];
    for (let start = 0; start < truth.length; start += DEFAULT_BATCH_ROWS) {
      const batch = observer.apply(sliceBatch(truth, start, Math.min(truth.length, start + DEFAULT_BATCH_ROWS)));
      written.push(batch);
      delivered.push(...deliverer.push(batch));
    }
    delivered.push(...deliverer.releaseBefore(startMs + (day + 1) * DAY_MS));
    days.push({ written, delivered, latent: sim.latent.state.slice() });
  }
  const afterRun = Array.from({ length: lateDaysAfterRun(ENGINES, scenario) }, (_, k) => deliverer.releaseBefore(startMs + (sim.days + k + 1) * DAY_MS));
  const rest = deliverer.flush();
  const sum = (batches: readonly { length: number }[]) => batches.reduce((n, b) => n + b.length, 0);
  return {
    loaded,
    world,
    policy,
    identity: { scenarioSha256: loaded.sha256, seed: scenario.seed },
    shard,
    startMs,
    days,
    afterRun,
    rest,
    generatedRows,
    writtenRows: sum(days.flatMap((d) => d.written)),
    deliveredRows: sum(deliveredBatchesOf(days, afterRun, rest)),
  };
}

/** Every delivered batch in delivery order, the end-of-stream flush included. */
export function deliveredBatches(f: Fixture): ObservedBatch[] {
  return deliveredBatchesOf(f.days, f.afterRun, f.rest);
}

function deliveredBatchesOf(days: readonly FixtureDay[], afterRun: readonly ObservedBatch[][], rest: readonly ObservedBatch[]): ObservedBatch[] {
  return [...days.flatMap((d) => d.delivered), ...afterRun.flat(), ...rest];
}
