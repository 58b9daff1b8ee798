import { allocateColumns, copyRows, sliceBatch, type EventBatch, type EventColumns } from "../events/batch.js";
import { makeSchema, type RunIdentity } from "./columns.js";
import { ArrowFileSink, type WrittenFile } from "./fileSink.js";
import { EVENT_SPECS } from "./schemas/events.js";

/** Schema metadata key of an events part's variant. */
export const PART_VARIANT_KEY = "zhongcao.variant";
/** Schema metadata key of an events part's shard index. */
export const SHARD_KEY = "zhongcao.shard";
/** Schema metadata key of the cid window the run attributed with (its policy's passback window), in days. */
export const CID_WINDOW_KEY = "zhongcao.cid_window_days";

/**
 * What, beyond the scenario file and seed, decides a run's events: flag overrides and the
 * shard size change who is simulated and for how long, and a twin run removes a channel.
 * Parts of one run share it; `attribute` refuses to mix parts that do not.
 */
export function partVariant(users: number, days: number, shardUsers: number, removedChannel: string | null): string {
  return `users ${users}, days ${days}, shard users ${shardUsers}, removed channel ${removedChannel ?? "none"}`;
}

/** How many shards the run of a part with this variant had (⌈users / shard users⌉), if it says. */
export function shardCountOfVariant(variant: string): number | undefined {
  const size = /^users (\d+), days \d+, shard users (\d+),/.exec(variant);
  return size ? Math.ceil(Number(size[1]) / Number(size[2])) : undefined;
}

/** The events part file of a shard: `events/part-NNNNN.arrow`. */
export function partFileName(shard: number): string {
  return `part-${String(shard).padStart(5, "0")}.arrow`;
}

/** Rows per record batch in events part files. Fixed, so file bytes never depend on pipeline batch size. */
export const EVENTS_CHUNK_ROWS = 1 << 16;

/** Writes an events part file, re-chunking incoming batches into fixed-size record batches. */
export class EventsPartSink {
  private readonly sink: ArrowFileSink;
  private buffer: EventColumns = allocateColumns(EVENTS_CHUNK_ROWS);
  private filled = 0;

  /**
   * `variant`: what makes this run's parts differ from another run of the same scenario file
   * and seed (see partVariant); `cidWindowDays`: the run's cid window, so `attribute` over the
   * parts credits as the run did.
   */
  constructor(path: string, identity: RunIdentity, shard: number, variant = "", cidWindowDays?: number) {
    const metadata = { [SHARD_KEY]: String(shard), [PART_VARIANT_KEY]: variant, ...(cidWindowDays === undefined ? {} : { [CID_WINDOW_KEY]: String(cidWindowDays) }) };
    this.sink = new ArrowFileSink(path, makeSchema(EVENT_SPECS, identity, metadata), EVENT_SPECS);
  }

  async write(batch: EventBatch): Promise<void> {
    let start = 0;
    while (start < batch.length) {
      const take = Math.min(batch.length - start, EVENTS_CHUNK_ROWS - this.filled);
      copyRows(sliceBatch(batch, start, start + take), this.buffer, this.filled);
      this.filled += take;
      start += take;
      if (this.filled === EVENTS_CHUNK_ROWS) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const full = this.buffer;
    // The Arrow writer may still hold views of these columns, so the next chunk gets fresh memory.
    this.buffer = allocateColumns(EVENTS_CHUNK_ROWS);
    const rows = this.filled;
    this.filled = 0;
    await this.sink.write(full, rows);
  }

  async close(): Promise<WrittenFile> {
    if (this.filled > 0) await this.flush();
    return this.sink.close();
  }
}
