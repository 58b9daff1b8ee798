import { CHANNELS } from "../../../events/enums.js";
import type { PathTable } from "../types.js";
import { emptyCounts, type JourneyCounts, type JourneyPartial } from "./journeyLog.js";

/** A path table built from events: every row has touch times and click ids. */
export type TimedPathTable = PathTable & Required<Pick<PathTable, "touchTimes" | "clickIds" | "conversionTimes" | "conversionClickIds">>;

/** Journeys of every shard as one path table, plus what the per-note breakdown needs. */
export interface Journeys {
  /** Converting journeys first (rows [0, convertingRows)), then one row per null path. */
  readonly table: TimedPathTable;
  readonly convertingRows: number;
  /** Per converting row: the note of each touch (NONE for a search). */
  readonly notes: readonly Uint32Array[];
  readonly counts: JourneyCounts;
}

/**
 * Merges shard partials (in shard order) into one path table with a canonical
 * row order: converting journeys by (conversion time, conversion id), null paths
 * by key. Results then depend only on which journeys were closed, not on the
 * order in which the builder closed them. Channels are the touch channels that
 * occur, in enum order.
 */
export function mergeJourneys(partials: readonly JourneyPartial[]): Journeys {
  const counts = emptyCounts();
  const converting: { partial: JourneyPartial; row: number }[] = [];
  const nulls = new Map<string, number>();
  for (const partial of partials) {
    for (const key of Object.keys(counts) as (keyof JourneyCounts)[]) counts[key] += partial.counts[key];
    const c = partial.converted;
    for (let row = 0; row < c.conversionId.length; row++) converting.push({ partial, row });
    partial.nullPaths.forEach((key, i) => nulls.set(key, (nulls.get(key) ?? 0) + partial.nullCounts[i]!));
  }
  converting.sort((a, b) => {
    const A = a.partial.converted;
    const B = b.partial.converted;
    return A.conversionTime[a.row]! - B.conversionTime[b.row]! || A.conversionId[a.row]! - B.conversionId[b.row]!;
  });
  const nullKeys = [...nulls.keys()].sort();
  const nullPaths = nullKeys.map((key) => key.split(">").map(Number));

  const used = new Uint8Array(CHANNELS.length);
  for (const partial of partials) for (const code of partial.converted.channel) used[code] = 1;
  for (const path of nullPaths) for (const code of path) used[code] = 1;
  const channelOf = new Int32Array(CHANNELS.length).fill(-1);
  const channels: string[] = [];
  CHANNELS.forEach((name, code) => {
    if (used[code] === 1) channelOf[code] = channels.push(name) - 1;
  });
  const toChannels = (codes: ArrayLike<number>): Uint32Array => Uint32Array.from(codes, (code) => channelOf[code]!);

  const rows = converting.length + nullKeys.length;
  const paths: Uint32Array[] = [];
  const touchTimes: Float64Array[] = [];
  const clickIds: Float64Array[] = [];
  const notes: Uint32Array[] = [];
  const conversions = new Float64Array(rows);
  const value = new Float64Array(rows);
  const nullCounts = new Float64Array(rows);
  const conversionTimes = new Float64Array(rows);
  const conversionClickIds = new Float64Array(rows);
  converting.forEach(({ partial, row }, r) => {
    const c = partial.converted;
    const from = c.offsets[row]!;
    const to = c.offsets[row + 1]!;
    paths.push(toChannels(c.channel.subarray(from, to)));
    touchTimes.push(c.time.slice(from, to));
    clickIds.push(c.clickId.slice(from, to));
    notes.push(c.note.slice(from, to));
    conversions[r] = 1;
    value[r] = c.value[row]!;
    conversionTimes[r] = c.conversionTime[row]!;
    conversionClickIds[r] = c.conversionClickId[row]!;
  });
  nullKeys.forEach((key, i) => {
    const r = converting.length + i;
    const path = toChannels(nullPaths[i]!);
    paths.push(path);
    // Null rows credit nothing, so their times and click ids are never read.
    touchTimes.push(new Float64Array(path.length));
    clickIds.push(new Float64Array(path.length));
    nullCounts[r] = nulls.get(key)!;
  });
  return {
    table: { channels, paths, conversions, value, nulls: nullCounts, touchTimes, clickIds, conversionTimes, conversionClickIds },
    convertingRows: converting.length,
    notes,
    counts,
  };
}
