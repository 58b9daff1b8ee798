import { Channel, Kind, NONE } from "../../../src/events/enums.js";
import { JourneyBuilder, journeySettings, mergeJourneys, type JourneyRows, type JourneySettings, type Journeys } from "../../../src/engines/attribution/stream/index.js";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** One observed event as a test writes it; arrival defaults to the event time. */
export interface TestEvent {
  readonly id: number;
  readonly time: number;
  readonly arrival?: number;
  readonly kind: keyof typeof Kind;
  readonly channel: keyof typeof Channel;
  readonly user?: number;
  readonly brand?: number;
  readonly note?: number;
  readonly clickId?: number;
  readonly value?: number;
  readonly duplicate?: 0 | 1;
}

export const touch = (id: number, day: number, channel: keyof typeof Channel = "organic_feed", extra: Partial<TestEvent> = {}): TestEvent => ({
  id,
  time: day * DAY,
  kind: channel === "search" ? "search" : channel === "ad" ? "ad_click" : channel === "link" ? "link_click" : "read",
  channel,
  ...extra,
});

export const purchase = (id: number, day: number, extra: Partial<TestEvent> = {}): TestEvent => ({
  id,
  time: day * DAY,
  kind: "purchase",
  channel: "link",
  value: 100,
  ...extra,
});

/** Columns of `events` in delivery order: by (arrival, id, duplicate). */
export function rowsOf(events: readonly TestEvent[]): JourneyRows {
  const sorted = [...events].sort(
    (a, b) => (a.arrival ?? a.time) - (b.arrival ?? b.time) || a.id - b.id || (a.duplicate ?? 0) - (b.duplicate ?? 0),
  );
  const col = <T extends Float64Array | Uint32Array | Uint8Array | Float32Array>(ctor: { from(a: number[]): T }, f: (e: TestEvent) => number): T =>
    ctor.from(sorted.map(f));
  return {
    length: sorted.length,
    id: col(Float64Array, (e) => e.id),
    time: col(Float64Array, (e) => e.time),
    arrival: col(Float64Array, (e) => e.arrival ?? e.time),
    kind: col(Uint8Array, (e) => Kind[e.kind]),
    user: col(Uint32Array, (e) => e.user ?? 1),
    brand: col(Uint32Array, (e) => e.brand ?? 2),
    note: col(Uint32Array, (e) => e.note ?? NONE),
    channel: col(Uint8Array, (e) => Channel[e.channel]),
    clickId: col(Float64Array, (e) => e.clickId ?? 0),
    value: col(Float32Array, (e) => e.value ?? 0),
  };
}

/** Feeds the events (in delivery order) to one builder, `batch` rows at a time, and merges. */
export function journeysOf(events: readonly TestEvent[], settings: Partial<JourneySettings> = {}, batch = Infinity): Journeys {
  const builder = new JourneyBuilder(journeySettings(settings));
  const rows = rowsOf(events);
  for (let start = 0; start < rows.length; start += batch) {
    const end = Math.min(rows.length, start + batch);
    builder.consume(slice(rows, start, end));
  }
  return mergeJourneys([builder.finish()]);
}

function slice(rows: JourneyRows, start: number, end: number): JourneyRows {
  const out: Record<string, unknown> = { length: end - start };
  for (const [name, column] of Object.entries(rows)) {
    if (typeof column !== "number") out[name] = (column as Float64Array).subarray(start, end);
  }
  return out as unknown as JourneyRows;
}

/** Converting paths as channel-name lists, in the table's canonical order. */
export function convertingPaths(journeys: Journeys): string[][] {
  const { table } = journeys;
  return table.paths.slice(0, journeys.convertingRows).map((path) => Array.from(path, (c) => table.channels[c]!));
}

/** Null paths as `a>b` keys with their journey counts. */
export function nullPaths(journeys: Journeys): Record<string, number> {
  const { table } = journeys;
  const out: Record<string, number> = {};
  for (let r = journeys.convertingRows; r < table.paths.length; r++) {
    out[Array.from(table.paths[r]!, (c) => table.channels[c]!).join(">")] = table.nulls[r]!;
  }
  return out;
}
