import { tap, type MonoTypeOperatorFunction } from "rxjs";
import type { EventBatch } from "../events/batch.js";
import { CHANNELS, Channel, KINDS, Kind } from "../events/enums.js";
import { MATCHED_CHANNEL, Observed } from "../events/observedAs.js";
import { SMALL_CREATOR_FOLLOWERS } from "../world/creators.js";
import type { World } from "../world/world.js";

/**
 * Counters one shard accumulates over its stream: event counts for run.json and the raw
 * sums calibration statistics are computed from. Plain numbers in typed arrays, so
 * partial tallies add up exactly in shard order.
 */
export interface Tally {
  /** Rows per kind, duplicates included. */
  byKind: Float64Array;
  observedByKind: Float64Array;
  duplicates: number;
  /** Feed impressions and reads per category × media (index category * 2 + isVideo). */
  feedImpressions: Float64Array;
  feedReads: Float64Array;
  /** Organic feed impressions of notes by small creators (< 1,000 followers). */
  smallCreatorImpressions: number;
  /** Likes, collects, comments and shares. */
  interactions: number;
  purchasesByChannel: Float64Array;
  observedPurchasesByChannel: Float64Array;
  /** Order value of observed purchases (originals only), in yuan. */
  observedPurchaseValue: number;
}

export function emptyTally(categoryCount: number): Tally {
  return {
    byKind: new Float64Array(KINDS.length),
    observedByKind: new Float64Array(KINDS.length),
    duplicates: 0,
    feedImpressions: new Float64Array(categoryCount * 2),
    feedReads: new Float64Array(categoryCount * 2),
    smallCreatorImpressions: 0,
    interactions: 0,
    purchasesByChannel: new Float64Array(CHANNELS.length),
    observedPurchasesByChannel: new Float64Array(CHANNELS.length),
    observedPurchaseValue: 0,
  };
}

/** Adds `b` into `a` (in place). */
export function addTally(a: Tally, b: Tally): Tally {
  const add = (x: Float64Array, y: Float64Array) => {
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + y[i]!;
  };
  add(a.byKind, b.byKind);
  add(a.observedByKind, b.observedByKind);
  add(a.feedImpressions, b.feedImpressions);
  add(a.feedReads, b.feedReads);
  add(a.purchasesByChannel, b.purchasesByChannel);
  add(a.observedPurchasesByChannel, b.observedPurchasesByChannel);
  a.duplicates += b.duplicates;
  a.smallCreatorImpressions += b.smallCreatorImpressions;
  a.interactions += b.interactions;
  a.observedPurchaseValue += b.observedPurchaseValue;
  return a;
}

/** Folds batches into a Tally; per-note lookups are precomputed once. */
export class Tallier {
  readonly tally: Tally;
  private readonly noteSlot: Uint8Array;
  private readonly noteSmall: Uint8Array;

  constructor(world: World) {
    const { notes, brands, creators } = world;
    this.tally = emptyTally(world.categories.names.length);
    this.noteSlot = new Uint8Array(notes.count);
    this.noteSmall = new Uint8Array(notes.count);
    for (let n = 0; n < notes.count; n++) {
      this.noteSlot[n] = brands.category[notes.brand[n]!]! * 2 + notes.isVideo[n]!;
      this.noteSmall[n] = creators.followers[notes.creator[n]!]! < SMALL_CREATOR_FOLLOWERS ? 1 : 0;
    }
  }

  add(batch: EventBatch): void {
    const t = this.tally;
    const { kind, observed, duplicate, channel, note } = batch;
    for (let i = 0; i < batch.length; i++) {
      const k = kind[i]!;
      t.byKind[k]!++;
      if (observed[i] !== Observed.not) t.observedByKind[k]!++;
      if (duplicate[i] === 1) {
        t.duplicates++;
        continue;
      }
      const ch = channel[i]!;
      if (ch === Channel.organic_feed) {
        if (k === Kind.impression) {
          t.feedImpressions[this.noteSlot[note[i]!]!]!++;
          t.smallCreatorImpressions += this.noteSmall[note[i]!]!;
        } else if (k === Kind.read) {
          t.feedReads[this.noteSlot[note[i]!]!]!++;
        }
      }
      if (k === Kind.like || k === Kind.collect || k === Kind.comment || k === Kind.share) t.interactions++;
      if (k === Kind.purchase) {
        t.purchasesByChannel[ch]!++;
        if (observed[i] !== Observed.not) {
          // By the order's route, but an alliance match's route stays hidden: it counts as spillover.
          // (A spillover order in the store a link led to is passed back with its click id and counts as spillover.)
          t.observedPurchasesByChannel[observed[i] === Observed.matched ? MATCHED_CHANNEL : ch]!++;
          t.observedPurchaseValue += batch.value[i]!;
        }
      }
    }
  }
}

/** Pipeline stage: folds each batch into the tally and passes it on. */
export function tally(tallier: Tallier): MonoTypeOperatorFunction<EventBatch> {
  return tap((batch) => tallier.add(batch));
}
