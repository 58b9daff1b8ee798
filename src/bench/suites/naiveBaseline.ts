import { concatMap, distinct, filter, from, lastValueFrom, map, reduce } from "rxjs";
import { isDeepStrictEqual } from "node:util";
import { NONE } from "../../events/enums.js";
import { attributePaths, type AttributionReport } from "../../engines/attribution/attributePaths.js";
import { builtInModelNames } from "../../engines/attribution/registry.js";
import { conversionClickId, JourneyBuilder, type JourneyRows } from "../../engines/attribution/stream/journeyBuilder.js";
import { JourneyLog, type JourneyPartial } from "../../engines/attribution/stream/journeyLog.js";
import { mergeJourneys } from "../../engines/attribution/stream/journeyTable.js";
import type { TouchColumns } from "../../engines/attribution/stream/pairTable.js";
import { streamSettingsFor, type StreamAttributionSettings } from "../../engines/attribution/stream/settings.js";
import { Role, ROLE_BY_KIND } from "../../engines/attribution/stream/touchKinds.js";
import { DAY_MS } from "../../sim/kernel.js";
import { deliveredBatches, type Fixture } from "../fixture.js";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { Sampling } from "../plan.js";

/** One event as a plain object: the representation the columnar design avoids. */
interface EventObject {
  id: number;
  time: number;
  role: number;
  user: number;
  brand: number;
  channel: number;
  note: number;
  clickId: number;
  value: number;
}

function* eventObjects(b: JourneyRows): Generator<EventObject> {
  for (let i = 0; i < b.length; i++) {
    yield {
      id: b.id[i]!,
      time: b.time[i]!,
      role: ROLE_BY_KIND[b.kind[i]!]!,
      user: b.user[i]!,
      brand: b.brand[i]!,
      channel: b.channel[i]!,
      note: b.note[i]!,
      clickId: b.clickId[i]!,
      value: b.value[i]!,
    };
  }
}

/**
 * The naive baseline: the same observed rows as one JS object per event through an RxJS
 * pipeline doing the same attribution as the engines: drop repeats by id, keep touches
 * and conversions, gather each (user, brand) pair's events in a Map, cut them into
 * journeys, and run every built-in model over the resulting path table. Objects are made
 * inside the pipeline because allocating per event is exactly the cost the columnar
 * design is measured against. Its report must equal the columnar engine's on the same
 * rows (checked before timing), so both do the same work.
 */
export async function naiveBaselineSuite(f: Fixture, sampling: Sampling): Promise<Measurement> {
  const batches = deliveredBatches(f);
  const settings = streamSettingsFor(f.policy);
  // The naive pipeline sees the whole stream, as the engine does when every row arrives within
  // its allowed lateness; the check gives the engine that lateness so the two must agree.
  const expected = columnarReport(batches, { ...settings, allowedLatenessHours: Math.max(settings.allowedLatenessHours, latestArrivalHours(batches)) });
  const got = await naiveReport(batches, settings);
  if (!isDeepStrictEqual(got, expected)) throw new Error("naive baseline: its attribution differs from the engine's on the same rows");
  const timing = await measure(
    "naive-baseline",
    async () => {
      await naiveReport(batches, settings);
    },
    sampling,
  );
  return withUnits(timing, f.deliveredRows);
}

/** The largest arrival − event time among the rows, in whole hours rounded up. */
function latestArrivalHours(batches: readonly JourneyRows[]): number {
  let late = 0;
  for (const b of batches) for (let i = 0; i < b.length; i++) late = Math.max(late, b.arrival[i]! - b.time[i]!);
  return Math.ceil(late / 3_600_000);
}

/** The same rows through the columnar journey builder, merged and attributed as a run does. */
export function columnarReport(batches: readonly JourneyRows[], settings: StreamAttributionSettings): AttributionReport {
  const builder = new JourneyBuilder(settings);
  for (const batch of batches) builder.consume(batch);
  return attribute(builder.finish(), settings);
}

export function naiveReport(batches: readonly JourneyRows[], settings: StreamAttributionSettings): Promise<AttributionReport> {
  const lookbackMs = settings.lookbackDays * DAY_MS;
  return lastValueFrom(
    from(batches).pipe(
      concatMap((b) => from(eventObjects(b))),
      filter((e) => e.role !== Role.ignored && e.brand !== NONE && e.user !== NONE),
      distinct((e) => e.id),
      reduce((pairs, e) => {
        const key = `${e.user}/${e.brand}`;
        const events = pairs.get(key);
        if (events) events.push(e);
        else pairs.set(key, [e]);
        return pairs;
      }, new Map<string, EventObject[]>()),
      map((pairs) => {
        const log = new JourneyLog();
        for (const events of pairs.values()) cutJourneys(events, lookbackMs, log);
        return attribute(log.partial(), settings);
      }),
    ),
  );
}

function attribute(partial: JourneyPartial, settings: StreamAttributionSettings): AttributionReport {
  const { table } = mergeJourneys([partial]);
  return attributePaths(table, { halfLife: settings.halfLifeDays, windowDays: settings.cidWindowDays, models: builtInModelNames() });
}

/**
 * One pair's whole history cut into journeys, by the journey builder's rules with every
 * event known: a conversion takes the touches within the look-back before it; a run of
 * touches followed by a look-back of silence is a null journey of its last look-back.
 */
function cutJourneys(events: EventObject[], lookbackMs: number, log: JourneyLog): void {
  events.sort((a, b) => a.time - b.time || a.id - b.id);
  const touches = events.filter((e) => e.role === Role.touch);
  const columns: TouchColumns = {
    time: Float64Array.from(touches, (t) => t.time),
    channel: Uint8Array.from(touches, (t) => t.channel),
    clickId: Float64Array.from(touches, (t) => t.clickId),
    note: Uint32Array.from(touches, (t) => t.note),
  };
  const firstFrom = (start: number, end: number, time: number) => {
    let i = start;
    while (i < end && touches[i]!.time < time) i++;
    return i;
  };
  let open = 0;
  const conversions = events.filter((e) => e.role === Role.conversion);
  for (const conversion of [...conversions, null]) {
    const until = conversion?.time ?? Infinity;
    let upTo = open;
    while (upTo < touches.length && touches[upTo]!.time <= until) upTo++;
    // Nulls that end before the conversion (a gap longer than the look-back).
    while (upTo > open) {
      let end = open + 1;
      while (end < upTo && touches[end]!.time - touches[end - 1]!.time <= lookbackMs) end++;
      const last = touches[end - 1]!.time;
      if (last + lookbackMs >= until) break;
      log.null(columns, firstFrom(open, end, last - lookbackMs), end);
      open = end;
    }
    if (!conversion) break;
    log.converted(columns, firstFrom(open, upTo, conversion.time - lookbackMs), upTo, conversion.id, conversion.time, conversion.value, conversionClickId(conversion.channel, conversion.clickId));
    open = upTo;
  }
}
