import { ByteBuffer } from "flatbuffers";

/**
 * A minimal, independent reader of the Arrow IPC *file* layout, written from the format
 * specification (File.fbs, Message.fbs, Schema.fbs) on top of the flatbuffers runtime only.
 * It does not use apache-arrow's reader, so it can catch files that only our own library
 * would accept: magic bytes, footer, schema field names, and per-batch row counts taken
 * from each record batch message.
 */
export interface IpcFileLayout {
  readonly fieldNames: string[];
  /** Each field's custom metadata (Field.custom_metadata), in field order. */
  readonly fieldMetadata: Record<string, string>[];
  readonly metadata: Record<string, string>;
  readonly batchRows: number[];
  readonly dictionaryBatches: number;
}

const MAGIC = "ARROW1";

function field(bb: ByteBuffer, table: number, index: number): number {
  return bb.__offset(table, 4 + 2 * index);
}

function table(bb: ByteBuffer, table: number, index: number): number | null {
  const o = field(bb, table, index);
  return o === 0 ? null : bb.__indirect(table + o);
}

function tables(bb: ByteBuffer, t: number, index: number): number[] {
  const o = field(bb, t, index);
  if (o === 0) return [];
  const start = bb.__vector(t + o);
  return Array.from({ length: bb.__vector_len(t + o) }, (_, i) => bb.__indirect(start + 4 * i));
}

function str(bb: ByteBuffer, t: number, index: number): string {
  const o = field(bb, t, index);
  return o === 0 ? "" : (bb.__string(t + o) as string);
}

export function readIpcFileLayout(bytes: Uint8Array): IpcFileLayout {
  const text = (a: number, b: number) => Buffer.from(bytes.subarray(a, b)).toString("latin1");
  if (text(0, 6) !== MAGIC) throw new Error("missing leading ARROW1 magic");
  if (text(bytes.length - 6, bytes.length) !== MAGIC) throw new Error("missing trailing ARROW1 magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getInt32(bytes.length - 10, true);
  const footerStart = bytes.length - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8) throw new Error(`bad footer length ${footerLength}`);
  const footer = new ByteBuffer(bytes.subarray(footerStart, footerStart + footerLength));
  const root = footer.readInt32(footer.position()) + footer.position();

  const schema = table(footer, root, 1);
  if (schema === null) throw new Error("footer has no schema");
  const keyValues = (t: number, index: number) => Object.fromEntries(tables(footer, t, index).map((kv) => [str(footer, kv, 0), str(footer, kv, 1)]));
  const fields = tables(footer, schema, 1);
  const fieldNames = fields.map((f) => str(footer, f, 0));
  // Field: name 0, nullable 1, type_type 2, type 3, dictionary 4, children 5, custom_metadata 6.
  const fieldMetadata = fields.map((f) => keyValues(f, 6));
  const metadata = keyValues(schema, 2);

  // Block structs: offset int64, metaDataLength int32 (+4 padding), bodyLength int64.
  const blocks = (index: number) => {
    const o = field(footer, root, index);
    if (o === 0) return [];
    const start = footer.__vector(root + o);
    return Array.from({ length: footer.__vector_len(root + o) }, (_, i) => Number(footer.readInt64(start + 24 * i)));
  };
  const batchRows = blocks(3).map((offset) => {
    if (view.getUint32(offset, true) !== 0xffffffff) throw new Error(`no continuation marker at ${offset}`);
    const length = view.getInt32(offset + 4, true);
    const message = new ByteBuffer(bytes.subarray(offset + 8, offset + 8 + length));
    const msg = message.readInt32(message.position()) + message.position();
    const headerTypeOffset = field(message, msg, 1);
    const headerType = headerTypeOffset === 0 ? 0 : message.readUint8(msg + headerTypeOffset);
    if (headerType !== 3) throw new Error(`block at ${offset} is not a RecordBatch message (type ${headerType})`);
    const header = table(message, msg, 2)!;
    const lengthOffset = field(message, header, 0);
    return lengthOffset === 0 ? 0 : Number(message.readInt64(header + lengthOffset));
  });
  return { fieldNames, fieldMetadata, metadata, batchRows, dictionaryBatches: blocks(2).length };
}
