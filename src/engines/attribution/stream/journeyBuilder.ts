import { Channel, NONE } from "../../../events/enums.js";
import { OWN_SHOP_ORDER } from "../types.js";
import type { ObservedBatch } from "../../../pipeline/deliver.js";
import { DueQueue } from "./dueQueue.js";
import { JourneyLog, type JourneyPartial } from "./journeyLog.js";
import { PairTable } from "./pairTable.js";
import { RecentIds } from "./recentIds.js";
import { mayComeTwice, RedeliveryIds } from "../../redeliveryIds.js";
import type { JourneySettings } from "./settings.js";
import { Role, ROLE_BY_KIND } from "./touchKinds.js";

/**
 * The columns a journey builder reads; truth columns are not among them, nor `duplicate`:
 * the platform tells a re-delivered row from its original only by its id.
 */
export type JourneyRows = Pick<
  ObservedBatch,
  "length" | "id" | "time" | "arrival" | "kind" | "user" | "brand" | "note" | "channel" | "clickId" | "value"
>;

const DAY_MS = 86_400_000;

/**
 * A conversion's click id as cid reads it: the one a retailer passed back with it, or for an
 * order in the platform's own shop (which the platform knows without passback) OWN_SHOP_ORDER.
 */
export function conversionClickId(channel: number, clickId: number): number {
  return channel === Channel.shop ? OWN_SHOP_ORDER : clickId;
}
const HOUR_MS = 3_600_000;
/** Pair key = user × BRAND_SPACE + brand stays an exact integer for any uint32 user. */
export const BRAND_SPACE = 2 ** 21;

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
 * their journey is open, though a conversion's oldest touches may have been let
 * go by then (counted in shortenedConversions); one that falls into an
 * already-closed journey is too late and only counted. A closed pair is
 * remembered for one look-back, so events more than allowed lateness +
 * look-back late are always counted too late.
 * Memory: the open pairs' buffered touches (about a look-back plus the allowed lateness of them each),
 * pairs closed within the last look-back (all in typed columns, see PairTable), ids of recent arrivals,
 * and ids of the few rows that may come twice (late rows, purchases) for 600 days.
 */
export class JourneyBuilder {
  private readonly lookbackMs: number;
  private readonly latenessMs: number;
  private watermark = -Infinity;
  private latestArrival = -Infinity;
  private readonly pairs = new PairTable();
  private readonly queue = new DueQueue();
  private readonly ids: RecentIds;
  private readonly redelivered = new RedeliveryIds();
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
      // A re-delivered row is known only by its id, as it would be to the platform. Rows that
      // may come twice (late ones, purchases) are remembered far longer than other rows' ids.
      const id = rows.id[i]!;
      if ((mayComeTwice(rows.time[i]!, rows.arrival[i]!, rows.kind[i]!) && this.redelivered.repeat(id, rows.arrival[i]!)) || this.ids.repeat(id)) {
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
    for (const pair of this.pairs.pairsInOrder()) this.settle(pair);
    return this.log.partial();
  }

  private advance(arrival: number): void {
    if (arrival <= this.latestArrival) return;
    this.latestArrival = arrival;
    this.watermark = arrival - this.latenessMs;
    this.ids.advance(arrival);
    const pairs = this.pairs;
    while (this.queue.peek() < this.watermark) {
      const due = this.queue.peek();
      const pair = pairs.find(this.queue.pop());
      // An entry is live only if it is the pair's current one; others were superseded.
      if (pair < 0 || pairs.scheduled[pair] !== due) continue;
      pairs.scheduled[pair] = Infinity;
      this.settle(pair);
    }
  }

  private place(rows: JourneyRows, i: number, role: number): void {
    const time = rows.time[i]!;
    const user = rows.user[i]!;
    const brand = rows.brand[i]!;
    if (brand >= BRAND_SPACE) throw new RangeError(`brand ${brand} exceeds the journey key space (${BRAND_SPACE} brands)`);
    const key = user * BRAND_SPACE + brand;
    let pair = this.pairs.find(key);
    if (time < this.watermark - this.lookbackMs || (pair >= 0 && time <= this.pairs.closedUpTo[pair]!)) {
      if (role === Role.conversion) this.log.counts.lateConversions++;
      else this.log.counts.lateTouches++;
      return;
    }
    if (pair < 0) pair = this.pairs.open(key);
    const id = rows.id[i]!;
    if (role === Role.conversion) this.pairs.insertConversion(pair, time, id, rows.value[i]!, conversionClickId(rows.channel[i]!, rows.clickId[i]!));
    else this.pairs.insertTouch(pair, time, id, rows.channel[i]!, rows.clickId[i]!, rows.note[i]!);
    this.settle(pair);
  }

  /** Closes every journey of the pair whose end the watermark has passed, trims, reschedules. */
  private settle(pair: number): void {
    const w = this.watermark;
    for (;;) {
      const next = this.nextClosing(pair);
      if (next.nullEnd < next.conversionTime && next.nullEnd < w) this.closeNull(pair, next.journey, next.nullEnd);
      else if (next.conversionTime < w) this.closeConversion(pair, next.upTo, next.conversionTime);
      else break;
    }
    this.trim(pair);
    this.schedule(pair);
  }

  /**
   * The pair's next possible closing: its first conversion, and the null end of
   * its first journey (a look-back after that journey's last touch).
   */
  private nextClosing(pair: number): { conversionTime: number; upTo: number; journey: number; nullEnd: number } {
    const p = this.pairs;
    const conversionTime = p.conversionTime(pair);
    const upTo = p.touchesUpTo(pair, conversionTime);
    const journey = upTo > 0 ? p.firstJourneyLength(pair, upTo, this.lookbackMs) : 0;
    const nullEnd = journey > 0 ? p.touchTime(pair, journey - 1) + this.lookbackMs : Infinity;
    return { conversionTime, upTo, journey, nullEnd };
  }

  private closeConversion(pair: number, upTo: number, time: number): void {
    const p = this.pairs;
    const from = p.firstTouchFrom(pair, upTo, time - this.lookbackMs);
    const [, id, value, clickId] = p.firstConversion(pair);
    const first = p.firstSlot(pair);
    this.log.converted(p, first + from, first + upTo, id, time, value, clickId);
    this.log.counts.expiredTouches += from;
    // A touch its look-back covers was let go before it arrived: say so rather than pass a shorter path as whole.
    if (p.trimmedUpTo[pair]! >= time - this.lookbackMs) this.log.counts.shortenedConversions++;
    p.dropConversion(pair);
    p.dropTouches(pair, upTo);
    p.closedUpTo[pair] = time;
    p.trimmedUpTo[pair] = -Infinity;
  }

  /** Closes the first `length` touches as a null journey ending (a look-back after its last touch) at `end`. */
  private closeNull(pair: number, length: number, end: number): void {
    const p = this.pairs;
    const from = p.firstTouchFrom(pair, length, end - 2 * this.lookbackMs);
    const first = p.firstSlot(pair);
    this.log.null(p, first + from, first + length);
    this.log.counts.expiredTouches += from;
    p.dropTouches(pair, length);
    p.closedUpTo[pair] = end;
    p.trimmedUpTo[pair] = -Infinity;
  }

  /**
   * Drops touches of the open journey that no future closing can use: older than a
   * look-back before both the watermark (any on-time conversion is at or after it)
   * and the journey's last touch (its null path starts a look-back before that).
   */
  private trim(pair: number): void {
    const { journey } = this.nextClosing(pair);
    if (journey === 0) return;
    const last = this.pairs.touchTime(pair, journey - 1);
    const drop = this.pairs.firstTouchFrom(pair, journey, Math.min(this.watermark, last) - this.lookbackMs);
    if (drop === 0) return;
    this.pairs.trimmedUpTo[pair] = this.pairs.touchTime(pair, drop - 1);
    this.pairs.dropTouches(pair, drop);
    this.log.counts.expiredTouches += drop;
  }

  /** Queues the pair for its next closing, or for being forgotten one look-back after its last. */
  private schedule(pair: number): void {
    const { conversionTime, nullEnd } = this.nextClosing(pair);
    const p = this.pairs;
    let due = Math.min(nullEnd, conversionTime);
    if (due === Infinity) {
      due = p.closedUpTo[pair]! + this.lookbackMs;
      if (due < this.watermark) {
        p.forget(pair);
        return;
      }
    }
    if (due < p.scheduled[pair]!) {
      p.scheduled[pair] = due;
      this.queue.push(due, p.keyOf(pair));
    }
  }
}
