import { defer, map, type OperatorFunction } from "rxjs";
import { gatherBatch, type EventBatch } from "../events/batch.js";
import { Kind, Platform } from "../events/enums.js";
import { KeyedRandom, streamSeed } from "../random/keyed.js";
import { DAY_MS, HOUR_MS } from "../sim/kernel.js";
import type { LinkPolicy } from "../sim/policy.js";

/** Kinds a retailer passes back under Red Cat when tagged with a click id inside the window. */
const PASSBACK_KINDS = new Uint8Array(32);
for (const k of [Kind.store_visit, Kind.retail_search, Kind.add_to_cart, Kind.purchase]) PASSBACK_KINDS[k] = 1;

/**
 * The observation layer: decides which true events the platform sees under the policy,
 * when they arrive, and which arrive twice. On-platform events (including own-shop
 * orders) arrive at once. Off-platform events are seen only through CID passback: tagged
 * with a click id whose click lies inside the window; they arrive hours to days late,
 * so out of order, and a share is re-delivered (a duplicate row right after its original,
 * same id, later arrival). All draws are keyed by event id, so batch boundaries do not matter.
 */
export class Observer {
  private readonly rng: KeyedRandom;
  /** Click id → click time for clicks still inside the window; trimmed as time advances. */
  private readonly clickTime = new Map<number, number>();
  private readonly clickOrder: number[] = [];
  private clickHead = 0;
  duplicates = 0;

  constructor(
    private readonly policy: LinkPolicy,
    seed: number,
  ) {
    this.rng = new KeyedRandom(streamSeed(seed, "observe"));
  }

  apply(batch: EventBatch): EventBatch {
    const n = batch.length;
    const { kind, platform, clickId, time, id, observed, arrival } = batch;
    const windowMs = this.policy.passbackWindowDays * DAY_MS;
    const passback = windowMs > 0;
    const dupRows: number[] = [];
    const dupArrival: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = kind[i]!;
      const p = platform[i]!;
      if (p === Platform.red || p === Platform.red_shop) {
        observed[i] = 1;
        arrival[i] = time[i]!;
        if (passback && (k === Kind.ad_click || k === Kind.link_click)) this.rememberClick(id[i]!, time[i]!);
        continue;
      }
      observed[i] = 0;
      arrival[i] = time[i]!;
      if (!passback || PASSBACK_KINDS[k] !== 1 || clickId[i] === 0) continue;
      const clicked = this.clickTime.get(clickId[i]!);
      if (clicked === undefined || time[i]! - clicked > windowMs) continue;
      observed[i] = 1;
      const rng = this.rng.reset(id[i]!);
      const delay = rng.logNormal(this.policy.passbackDelayMedianHours, 1) * HOUR_MS;
      arrival[i] = time[i]! + delay;
      if (rng.chance(this.policy.duplicateRate)) {
        dupRows.push(i);
        dupArrival.push(arrival[i]! + rng.exponential(this.policy.passbackDelayMedianHours * HOUR_MS));
      }
    }
    if (n > 0) this.forgetClicksBefore(time[n - 1]! - windowMs);
    if (dupRows.length === 0) return batch;
    return this.withDuplicates(batch, dupRows, dupArrival);
  }

  private rememberClick(clickId: number, t: number): void {
    this.clickTime.set(clickId, t);
    this.clickOrder.push(clickId);
  }

  private forgetClicksBefore(t: number): void {
    while (this.clickHead < this.clickOrder.length) {
      const cid = this.clickOrder[this.clickHead]!;
      if (this.clickTime.get(cid)! >= t) break;
      this.clickTime.delete(cid);
      this.clickHead++;
    }
    if (this.clickHead > 4096 && this.clickHead * 2 > this.clickOrder.length) {
      this.clickOrder.splice(0, this.clickHead);
      this.clickHead = 0;
    }
  }

  private withDuplicates(batch: EventBatch, dupRows: number[], dupArrival: number[]): EventBatch {
    const n = batch.length;
    const order = new Uint32Array(n + dupRows.length);
    const isCopy = new Uint8Array(order.length);
    const copyArrival = new Float64Array(order.length);
    let d = 0;
    let o = 0;
    for (let i = 0; i < n; i++) {
      order[o++] = i;
      if (d < dupRows.length && dupRows[d] === i) {
        isCopy[o] = 1;
        copyArrival[o] = dupArrival[d]!;
        order[o++] = i;
        d++;
      }
    }
    const out = gatherBatch(batch, order);
    for (let r = 0; r < out.length; r++) {
      if (isCopy[r] === 1) {
        out.duplicate[r] = 1;
        out.arrival[r] = copyArrival[r]!;
      }
    }
    this.duplicates += dupRows.length;
    return out;
  }
}

/** RxJS operator form of the observation layer (one Observer per subscription). */
export function observe(policy: LinkPolicy, seed: number): OperatorFunction<EventBatch, EventBatch> {
  return (source) =>
    defer(() => {
      const observer = new Observer(policy, seed);
      return source.pipe(map((batch) => observer.apply(batch)));
    });
}
