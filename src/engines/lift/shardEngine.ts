import { Kind } from "../../events/enums.js";
import type { ObservedBatch } from "../../pipeline/deliver.js";
import { DAY_MS } from "../../sim/kernel.js";
import { AdHoldout } from "../../sim/holdout.js";
import type { ShardEngine, ShardEngineContext } from "../engine.js";
import { CONTROL, dailyMoments, TREATMENT, type LiftPartial } from "./partial.js";

/**
 * A shard's half of the lift study: the purchases the platform sees (own-shop orders, orders
 * passed back, alliance matches), each once however often it was delivered, on the day it
 * arrived: a day's reading has what the platform had by then. Those arriving after the last
 * day count in the slot after it. The platform knows its own holdout, so the group is no truth.
 */
export class LiftShardEngine implements ShardEngine<LiftPartial> {
  private readonly holdout: AdHoldout;
  private readonly days: number;
  private readonly startMs: number;
  private readonly users: { readonly first: number; readonly count: number };
  /** Ids of the purchases counted: a re-delivered copy has its original's id. */
  private readonly seen = new Set<number>();
  private readonly purchases: (readonly [user: number, day: number])[] = [];

  constructor(ctx: ShardEngineContext) {
    this.holdout = new AdHoldout(ctx.scenario);
    this.days = ctx.scenario.simulation.days;
    this.startMs = ctx.startMs;
    this.users = { first: ctx.shard.firstUser, count: ctx.shard.userCount };
  }

  consume(batch: ObservedBatch): void {
    const { kind, id, user, arrival } = batch;
    for (let i = 0; i < batch.length; i++) {
      if (kind[i] !== Kind.purchase || this.seen.has(id[i]!)) continue;
      this.seen.add(id[i]!);
      this.purchases.push([user[i]!, Math.floor((arrival[i]! - this.startMs) / DAY_MS)]);
    }
  }

  finish(): LiftPartial {
    const group = (u: number) => (this.holdout.heldOut(u) ? CONTROL : TREATMENT);
    const users = [0, 0];
    for (let u = this.users.first; u < this.users.first + this.users.count; u++) users[group(u)]!++;
    return { observed: dailyMoments(this.days, [users[0]!, users[1]!], this.purchases, group) };
  }
}
