import { validateScenario } from "../../src/config/load.js";
import type { ScenarioInput, Scenario } from "../../src/config/schema.js";
import { lateDaysAfterRun } from "../../src/engines/engine.js";
import { aipsEngine } from "../../src/engines/aips/index.js";
import { AipsShardEngine } from "../../src/engines/aips/shardEngine.js";
import type { AipsPartial } from "../../src/engines/aips/partial.js";
import { allocateColumns } from "../../src/events/batch.js";
import { AIPS_STATES, Kind, NONE, type AipsStateName, type KindName } from "../../src/events/enums.js";
import type { ObservedBatch } from "../../src/pipeline/deliver.js";
import { LatentAips } from "../../src/sim/aipsTruth.js";
import { DAY_MS, HOUR_MS } from "../../src/sim/kernel.js";
import { resolveLinkPolicy } from "../../src/sim/policy.js";
import { buildWorld, type World } from "../../src/world/world.js";

/** One observed row, written by hand; times are hours since the run's start. */
export interface Ev {
  readonly id: number;
  readonly hour: number;
  readonly kind: KindName;
  readonly user?: number;
  readonly brand?: number;
  readonly note?: number;
  readonly dwell?: number;
  /** Arrival in hours since the start; defaults to `hour`. */
  readonly arrivalHour?: number;
  readonly duplicate?: boolean;
}

export interface Setup {
  readonly scenario: Scenario;
  readonly world: World;
  readonly users: number;
  readonly startMs: number;
}

/** A tiny real world (3 brands) and scenario; `aips` overrides the engine's settings. */
export function setup(aips: ScenarioInput["aips"] = {}, users = 1): Setup {
  const scenario = validateScenario(
    {
      population: { users },
      brands: { count: 3 },
      notes: { count: 200 },
      creators: { count: 20 },
      simulation: { days: 120, shardUsers: users },
      aips,
    },
    "test",
  );
  return { scenario, world: buildWorld(scenario), users, startMs: Date.parse(`${scenario.simulation.start}T00:00:00Z`) };
}

export function engineFor(s: Setup): AipsShardEngine {
  return new AipsShardEngine({
    scenario: s.scenario,
    world: s.world,
    policy: resolveLinkPolicy(s.scenario, s.world),
    shard: { index: 0, firstUser: 0, userCount: s.users },
    startMs: s.startMs,
  });
}

/** A note of `brand` that is (or is not) a video. */
export function noteOf(world: World, brand: number, video: boolean): number {
  const { notes } = world;
  for (let n = 0; n < notes.count; n++) if (notes.brand[n] === brand && (notes.isVideo[n] === 1) === video) return n;
  throw new Error(`no ${video ? "video" : "image"} note for brand ${brand}`);
}

/** Distinct notes of `brand`, image or video alike. */
export function notesOf(world: World, brand: number, count: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < world.notes.count && out.length < count; n++) if (world.notes.brand[n] === brand) out.push(n);
  return out;
}

export function batchOf(s: Setup, events: readonly Ev[]): ObservedBatch {
  const c = allocateColumns(events.length);
  events.forEach((e, i) => {
    c.id[i] = e.id;
    c.time[i] = s.startMs + e.hour * HOUR_MS;
    c.arrival[i] = s.startMs + (e.arrivalHour ?? e.hour) * HOUR_MS;
    c.kind[i] = Kind[e.kind];
    c.user[i] = e.user ?? 0;
    c.brand[i] = e.brand ?? 0;
    c.note[i] = e.note ?? NONE;
    c.creator[i] = NONE;
    c.dwell[i] = e.dwell ?? 0;
    c.observed[i] = 1;
    c.duplicate[i] = e.duplicate ? 1 : 0;
  });
  const { cause: _truth, ...observed } = { ...c, length: events.length };
  return observed;
}

/**
 * Feeds `events` to a fresh engine the way the shard pipeline does: each day's arrivals
 * (in the order given), then the day's end, for `days` days; then the day ends after the
 * run that the engine waits for late rows, each after its arrivals; later arrivals before finish.
 */
export function run(s: Setup, events: readonly Ev[], days: number): AipsPartial {
  const engine = engineFor(s);
  const latent = new LatentAips(s.users * s.world.brands.count, s.scenario, s.world.brands.count);
  const arrivalDay = (e: Ev) => Math.floor((e.arrivalHour ?? e.hour) / 24);
  const lastClockDay = days + lateDaysAfterRun([aipsEngine], s.scenario);
  for (let day = 0; day < lastClockDay; day++) {
    engine.consume(batchOf(s, events.filter((e) => arrivalDay(e) === day)));
    if (day < days) engine.endOfDay(day, s.startMs + (day + 1) * DAY_MS, latent);
    else engine.endOfDayAfterRun(day);
  }
  engine.consume(batchOf(s, events.filter((e) => arrivalDay(e) >= lastClockDay)));
  return engine.finish();
}

/** The engine state of a single-user run's pair on `day`, or "unmet" before any signal. */
export function stateOf(partial: AipsPartial, day: number, brand = 0): AipsStateName | "unmet" {
  const counts = partial.engineCounts[day]!;
  const s = AIPS_STATES.findIndex((_, i) => counts[brand * AIPS_STATES.length + i] === 1);
  return s < 0 ? "unmet" : AIPS_STATES[s]!;
}

/** States of a single-user run's pair over days [from, to]. */
export function statesOf(partial: AipsPartial, from: number, to: number, brand = 0): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => stateOf(partial, from + i, brand));
}
