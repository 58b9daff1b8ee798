import type { TouchColumns } from "./pairTable.js";

/** What a journey builder counted; every observed event lands in exactly one bucket. */
export interface JourneyCounts {
  /** Observed purchases, each once (repeats excluded), late ones included. */
  observedConversions: number;
  /** Conversions with at least one touch in the look-back: one path-table row each. */
  journeyConversions: number;
  /** Conversions without any touch in the look-back: they reach no path. */
  untouchedConversions: number;
  /** Journeys that closed without a conversion. */
  nullJourneys: number;
  /** Touches on the paths of closed journeys. */
  touches: number;
  /** Touches that fell out of the look-back before their journey closed. */
  expiredTouches: number;
  /** Events that arrived after the journey they belonged to had closed; not used. */
  lateTouches: number;
  lateConversions: number;
  /**
   * Conversions placed later than the allowed lateness, after touches in their look-back had
   * been let go (their journey was still open): their paths are shorter than on time.
   */
  shortenedConversions: number;
  /** Re-delivered copies and repeated ids. */
  duplicatesDropped: number;
}

/**
 * Converting journeys, one row each: timed models (time_decay in days, cid)
 * need every touch's time, so these are not aggregated. Journey j's touches are
 * [offsets[j], offsets[j + 1]) of the touch columns.
 */
export interface ConvertedJourneys {
  readonly offsets: Uint32Array;
  readonly channel: Uint8Array;
  readonly time: Float64Array;
  /** The click id each touch carried (0: none). */
  readonly clickId: Float64Array;
  readonly note: Uint32Array;
  readonly conversionId: Float64Array;
  /** The click id each conversion was passed back with (0: none, e.g. an own-shop order). */
  readonly conversionClickId: Float64Array;
  readonly conversionTime: Float64Array;
  readonly value: Float64Array;
}

/** A shard's journeys: plain data and typed arrays, so it can cross a worker boundary. */
export interface JourneyPartial {
  readonly converted: ConvertedJourneys;
  /** Non-converting journeys aggregated: path key (channel codes joined by ">") → journeys. */
  readonly nullPaths: string[];
  readonly nullCounts: Float64Array;
  readonly counts: JourneyCounts;
}

export function emptyCounts(): JourneyCounts {
  return {
    observedConversions: 0,
    journeyConversions: 0,
    untouchedConversions: 0,
    nullJourneys: 0,
    touches: 0,
    expiredTouches: 0,
    lateTouches: 0,
    lateConversions: 0,
    shortenedConversions: 0,
    duplicatesDropped: 0,
  };
}

/** Collects closed journeys. Memory: one row per conversion, one entry per distinct null path. */
export class JourneyLog {
  readonly counts = emptyCounts();
  private readonly offsets: number[] = [0];
  private readonly channel: number[] = [];
  private readonly time: number[] = [];
  private readonly clickId: number[] = [];
  private readonly note: number[] = [];
  private readonly conversionId: number[] = [];
  private readonly conversionClickId: number[] = [];
  private readonly conversionTime: number[] = [];
  private readonly value: number[] = [];
  private readonly nulls = new Map<string, number>();

  /** Touch slots [from, to) converted at `time`. */
  converted(touches: TouchColumns, from: number, to: number, id: number, time: number, value: number, clickId: number): void {
    if (from === to) {
      this.counts.untouchedConversions++;
      return;
    }
    for (let i = from; i < to; i++) {
      this.channel.push(touches.channel[i]!);
      this.time.push(touches.time[i]!);
      this.clickId.push(touches.clickId[i]!);
      this.note.push(touches.note[i]!);
    }
    this.offsets.push(this.channel.length);
    this.conversionId.push(id);
    this.conversionClickId.push(clickId);
    this.conversionTime.push(time);
    this.value.push(value);
    this.counts.journeyConversions++;
    this.counts.touches += to - from;
  }

  /** Touch slots [from, to) closed without a conversion. */
  null(touches: TouchColumns, from: number, to: number): void {
    const channels: number[] = [];
    for (let i = from; i < to; i++) channels.push(touches.channel[i]!);
    const key = channels.join(">");
    this.nulls.set(key, (this.nulls.get(key) ?? 0) + 1);
    this.counts.nullJourneys++;
    this.counts.touches += to - from;
  }

  partial(): JourneyPartial {
    return {
      converted: {
        offsets: Uint32Array.from(this.offsets),
        channel: Uint8Array.from(this.channel),
        time: Float64Array.from(this.time),
        clickId: Float64Array.from(this.clickId),
        note: Uint32Array.from(this.note),
        conversionId: Float64Array.from(this.conversionId),
        conversionClickId: Float64Array.from(this.conversionClickId),
        conversionTime: Float64Array.from(this.conversionTime),
        value: Float64Array.from(this.value),
      },
      nullPaths: [...this.nulls.keys()],
      nullCounts: Float64Array.from(this.nulls.values()),
      counts: { ...this.counts },
    };
  }
}
