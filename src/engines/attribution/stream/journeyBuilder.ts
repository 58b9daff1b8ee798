import { NONE } from "../../../events/enums.js";
import type { ObservedBatch } from "../../../pipeline/deliver.js";
import { DueQueue } from "./dueQueue.js";
import { JourneyLog, type JourneyPartial } from "./journeyLog.js";
import {
  C_ID,
  C_TIME,
  C_VALUE,
  CONVERSION_STRIDE,
  emptyPair,
  firstJourneyLength,
  firstTouchFrom,
  insertSorted,
  T_TIME,
  TOUCH_STRIDE,
  touchesUpTo,
  type PairBuffer,
} from "./pairBuffer.js";
import { RecentIds } from "./recentIds.js";
import type { JourneySettings } from "./settings.js";
import { Role, ROLE_BY_KIND } from "./touchKinds.js";

/** The columns a journey builder reads; truth columns are not among them. */
export type JourneyRows = Pick<
  ObservedBatch,
  "length" | "id" | "time" | "arrival" | "kind" | "user" | "brand" | "note" | "channel" | "clickId" | "value" | "duplicate"
>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Pair key = user × BRAND_SPACE + brand stays an exact integer for any uint32 user. */
const BRAND_SPACE = 2 ** 21;

/**
 * Folds observed rows, in arrival order, into per-(user, brand) journeys.
 *
 * A journey is a pair's run of touches since its previous journey closed. A
 * conversion closes it: its path is the touches within `lookbackDays` before the
 * conversion (inclusive), in event-time order. A journey followed by a whole
 * look-back without a touch or conversion closes without a conversion (a null);
 * its path is the touches within the look-back before its last touch. A
 * conversion with no touch in its look-back is counted as untouched and reaches no path.
 *
 * Watermark W = latest arrival − allowed lateness. A journey closes once W has
 * passed its end (the conversion time, or last touch + look-back for a null), so
 * every event arriving at most the allowed lateness after its event time is
 * placed exactly, in any arrival order. Later events are still placed while
 * their journey is open; one that falls into an already-closed journey is too
 * late and only counted. A closed pair is remembered for one look-back, so
 * events more than allowed lateness + look-back late are always counted too late.
 * Memory: the open pairs' buffered touches (about a look-back plus the allowed lateness of them each),
 * pairs closed within the last look-back, and ids of recent arrivals.
 */
export class JourneyBuilder {
  private readonly lookbackMs: number;
  private readonly latenessMs: number;
  private watermark = -Infinity;
  private latestArrival = -Infinity;
  private readonly pairs = new Map<number, PairBuffer>();
  private readonly queue = new DueQueue();
  private readonly ids: RecentIds;
  private readonly log = new JourneyLog();

  constructor(settings: JourneySettings) {
    this.lookbackMs = settings.lookbackDays * DAY_MS;
    this.latenessMs = settings.allowedLatenessHours * HOUR_MS;
    // Repeats are recognised at least one allowed lateness (or an hour) after the original.
    this.ids = new RecentIds(Math.max(this.latenessMs, HOUR_MS));
  }

  /** Folds rows one by one, so the result does not depend on batch boundaries. */
  consume(rows: JourneyRows): void {
    const counts = this.log.counts;
    for (let i = 0; i < rows.length; i++) {
      const role = ROLE_BY_KIND[rows.kind[i]!]!;
      if (role === Role.ignored || rows.brand[i] === NONE || rows.user[i] === NONE) continue;
      this.advance(rows.arrival[i]!);
      if (rows.duplicate[i] === 1 || this.ids.repeat(rows.id[i]!)) {
        counts.duplicatesDropped++;
        continue;
      }
      if (role === Role.conversion) counts.observedConversions++;
      this.place(rows, i, role);
    }
  }

  /** End of stream: every open journey closes (those still in progress become nulls). */
  finish(): JourneyPartial {
    this.watermark = Infinity;
    for (const [key, pair] of this.pairs) this.settle(key, pair);
    return this.log.partial();
  }

  private advance(arrival: number): void {
    if (arrival <= this.latestArrival) return;
    this.latestArrival = arrival;
    this.watermark = arrival - this.latenessMs;
    this.ids.advance(arrival);
    while (this.queue.peek() < this.watermark) {
      const due = this.queue.peek();
      const key = this.queue.pop();
      const pair = this.pairs.get(key);
      // An entry is live only if it is the pair's current one; others were superseded.
      if (pair === undefined || pair.scheduled !== due) continue;
      pair.scheduled = Infinity;
      this.settle(key, pair);
    }
  }

  private place(rows: JourneyRows, i: number, role: number): void {
    const time = rows.time[i]!;
    const user = rows.user[i]!;
    const brand = rows.brand[i]!;
    if (brand >= BRAND_SPACE) throw new RangeError(`brand ${brand} exceeds the journey key space (${BRAND_SPACE} brands)`);
    const key = user * BRAND_SPACE + brand;
    let pair = this.pairs.get(key);
    if (time < this.watermark - this.lookbackMs || (pair !== undefined && time <= pair.closedUpTo)) {
      if (role === Role.conversion) this.log.counts.lateConversions++;
      else this.log.counts.lateTouches++;
      return;
    }
    if (pair === undefined) {
      pair = emptyPair();
      this.pairs.set(key, pair);
    }
    const id = rows.id[i]!;
    if (role === Role.conversion) insertSorted(pair.conversions, CONVERSION_STRIDE, [time, id, rows.value[i]!]);
    else insertSorted(pair.touches, TOUCH_STRIDE, [time, id, rows.channel[i]!, rows.clickId[i] === 0 ? 0 : 1, rows.note[i]!]);
    this.settle(key, pair);
  }

  /** Closes every journey of the pair whose end the watermark has passed, trims, reschedules. */
  private settle(key: number, pair: PairBuffer): void {
    const w = this.watermark;
    for (;;) {
      const next = this.nextClosing(pair);
      if (next.nullEnd < next.conversionTime && next.nullEnd < w) this.closeNull(pair, next.journey, next.nullEnd);
      else if (next.conversionTime < w) this.closeConversion(pair, next.upTo, next.conversionTime);
      else break;
    }
    this.trim(pair);
    this.schedule(key, pair);
  }

  /**
   * The pair's next possible closing: its first conversion, and the null end of
   * its first journey (a look-back after that journey's last touch).
   */
  private nextClosing(pair: PairBuffer): { conversionTime: number; upTo: number; journey: number; nullEnd: number } {
    const conversionTime = pair.conversions[C_TIME] ?? Infinity;
    const upTo = touchesUpTo(pair.touches, conversionTime);
    const journey = upTo > 0 ? firstJourneyLength(pair.touches, upTo, this.lookbackMs) : 0;
    const nullEnd = journey > 0 ? pair.touches[(journey - 1) * TOUCH_STRIDE + T_TIME]! + this.lookbackMs : Infinity;
    return { conversionTime, upTo, journey, nullEnd };
  }

  private closeConversion(pair: PairBuffer, upTo: number, time: number): void {
    const from = firstTouchFrom(pair.touches, upTo, time - this.lookbackMs);
    const c = pair.conversions;
    this.log.converted(pair.touches, from, upTo, c[C_ID]!, time, c[C_VALUE]!);
    this.log.counts.expiredTouches += from;
    c.splice(0, CONVERSION_STRIDE);
    pair.touches.splice(0, upTo * TOUCH_STRIDE);
    pair.closedUpTo = time;
  }

  /** Closes the first `length` touches as a null journey ending (a look-back after its last touch) at `end`. */
  private closeNull(pair: PairBuffer, length: number, end: number): void {
    const from = firstTouchFrom(pair.touches, length, end - 2 * this.lookbackMs);
    this.log.null(pair.touches, from, length);
    this.log.counts.expiredTouches += from;
    pair.touches.splice(0, length * TOUCH_STRIDE);
    pair.closedUpTo = end;
  }

  /**
   * Drops touches of the open journey that no future closing can use: older than a
   * look-back before both the watermark (any on-time conversion is at or after it)
   * and the journey's last touch (its null path starts a look-back before that).
   */
  private trim(pair: PairBuffer): void {
    const { journey } = this.nextClosing(pair);
    if (journey === 0) return;
    const last = pair.touches[(journey - 1) * TOUCH_STRIDE + T_TIME]!;
    const drop = firstTouchFrom(pair.touches, journey, Math.min(this.watermark, last) - this.lookbackMs);
    if (drop === 0) return;
    pair.touches.splice(0, drop * TOUCH_STRIDE);
    this.log.counts.expiredTouches += drop;
  }

  /** Queues the pair for its next closing, or for being forgotten one look-back after its last. */
  private schedule(key: number, pair: PairBuffer): void {
    const { conversionTime, nullEnd } = this.nextClosing(pair);
    let due = Math.min(nullEnd, conversionTime);
    if (due === Infinity) {
      due = pair.closedUpTo + this.lookbackMs;
      if (due < this.watermark) {
        this.pairs.delete(key);
        return;
      }
    }
    if (due < pair.scheduled) {
      pair.scheduled = due;
      this.queue.push(due, key);
    }
  }
}
