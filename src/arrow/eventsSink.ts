import { allocateColumns, copyRows, sliceBatch, type EventBatch, type EventColumns } from "../events/batch.js";
import { makeSchema, type RunIdentity } from "./columns.js";
import { ArrowFileSink, type WrittenFile } from "./fileSink.js";
import { EVENT_SPECS } from "./schemas/events.js";

/** Rows per record batch in events part files. Fixed, so file bytes never depend on pipeline batch size. */
export const EVENTS_CHUNK_ROWS = 1 << 16;

/** Writes an events part file, re-chunking incoming batches into fixed-size record batches. */
export class EventsPartSink {
  private readonly sink: ArrowFileSink;
  private buffer: EventColumns = allocateColumns(EVENTS_CHUNK_ROWS);
  private filled = 0;

  constructor(path: string, identity: RunIdentity, shard: number) {
    this.sink = new ArrowFileSink(path, makeSchema(EVENT_SPECS, identity, { "zhongcao.shard": String(shard) }), EVENT_SPECS);
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
