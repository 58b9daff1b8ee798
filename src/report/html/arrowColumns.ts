import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { DataType, Message, Precision, Type, type Field, type Schema } from "apache-arrow";
import { Footer, type FileBlock } from "apache-arrow/ipc/metadata/file";

/** A fixed-width column as read: 64-bit integers and timestamps become float64 (exact below 2^53). */
export type ColumnArray = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

interface BatchLayout {
  readonly rows: number;
  /** File position of each buffer, in batch order. */
  readonly buffers: readonly { readonly at: number; readonly length: number }[];
}

interface ColumnLayout {
  /** Index of the column's value buffer within a batch. */
  readonly buffer: number;
  readonly width: number;
  readonly decode: (bytes: Uint8Array<ArrayBuffer>, rows: number) => ColumnArray;
}

const FOOTER_TAIL = 4 + "ARROW1".length;

/**
 * Reads single columns — or single values — of an Arrow IPC file without reading the rest
 * of each record batch. The report needs four narrow columns of events parts that are
 * gigabytes wide. Reads are synchronous: they are many and small, and an async read's
 * thread-pool round trip costs several times the read itself.
 */
export class ArrowColumnFile {
  private readonly layouts = new Map<number, BatchLayout>();
  private readonly columns = new Map<string, ColumnLayout>();

  private constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly schema: Schema,
    private readonly blocks: readonly FileBlock[],
  ) {}

  static open(path: string): ArrowColumnFile {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      const tail = read(fd, size - FOOTER_TAIL, FOOTER_TAIL);
      const length = new DataView(tail.buffer).getInt32(0, true);
      const footer = Footer.decode(read(fd, size - FOOTER_TAIL - length, length));
      return new ArrowColumnFile(path, fd, footer.schema, [...footer.recordBatches()]);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get batchCount(): number {
    return this.blocks.length;
  }

  rows(batch: number): number {
    return this.layout(batch).rows;
  }

  /** One column of one record batch. */
  column(batch: number, name: string): ColumnArray {
    const c = this.columnLayout(name);
    const layout = this.layout(batch);
    const region = layout.buffers[c.buffer]!;
    return c.decode(read(this.fd, region.at, Math.min(region.length, layout.rows * c.width)), layout.rows);
  }

  /** The values of a column at the given rows of one batch, as float64. */
  valuesAt(batch: number, name: string, rows: ArrayLike<number>): Float64Array {
    const c = this.columnLayout(name);
    const region = this.layout(batch).buffers[c.buffer]!;
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = c.decode(read(this.fd, region.at + rows[i]! * c.width, c.width), 1)[0]!;
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }

  private layout(batch: number): BatchLayout {
    let layout = this.layouts.get(batch);
    if (layout) return layout;
    const block = this.blocks[batch];
    if (block === undefined) throw new Error(`${this.path}: no record batch ${batch}`);
    const meta = read(this.fd, block.offset, block.metaDataLength);
    const message = Message.decode(meta.subarray(metadataPrefix(meta)));
    if (!message.isRecordBatch()) throw new Error(`${this.path}: block ${batch} is not a record batch`);
    const header = message.header();
    if (header.compression !== null) throw new Error(`${this.path}: compressed record batches are not supported`);
    const body = block.offset + block.metaDataLength;
    layout = { rows: header.length, buffers: header.buffers.map((b) => ({ at: body + b.offset, length: b.length })) };
    this.layouts.set(batch, layout);
    return layout;
  }

  private columnLayout(name: string): ColumnLayout {
    let c = this.columns.get(name);
    if (c) return c;
    const fields = this.schema.fields;
    const index = fields.findIndex((f) => f.name === name);
    if (index < 0) throw new Error(`${this.path}: no column ${name}`);
    let buffer = 0;
    for (let i = 0; i < index; i++) buffer += bufferCount(fields[i]!, this.path);
    // Buffer 0 of a fixed-width column is its validity bitmap, buffer 1 its values.
    c = { buffer: buffer + 1, ...decoderFor(fields[index]!, this.path) };
    this.columns.set(name, c);
    return c;
  }
}

/** Whole columns of a file, concatenated over its batches. */
export function readColumns<K extends string>(path: string, names: readonly K[]): { columns: Record<K, ColumnArray>; rows: number } {
  const file = ArrowColumnFile.open(path);
  try {
    const parts = Array.from({ length: file.batchCount }, (_, b) => names.map((name) => file.column(b, name)));
    const rows = parts.reduce((n, p) => n + (p[0]?.length ?? 0), 0);
    const columns = Object.fromEntries(names.map((name, i) => [name, concat(parts.map((p) => p[i]!), rows)])) as Record<K, ColumnArray>;
    return { columns, rows };
  } finally {
    file.close();
  }
}

/** Into a fresh ArrayBuffer, so typed views over it are aligned. */
function read(fd: number, position: number, length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  if (readSync(fd, out, 0, length, position) !== length) throw new Error(`short read at ${position}`);
  return out;
}

/** Bytes before a message's flatbuffer: continuation marker and length, or (pre-1.0 files) the length alone. */
function metadataPrefix(meta: Uint8Array<ArrayBuffer>): number {
  return new DataView(meta.buffer).getInt32(0, true) === -1 ? 8 : 4;
}

function bufferCount(field: Field, path: string): number {
  const t = field.type as DataType;
  if (DataType.isUtf8(t) || DataType.isBinary(t)) return 3;
  if (DataType.isDictionary(t) || DataType.isInt(t) || DataType.isFloat(t) || DataType.isTimestamp(t) || DataType.isBool(t)) return 2;
  throw new Error(`${path}: column ${field.name} (${Type[t.typeId]}) has a layout this reader does not walk`);
}

function decoderFor(field: Field, path: string): Omit<ColumnLayout, "buffer"> {
  const declared = field.type as DataType;
  const t: DataType = DataType.isDictionary(declared) ? (declared.indices as DataType) : declared;
  if (DataType.isTimestamp(t)) return { width: 8, decode: int64(true) };
  if (DataType.isInt(t)) {
    if (t.bitWidth === 64) return { width: 8, decode: int64(t.isSigned) };
    const ctor = { 8: t.isSigned ? Int8Array : Uint8Array, 16: t.isSigned ? Int16Array : Uint16Array, 32: t.isSigned ? Int32Array : Uint32Array }[t.bitWidth];
    return { width: t.bitWidth / 8, decode: (bytes, rows) => new ctor(bytes.buffer, 0, rows) };
  }
  if (DataType.isFloat(t) && t.precision !== Precision.HALF) {
    const ctor = t.precision === Precision.SINGLE ? Float32Array : Float64Array;
    return { width: ctor.BYTES_PER_ELEMENT, decode: (bytes, rows) => new ctor(bytes.buffer, 0, rows) };
  }
  throw new Error(`${path}: column ${field.name} (${Type[declared.typeId]}) is not a fixed-width number`);
}

/** Little-endian 64-bit integers as float64, from their 32-bit halves (no BigInt per row). */
function int64(signed: boolean): ColumnLayout["decode"] {
  return (bytes, rows) => {
    const low = new Uint32Array(bytes.buffer, 0, 2 * rows);
    const high = signed ? new Int32Array(bytes.buffer, 0, 2 * rows) : low;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = low[2 * i]! + high[2 * i + 1]! * 0x1_0000_0000;
    return out;
  };
}

function concat(parts: ColumnArray[], rows: number): ColumnArray {
  const first = parts[0];
  if (first === undefined) return new Float64Array(0);
  if (parts.length === 1) return first;
  const out = new (first.constructor as new (n: number) => ColumnArray)(rows);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
