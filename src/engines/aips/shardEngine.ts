import type { ObservedBatch } from "../../pipeline/deliver.js";
import type { LatentAips } from "../../sim/aipsTruth.js";
import type { ShardEngine, ShardEngineContext } from "../engine.js";
import { DayTally } from "./dayTally.js";
import { DerivedStates } from "./derivedStates.js";
import { OpenEvents } from "./openEvents.js";
import { resolveAipsOptions, type AipsOptions } from "./options.js";
import { PairSignals } from "./pairSignals.js";
import { emptyCounters, type AipsPartial } from "./partial.js";
import { RecentIds } from "./recentIds.js";
import { mayComeTwice, RedeliveryIds } from "../redeliveryIds.js";
import { classify, Signal } from "./signals.js";
import { TruthRing } from "./truthRing.js";

/**
 * The AIPS engine for one shard.
 *
 * Inference (observed rows only): each row is deduplicated by event id, classified into
 * signal flags and held in `OpenEvents` until its day's snapshot is taken.
 *
 * Event-time semantics: the snapshot of day d is the state derived at the end of day d
 * from every event whose *event time* is before that moment. It is taken when the
 * end-of-day call for day d + ⌈allowedLatenessHours / 24⌉ arrives (after the last day,
 * the run's delivery clock goes on to that day end: see `endOfDayAfterRun`), so an event
 * that arrives up to that point is applied at its event time and the snapshot is exactly
 * what in-order, duplicate-free delivery gives. An event that
 * arrives after its day's snapshot was taken is counted in `lateDropped`: it is missing
 * from the snapshots already taken and, still at its event time, part of every later one.
 *
 * Scoring (the scorer half, never read by inference): at each day end the latent state is
 * copied and kept until the engine's snapshot of that day is taken, then compared pair
 * by pair.
 */
export class AipsShardEngine implements ShardEngine<AipsPartial> {
  private readonly o: AipsOptions;
  private readonly brandCount: number;
  private readonly signals: PairSignals;
  private readonly open = new OpenEvents();
  private readonly ids = new RecentIds();
  private readonly redelivered = new RedeliveryIds();
  private readonly derived: DerivedStates;
  private readonly truth: TruthRing;
  private readonly tally: DayTally;
  private readonly counters = emptyCounters();
  /** Days ended but not yet snapshotted, oldest first, with their end tick. */
  private readonly pending: { day: number; at: number }[] = [];
  /** Events before this tick belong to snapshots already taken. */
  private closedBefore = 0;

  constructor(private readonly ctx: ShardEngineContext) {
    this.o = resolveAipsOptions(ctx.scenario);
    this.brandCount = ctx.world.brands.count;
    const pairs = ctx.shard.userCount * this.brandCount;
    this.signals = new PairSignals(pairs, this.o);
    this.derived = new DerivedStates(this.signals);
    this.truth = new TruthRing(pairs, this.o.lagDays);
    this.tally = new DayTally(pairs, ctx.world.brands.category, ctx.world.categories.names.length);
  }

  consume(batch: ObservedBatch): void {
    const { firstUser, userCount } = this.ctx.shard;
    const { isVideo } = this.ctx.world.notes;
    const c = this.counters;
    for (let i = 0; i < batch.length; i++) {
      // `ids` forgets an id once 2^18 later ids of the shard have come (weeks of rows at the
      // default shard size, fewer days in bigger shards): rows that may come twice are first
      // checked against a memory by arrival time, so their copies are known whatever the shard size.
      const id = batch.id[i]!;
      if ((mayComeTwice(batch.time[i]!, batch.arrival[i]!, batch.kind[i]!) && this.redelivered.repeat(id, batch.arrival[i]!)) || this.ids.seen(id)) {
        c.repeats++;
        continue;
      }
      const flags = classify(batch.kind[i]!, batch.dwell[i]!, batch.note[i]!, isVideo, this.o);
      const user = batch.user[i]! - firstUser;
      const brand = batch.brand[i]!;
      const tick = this.tickOf(batch.time[i]!);
      if (flags === Signal.ignore || user < 0 || user >= userCount || brand >= this.brandCount || tick < 1) {
        c.ignored++;
        continue;
      }
      const pair = user * this.brandCount + brand;
      c.applied++;
      if (tick < this.closedBefore) {
        c.lateDropped++;
        this.signals.apply(pair, tick, flags, batch.note[i]!);
      } else {
        this.open.push(pair, tick, flags, batch.note[i]!);
      }
    }
  }

  endOfDay(day: number, dayEndMs: number, latent: LatentAips): void {
    this.truth.record(day, latent.state, latent.changedToday);
    this.pending.push({ day, at: this.tickOf(dayEndMs) });
    this.snapshotsDue(day);
  }

  /** The last days' snapshots, too, wait their lag: rows arriving after it are late for them as for any day. */
  endOfDayAfterRun(day: number): void {
    this.snapshotsDue(day);
  }

  finish(): AipsPartial {
    // Normally none left: the run's clock went on for lateDays after the last day.
    while (this.pending.length > 0) this.snapshot();
    this.counters.afterEnd = this.open.size;
    const { engineCounts, truthCounts, truthNewTi, flows, confusion } = this.tally;
    return { brandCount: this.brandCount, engineCounts, truthCounts, truthNewTi, flows, confusion, counters: this.counters };
  }

  private snapshotsDue(day: number): void {
    while (this.pending.length > 0 && this.pending[0]!.day <= day - this.o.lagDays) this.snapshot();
  }

  private snapshot(): void {
    const { day, at } = this.pending.shift()!;
    this.open.foldBefore(at, this.signals);
    this.closedBefore = at;
    this.derived.update(day, at);
    const { truth } = this;
    this.tally.add(day, this.derived.states, this.derived.changed, truth.stateOn(day), truth.stateOn(day - 1), truth.changedOn(day));
  }

  /** Whole seconds since the run's start, plus one (0 is "never" in the pair memory). */
  private tickOf(ms: number): number {
    return Math.floor((ms - this.ctx.startMs) / 1000) + 1;
  }
}
