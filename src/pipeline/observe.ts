import { map, type OperatorFunction } from "rxjs";
import { RowRuns, type EventBatch } from "../events/batch.js";
import { Kind, Platform } from "../events/enums.js";
import { Observed } from "../events/observedAs.js";
import { KeyedRandom, keyedUnit, streamSeed } from "../random/keyed.js";
import { DAY_MS, HOUR_MS } from "../sim/kernel.js";
import { regimeAt, storeBit, type LinkPolicy, type Regime } from "../sim/policy.js";

/** Kinds a retailer passes back under Red Cat (or Red JD) when tagged with a click id inside the window. */
const PASSBACK_KINDS = new Uint8Array(32);
for (const k of [Kind.store_visit, Kind.retail_search, Kind.add_to_cart, Kind.purchase]) PASSBACK_KINDS[k] = 1;
/** Of those, the interactions: passed back only within the regime's interaction window of the click. */
const INTERACTION_KINDS = new Uint8Array(32);
for (const k of [Kind.store_visit, Kind.retail_search, Kind.add_to_cart]) INTERACTION_KINDS[k] = 1;

/** The users and brands an observer covers (one shard). */
export interface ObserverScope {
  readonly firstUser: number;
  readonly userCount: number;
  readonly brandCount: number;
}

/**
 * The observation layer: decides which true events the platform sees under the policy,
 * when they arrive, and which arrive twice.
 * - On-platform events (own-shop orders included) arrive at once.
 * - Off-platform events are seen through CID passback when the regime in force passes back
 *   for their brand at their store (Red Cat covers its Tmall store, Red JD its JD store):
 *   tagged with the id of an ad click made under a regime that passes back, whose time lies
 *   inside the window (orders) or the interaction window (store visits, searches,
 *   add-to-cart); hours to days late, so out of order; a share re-delivered (a duplicate
 *   row right after its original, same id).
 * - Alliance matching (if configured) reveals off-platform orders of sampled users (every
 *   user, for brands of the alliance's pilot industries) who read
 *   the brand within its window — that they bought, not which touch caused it — days later:
 *   `observed` is then Observed.matched, and engines see the row without its click id and
 *   route (see platformRoute).
 * Draws are keyed by (user, time, kind), never by position or id, so batch boundaries do
 * not matter and twin runs under another policy share them.
 */
export class Observer {
  private readonly rng: KeyedRandom;
  private readonly allianceStream: number;
  /** Click id → click time for clicks still inside the widest window; trimmed as time advances. */
  private readonly clickTime = new Map<number, number>();
  private readonly clickOrder: number[] = [];
  private clickHead = 0;
  /** Last read time per (user, brand) of the scope, for alliance matching. */
  private readonly lastRead: Float64Array | null;
  private regime: Regime;
  /** Start of the regime after `regime` (+Infinity for the last). */
  private regimeUntil = -Infinity;
  /** The regime's passback windows: orders, and retailer interactions (set with the regime). */
  private orderWindowMs = 0;
  private interactionWindowMs = 0;

  constructor(
    private readonly policy: LinkPolicy,
    seed: number,
    private readonly scope: ObserverScope,
  ) {
    this.rng = new KeyedRandom(streamSeed(seed, "observe"));
    this.allianceStream = streamSeed(seed, "observe.alliance");
    this.lastRead = policy.alliance ? new Float64Array(scope.userCount * scope.brandCount).fill(-Infinity) : null;
    this.regime = policy.regimes[0]!;
  }

  apply(batch: EventBatch): EventBatch {
    const n = batch.length;
    const { kind, platform, clickId, time, id, observed, arrival, user, brand } = batch;
    const maxWindowMs = this.policy.passbackWindowDays * DAY_MS;
    const dupRows: number[] = [];
    const dupArrival: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = kind[i]!;
      const p = platform[i]!;
      const t = time[i]!;
      arrival[i] = t;
      if (t < this.regime.fromMs || t >= this.regimeUntil) this.enterRegime(t);
      if (p === Platform.red || p === Platform.red_shop) {
        observed[i] = 1;
        // Click ids are Red Cat's (and Red JD's): an ad click's id, passed back only if its regime does.
        if (k === Kind.ad_click && this.regime.passbackWindowDays > 0) this.rememberClick(id[i]!, t);
        if (this.lastRead && k === Kind.read) this.lastRead[this.pair(user[i]!, brand[i]!)] = t;
        continue;
      }
      observed[i] = 0;
      const windowMs = INTERACTION_KINDS[k] === 1 ? this.interactionWindowMs : this.orderWindowMs;
      // The regime in force decides: a brand whose store it no longer covers is not passed back, whenever its click was.
      if (windowMs > 0 && PASSBACK_KINDS[k] === 1 && clickId[i] !== 0 && (this.regime.linkStores[brand[i]!]! & storeBit(p)) !== 0) {
        const clicked = this.clickTime.get(clickId[i]!);
        if (clicked !== undefined && t - clicked <= windowMs) {
          observed[i] = 1;
          const rng = this.rng.reset(user[i]!, t, k);
          // Whole ms, as event parts store it, so `attribute` over the parts delivers in the run's order.
          arrival[i] = Math.round(t + rng.logNormal(this.regime.passbackDelayMedianHours, 1) * HOUR_MS);
          if (rng.chance(this.regime.duplicateRate)) {
            dupRows.push(i);
            dupArrival.push(Math.round(arrival[i]! + rng.exponential(this.regime.passbackDelayMedianHours * HOUR_MS)));
          }
          continue;
        }
      }
      if (k === Kind.purchase) this.allianceMatch(batch, i);
    }
    if (n > 0) this.forgetClicksBefore(time[n - 1]! - maxWindowMs);
    if (dupRows.length === 0) return batch;
    return withDuplicates(batch, dupRows, dupArrival);
  }

  private pair(user: number, brand: number): number {
    return (user - this.scope.firstUser) * this.scope.brandCount + brand;
  }

  private enterRegime(t: number): void {
    const r = this.policy.regimes;
    this.regime = regimeAt(this.policy, t);
    this.orderWindowMs = this.regime.passbackWindowDays * DAY_MS;
    // Never longer than the order window.
    this.interactionWindowMs = Math.min(this.regime.passbackInteractionWindowHours * HOUR_MS, this.orderWindowMs);
    const next = r[r.indexOf(this.regime) + 1];
    this.regimeUntil = next ? next.fromMs : Infinity;
  }


  private allianceMatch(batch: EventBatch, i: number): void {
    const a = this.policy.alliance;
    if (!a || !this.lastRead) return;
    const u = batch.user[i]!;
    // Readers of a pilot industry's brands are all matched; others by the user's sample draw.
    if (a.matchesEveryReader[batch.brand[i]!] !== 1 && keyedUnit(this.allianceStream, u) >= a.sampleRate) return;
    const t = batch.time[i]!;
    if (t - this.lastRead[this.pair(u, batch.brand[i]!)]! > a.windowDays * DAY_MS) return;
    batch.observed[i] = Observed.matched;
    batch.arrival[i] = Math.round(t + this.rng.reset(u, t, Kind.purchase).logNormal(a.delayMedianDays, 0.5) * DAY_MS);
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
}

/** `batch` with each row of `dupRows` followed by its re-delivered copy (rows are copied run by run). */
function withDuplicates(batch: EventBatch, dupRows: number[], dupArrival: number[]): EventBatch {
  const runs = new RowRuns();
  let from = 0;
  for (const row of dupRows) {
    runs.add(0, from, row + 1 - from);
    runs.add(0, row, 1);
    from = row + 1;
  }
  runs.add(0, from, batch.length - from);
  const out = runs.build([batch]);
  // The copy of the d-th duplicated row sits d + 1 rows after its original's position.
  dupRows.forEach((row, d) => {
    const copy = row + d + 1;
    out.duplicate[copy] = 1;
    out.arrival[copy] = dupArrival[d]!;
  });
  return out;
}

/** Pipeline stage: the observation layer. The observer keeps state across days, so it is passed in. */
export function observe(observer: Observer): OperatorFunction<EventBatch, EventBatch> {
  return map((batch) => observer.apply(batch));
}
