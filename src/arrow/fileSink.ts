import { createHash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { RecordBatchFileWriter, type Schema } from "apache-arrow";
import { makeRecordBatch, type ColumnSpec, type ColumnValues } from "./columns.js";

/** What a finished file reports into run.json. */
export interface WrittenFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Streams record batches into one Arrow IPC *file* and hashes the bytes on the way out.
 * Writes wait for the disk stream to drain, so memory holds at most a batch or two.
 */
export class ArrowFileSink {
  private readonly writer = new RecordBatchFileWriter();
  private readonly out: WriteStream;
  private readonly hash = createHash("sha256");
  private readonly done: Promise<void>;
  private rows = 0;
  private bytes = 0;

  constructor(
    readonly path: string,
    private readonly schema: Schema,
    private readonly specs: readonly ColumnSpec[],
  ) {
    this.out = createWriteStream(path);
    const stream = this.writer.toNodeStream();
    stream.on("data", (chunk: Uint8Array) => {
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
      if (!this.out.write(chunk)) {
        stream.pause();
        this.out.once("drain", () => stream.resume());
      }
    });
    this.done = new Promise((resolve, reject) => {
      stream.once("end", () => this.out.end());
      stream.once("error", reject);
      this.out.once("error", reject);
      this.out.once("finish", () => resolve());
    });
  }

  /** Appends one record batch made of `columns` (each at least `n` long). */
  async write(columns: Record<string, ColumnValues>, n: number): Promise<void> {
    if (n === 0) return;
    this.writer.write(makeRecordBatch(this.schema, this.specs, columns, n));
    this.rows += n;
    if (this.out.writableNeedDrain) await once(this.out, "drain");
  }

  async close(): Promise<WrittenFile> {
    // A file with no rows still gets its schema.
    if (this.rows === 0) this.writer.reset(undefined, this.schema);
    this.writer.finish();
    await this.done;
    return { path: this.path, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest("hex") };
  }
}

/** Writes a whole table (columns of equal length) as one file in `chunkRows`-row batches. */
export async function writeArrowFile(
  path: string,
  schema: Schema,
  specs: readonly ColumnSpec[],
  columns: Record<string, ColumnValues>,
  rows: number,
  chunkRows = 1 << 16,
): Promise<WrittenFile> {
  const sink = new ArrowFileSink(path, schema, specs);
  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    const slice: Record<string, ColumnValues> = {};
    for (const [name, values] of Object.entries(columns)) slice[name] = sliceValues(values, start, end);
    await sink.write(slice, end - start);
  }
  return sink.close();
}

function sliceValues(values: ColumnValues, start: number, end: number): ColumnValues {
  if (Array.isArray(values)) return values.slice(start, end) as ColumnValues;
  const typed = values as unknown as Float64Array;
  if (typeof typed.subarray === "function") return typed.subarray(start, end);
  return Array.prototype.slice.call(values, start, end) as number[];
}
