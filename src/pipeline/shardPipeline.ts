import { setImmediate as nextTurn } from "node:timers/promises";
import { concatMap, defer, endWith, ignoreElements, lastValueFrom, map, of, range, tap } from "rxjs";
import type { RunIdentity } from "../arrow/columns.js";
import type { WrittenFile } from "../arrow/fileSink.js";
import type { Scenario } from "../config/schema.js";
import type { EventBatch } from "../events/batch.js";
import type { LinkPolicy } from "../sim/policy.js";
import { FACTUAL, ShardSimulator, type Counterfactual, type ShardSpec } from "../sim/shard.js";
import type { TruthCredits, TruthPurchases } from "../sim/truth.js";
import type { World } from "../world/world.js";
import { lateDaysAfterRun, type Engine } from "../engines/engine.js";
import { streamSettingsFor } from "../engines/attribution/stream/settings.js";
import { DAY_MS } from "../sim/kernel.js";
import { CHANNELS } from "../events/enums.js";
import { deliver, Deliverer, type ObservedBatch } from "./deliver.js";
import { observe, Observer } from "./observe.js";
import { rebatch } from "./rebatch.js";
import { tally, Tallier, type Tally } from "./tally.js";

export interface ShardContext {
  readonly scenario: Scenario;
  readonly world: World;
  readonly policy: LinkPolicy;
  readonly identity: RunIdentity;
  /** Directory for `part-NNNNN.arrow`, or null when events are not written. */
  readonly eventsDir: string | null;
  /** Rows per pipeline batch: an execution setting, so outputs must not depend on it. */
  readonly batchRows: number;
  /** Twin-run setting (a removed channel); FACTUAL by default. */
  readonly counterfactual?: Counterfactual;
  /** Engines fed with the observed stream. */
  readonly engines: readonly Engine[];
}

/** Everything a shard hands back to be combined in shard order. */
export interface ShardResult {
  readonly shard: ShardSpec;
  readonly tally: Tally;
  readonly purchases: TruthPurchases;
  readonly credits: TruthCredits;
  /** Latent AIPS counts per day, `[day][brand * 6 + state]`. */
  readonly aipsDaily: Float64Array[];
  /** Hours from a planting touch to the first retailer search it led to (SearchLagHistogram). */
  readonly searchLagHours: Float64Array;
  readonly users: { female: number; after2000: number; after1995: number; tier12: number; searchers: number; total: number };
  readonly eventsFile: WrittenFile | null;
  /** One partial per engine, in `ctx.engines` order. */
  readonly enginePartials: unknown[];
}

/**
 * The shard pipeline: days → re-batch → observe → tally → (events part file) → deliver
 * (observed rows in arrival order, truth removed) → engines.
 * Days are pulled one at a time (concatMap) so a day is generated only after the previous
 * one is written: memory holds about one day of one shard.
 */
export async function runShard(ctx: ShardContext, spec: ShardSpec, onDay?: (day: number, rows: number) => void): Promise<ShardResult> {
  const { scenario, world, policy } = ctx;
  const sim = new ShardSimulator(scenario, world, policy, spec, ctx.counterfactual ?? FACTUAL);
  const observer = new Observer(policy, scenario.seed, { firstUser: spec.firstUser, userCount: spec.userCount, brandCount: world.brands.count });
  const tallier = new Tallier(world);
  // The Arrow writer is loaded only when events are written: it is most of a worker's start-up.
  const sink = ctx.eventsDir ? await openEventsPart(ctx, spec) : null;
  const startMs = Date.parse(`${scenario.simulation.start}T00:00:00Z`);
  const engines = ctx.engines.map((e) => e.createShardEngine({ scenario, world, policy, shard: spec, startMs }));
  const deliverer = new Deliverer();
  const feed = (observed: ObservedBatch) => {
    for (const engine of engines) engine.consume(observed);
  };
  const write = (batch: EventBatch) => (sink ? defer(() => sink.write(batch)).pipe(map(() => batch)) : of(batch));

  const day$ = range(0, sim.days).pipe(
    concatMap((day) => {
      let rows = 0;
      // Each day starts on a new turn of the event loop, so a shard run on the main thread
      // (--workers 0) still lets Ctrl-C and progress through between days.
      return defer(async () => {
        await nextTurn();
        return sim.simulateDay(day);
      }).pipe(
        rebatch(ctx.batchRows),
        observe(observer),
        tally(tallier),
        tap((batch) => (rows += batch.length)),
        concatMap(write),
        deliver(deliverer),
        tap(feed),
        ignoreElements(),
        endWith(day),
        tap(() => {
          const dayEnd = startMs + (day + 1) * DAY_MS;
          deliverer.releaseBefore(dayEnd).forEach(feed);
          for (const engine of engines) engine.endOfDay?.(day, dayEnd, sim.latent);
          onDay?.(day, rows);
        }),
      );
    }),
  );
  try {
    await lastValueFrom(day$, { defaultValue: -1 });
  } catch (error) {
    await sink?.close().catch(() => undefined);
    throw error;
  }
  // Late rows (passback, alliance matches) keep arriving after the last day. The delivery
  // clock goes on for as many day ends as an engine waits for late rows, so the last days'
  // results get exactly the rows that arrived in time, as every earlier day's did; whatever
  // arrives later still is delivered at the end.
  const lastClockDay = sim.days + lateDaysAfterRun(ctx.engines, scenario);
  for (let day = sim.days; day < lastClockDay; day++) {
    const dayEnd = startMs + (day + 1) * DAY_MS;
    deliverer.releaseBefore(dayEnd).forEach(feed);
    for (const engine of engines) engine.endOfDayAfterRun?.(day, dayEnd);
  }
  deliverer.flush().forEach(feed);
  const eventsFile = sink ? await sink.close() : null;
  return {
    shard: spec,
    tally: tallier.tally,
    purchases: sim.truth.purchases,
    credits: sim.truth.credits,
    aipsDaily: sim.aipsDaily,
    searchLagHours: sim.searchLag.hours,
    users: summariseUsers(sim),
    eventsFile,
    enginePartials: engines.map((e) => e.finish()),
  };
}

function summariseUsers(sim: ShardSimulator): ShardResult["users"] {
  const u = sim.users;
  const out = { female: 0, after2000: 0, after1995: 0, tier12: 0, searchers: 0, total: u.count };
  for (let i = 0; i < u.count; i++) {
    if (u.gender[i] === 0) out.female++;
    if (u.cohort[i] === 0) out.after2000++;
    if (u.cohort[i]! <= 1) out.after1995++;
    if (u.cityTier[i]! <= 1) out.tier12++;
    if (u.searcher[i] === 1) out.searchers++;
  }
  return out;
}

async function openEventsPart(ctx: ShardContext, spec: ShardSpec) {
  const { EventsPartSink, partFileName, partVariant } = await import("../arrow/eventsSink.js");
  const { population, simulation } = ctx.scenario;
  const removed = ctx.counterfactual?.removedChannel ?? -1;
  const variant = partVariant(population.users, simulation.days, simulation.shardUsers, removed < 0 ? null : CHANNELS[removed]!);
  return new EventsPartSink(`${ctx.eventsDir}/${partFileName(spec.index)}`, ctx.identity, spec.index, variant, streamSettingsFor(ctx.policy).cidWindowDays);
}
