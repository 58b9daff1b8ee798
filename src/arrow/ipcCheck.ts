import type { FileHandle } from "node:fs/promises";
import { DataType, type Data, type RecordBatch } from "apache-arrow";
import { ByteBuffer } from "flatbuffers";
import { DictionaryBatch as FbDictionaryBatch } from "apache-arrow/fb/dictionary-batch";
import type { Field as FbField } from "apache-arrow/fb/field";
import { Footer as FbFooter } from "apache-arrow/fb/footer";
import { Message as FbMessage } from "apache-arrow/fb/message";
import { MessageHeader } from "apache-arrow/fb/message-header";
import { RecordBatch as FbRecordBatch } from "apache-arrow/fb/record-batch";
import { Schema as FbSchema } from "apache-arrow/fb/schema";

/**
 * Checks the framing of an Arrow IPC file or stream before apache-arrow reads it.
 *
 * The reader trusts what it reads. A damaged byte in a vector length makes it loop over
 * billions of field nodes or fields; a footer block that points at anything but a record
 * batch makes it read that block again and again, without end. So every message is walked
 * once here: its length must fit the file, every vector in its metadata must fit the
 * metadata, and each footer block must point at a message of the kind it names. Each read
 * is small (a message's metadata, never its body), so a file of any size checks fast.
 */
export class CorruptIpc extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "CorruptIpc";
  }
}

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
/** The magic and 2 bytes of padding open a file; the footer's int32 length and the magic close it. */
const FILE_HEAD = 8;
const FILE_TAIL = 4 + MAGIC.length;
/** Since Arrow 0.15 a message's length follows a 0xFFFFFFFF marker; older streams have none. */
const CONTINUATION = -1;
/** One read takes in the length prefix and, for nearly every message, all its metadata. */
const FIRST_READ = 4096;
/** Fields nest this deep at most (deeper means a damaged offset points back up the tree). */
const MAX_DEPTH = 64;
/** Bytes per vector element: a table offset, a footer block, a field node or buffer, an int64. */
const OFFSET = 4;
const BLOCK = 24;
const NODE = 16;
const INT64 = 8;

/** A read of `length` bytes at `at`; the answer may be shorter at the end of the input. */
interface Read {
  readonly at: number;
  readonly length: number;
}
/** What the walk found: how many record batches the input holds. */
interface Layout {
  readonly recordBatches: number;
}
type Walk = Generator<Read, Layout, Uint8Array>;

function fits(count: number, bytesEach: number, limit: number, what: string): void {
  if (!(count >= 0 && count * bytesEach <= limit)) throw new CorruptIpc(`${what}: ${count} entries cannot fit in ${limit} bytes`);
}

function int32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(at, true);
}

function hasMagic(bytes: Uint8Array, at: number): boolean {
  return bytes.byteLength >= at + MAGIC.length && MAGIC.every((b, i) => bytes[at + i] === b);
}

/** `count` fields (a schema's or a field's children), each named, nested at most MAX_DEPTH deep. */
function checkFields(count: number, fieldAt: (i: number) => FbField | null, limit: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new CorruptIpc("fields nest deeper than any schema");
  fits(count, OFFSET, limit, "schema fields");
  for (let i = 0; i < count; i++) {
    const field = fieldAt(i);
    if (field === null || field.name() === null) throw new CorruptIpc("a field of the schema has no name");
    fits(field.customMetadataLength(), OFFSET, limit, "field metadata");
    checkFields(field.childrenLength(), (c) => field.children(c), limit, depth + 1);
  }
}

function checkSchema(schema: FbSchema | null, limit: number): void {
  if (schema === null) throw new CorruptIpc("a schema is missing");
  fits(schema.customMetadataLength(), OFFSET, limit, "schema metadata");
  fits(schema.featuresLength(), INT64, limit, "schema features");
  checkFields(schema.fieldsLength(), (i) => schema.fields(i), limit, 0);
}

/**
 * A batch's vectors fit its metadata, its buffers fit its body, and its first field has
 * the batch's length (a top-level field always has it). The reader takes a batch's
 * length from the header alone: a damaged length would read billions of rows from a few
 * thousand values.
 */
function checkBatch(batch: FbRecordBatch | null, limit: number, bodyLength: number): void {
  if (batch === null) throw new CorruptIpc("a record batch header is missing");
  fits(batch.nodesLength(), NODE, limit, "record batch field nodes");
  fits(batch.buffersLength(), NODE, limit, "record batch buffers");
  fits(batch.variadicBufferCountsLength(), INT64, limit, "record batch variadic counts");
  for (let i = 0; i < batch.buffersLength(); i++) {
    const buffer = batch.buffers(i);
    if (buffer === null || buffer.offset() < 0n || buffer.length() < 0n || Number(buffer.offset() + buffer.length()) > bodyLength) {
      throw new CorruptIpc(`a record batch buffer does not fit its ${bodyLength}-byte body`);
    }
  }
  const first = batch.nodesLength() > 0 ? batch.nodes(0) : null;
  if (first !== null && first.length() !== batch.length()) {
    throw new CorruptIpc(`a record batch of ${batch.length()} rows whose first field has ${first.length()}`);
  }
}

/** Checks one message's metadata; returns its kind and body length. */
function checkMessage(metadata: Uint8Array): { header: MessageHeader; bodyLength: number } {
  const limit = metadata.byteLength;
  const message = FbMessage.getRootAsMessage(new ByteBuffer(metadata));
  fits(message.customMetadataLength(), OFFSET, limit, "message metadata");
  const bodyLength = Number(message.bodyLength());
  if (!(bodyLength >= 0)) throw new CorruptIpc(`a message with a body of ${bodyLength} bytes`);
  const header = message.headerType();
  if (header === MessageHeader.Schema) checkSchema(message.header(new FbSchema()) as FbSchema | null, limit);
  else if (header === MessageHeader.RecordBatch) checkBatch(message.header(new FbRecordBatch()) as FbRecordBatch | null, limit, bodyLength);
  else if (header === MessageHeader.DictionaryBatch) checkBatch((message.header(new FbDictionaryBatch()) as FbDictionaryBatch | null)?.data() ?? null, limit, bodyLength);
  else throw new CorruptIpc(`a message of unknown type ${header}`);
  return { header, bodyLength };
}

/**
 * A decoded batch whose columns hold fewer values than its length (a damaged field node
 * or buffer length the framing check cannot see without the schema), or whose strings point
 * outside their bytes. Fixed-width columns must hold `length × stride`
 * values past their offset, variable-width ones `length + 1` offsets, and a null bitmap in use
 * a bit a row.
 */
export function checkDecodedBatch(batch: RecordBatch): void {
  for (const [i, data] of batch.data.children.entries()) {
    if (!holdsItsRows(data, batch.numRows)) throw new CorruptIpc(`a record batch of ${batch.numRows} rows holds fewer values than that`);
    if (!stringsInRange(data)) throw new CorruptIpc(`column ${batch.schema.fields[i]?.name ?? i} has string offsets out of range`);
  }
}

/** The column holds `rows` values past its offset (see checkDecodedBatch). */
function holdsItsRows(data: Data, rows: number): boolean {
  const end = data.offset + data.length;
  // `values` is typed by the column's type, unknown here: only its length is read.
  const values = data.values as ArrayLike<unknown> & { byteLength: number } | undefined;
  const t = data.type;
  let enough = data.length === rows;
  if (DataType.isUtf8(t) || DataType.isBinary(t)) enough &&= ((data.valueOffsets as ArrayLike<number> | undefined)?.length ?? 0) >= end + 1;
  else if (DataType.isBool(t)) enough &&= (values?.byteLength ?? 0) * 8 >= end;
  else if (DataType.isInt(t) || DataType.isFloat(t) || DataType.isTimestamp(t) || DataType.isDate(t) || DataType.isTime(t) || DataType.isDictionary(t) || DataType.isDecimal(t)) {
    enough &&= (values?.length ?? 0) >= end * data.stride;
  }
  if (data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.byteLength > 0) enough &&= data.nullBitmap.byteLength * 8 >= end;
  return enough;
}

/**
 * String offsets that run backwards or past the column's bytes, in the column or in its
 * dictionary: damage inside a column that decodes without an error, into wrong strings (a
 * category read as "") rather than a failure. (Dictionary keys past the dictionary decode
 * as undefined, which the readers of event parts name row by row.)
 */
function stringsInRange(data: Data): boolean {
  const t = data.type;
  if (DataType.isUtf8(t) || DataType.isBinary(t)) {
    const end = data.offset + data.length;
    const offsets = data.valueOffsets as ArrayLike<number>;
    const bytes = (data.values as { byteLength: number } | undefined)?.byteLength ?? 0;
    if (end > data.offset && (offsets[data.offset]! < 0 || offsets[end]! > bytes)) return false;
    for (let i = data.offset; i < end; i++) if (offsets[i]! > offsets[i + 1]!) return false;
  } else if (DataType.isDictionary(t) && data.dictionary !== undefined) {
    for (const chunk of data.dictionary.data as Data[]) if (!stringsInRange(chunk)) return false;
  }
  return true;
}

interface Block {
  readonly offset: number;
  readonly metaDataLength: number;
  readonly bodyLength: number;
  readonly header: MessageHeader;
}

/** The blocks a file's footer lists, after checking the footer itself. */
function* readFooter(size: number): Generator<Read, { blocks: Block[]; dataEnd: number }, Uint8Array> {
  if (size < FILE_HEAD + FILE_TAIL) throw new CorruptIpc(`${size} bytes is too short for a file`);
  const tail = yield { at: size - FILE_TAIL, length: FILE_TAIL };
  if (!hasMagic(tail, 4)) throw new CorruptIpc("the closing ARROW1 is missing");
  const footerLength = int32(tail, 0);
  const dataEnd = size - FILE_TAIL - footerLength;
  if (!(footerLength > 0 && dataEnd >= FILE_HEAD)) throw new CorruptIpc(`a footer of ${footerLength} bytes does not fit the file`);
  const bytes = yield { at: dataEnd, length: footerLength };
  const footer = FbFooter.getRootAsFooter(new ByteBuffer(bytes));
  checkSchema(footer.schema(), footerLength);
  fits(footer.customMetadataLength(), OFFSET, footerLength, "footer metadata");
  fits(footer.recordBatchesLength(), BLOCK, footerLength, "footer record batches");
  fits(footer.dictionariesLength(), BLOCK, footerLength, "footer dictionaries");
  const blocks: Block[] = [];
  const add = (b: { offset(): bigint; metaDataLength(): number; bodyLength(): bigint } | null, header: MessageHeader) => {
    if (b === null) throw new CorruptIpc("a footer block is missing");
    blocks.push({ offset: Number(b.offset()), metaDataLength: b.metaDataLength(), bodyLength: Number(b.bodyLength()), header });
  };
  for (let i = 0; i < footer.dictionariesLength(); i++) add(footer.dictionaries(i), MessageHeader.DictionaryBatch);
  for (let i = 0; i < footer.recordBatchesLength(); i++) add(footer.recordBatches(i), MessageHeader.RecordBatch);
  return { blocks, dataEnd };
}

const NOT_IPC = "neither an Arrow file (no ARROW1 at the start) nor an Arrow stream";

/** An end-of-stream marker of `endOfStream` bytes. */
interface EndOfStream {
  readonly endOfStream: number;
}

/**
 * The message at `pos`, checked to end by `dataEnd`, or an end-of-stream marker.
 * A stream's first message must be its schema (a file has its schema in the footer, and
 * apache-arrow writes it only there); input that fails there is not Arrow at all.
 */
function* readMessage(pos: number, dataEnd: number, streamStart: boolean): Generator<Read, Block | EndOfStream, Uint8Array> {
  const corrupt = (detail: string) => new CorruptIpc(streamStart ? NOT_IPC : `the message at byte ${pos} ${detail}`);
  let bytes = yield { at: pos, length: Math.min(FIRST_READ, dataEnd - pos) };
  const prefix = bytes.byteLength >= 4 && int32(bytes, 0) === CONTINUATION ? 8 : 4;
  if (bytes.byteLength < prefix) throw corrupt("is cut short");
  const length = int32(bytes, prefix - 4);
  if (length === 0) return { endOfStream: prefix };
  if (!(length > 0 && pos + prefix + length <= dataEnd)) throw corrupt(`claims ${length} bytes of metadata`);
  if (bytes.byteLength < prefix + length) bytes = yield { at: pos, length: prefix + length };
  let header: MessageHeader;
  let bodyLength: number;
  try {
    ({ header, bodyLength } = checkMessage(bytes.subarray(prefix, prefix + length)));
  } catch (error) {
    throw streamStart && error instanceof CorruptIpc ? corrupt("") : error;
  }
  if (streamStart && header !== MessageHeader.Schema) throw corrupt("is not a schema");
  if (pos + prefix + length + bodyLength > dataEnd) throw corrupt(`claims a ${bodyLength}-byte body past the end of the data`);
  return { offset: pos, metaDataLength: prefix + length, bodyLength, header };
}

/** Walks the input's messages (and, in a file, its footer), asking for the bytes it needs. */
function* walk(size: number): Walk {
  const head = yield { at: 0, length: Math.min(size, FILE_HEAD) };
  const isFile = hasMagic(head, 0);
  const { blocks, dataEnd } = isFile ? yield* readFooter(size) : { blocks: [], dataEnd: size };
  const messages = new Map<number, Block>();
  let pos = isFile ? FILE_HEAD : 0;
  while (pos < dataEnd) {
    const message = yield* readMessage(pos, dataEnd, !isFile && messages.size === 0);
    if ("endOfStream" in message) {
      // The reader stops at a marker too: one that a damaged body length landed on would end the data early.
      if (pos + message.endOfStream !== dataEnd) throw new CorruptIpc(`an end-of-stream marker at byte ${pos}, before the end of the data`);
      break;
    }
    messages.set(pos, message);
    pos += message.metaDataLength + message.bodyLength;
  }
  if (!isFile && messages.size === 0) throw new CorruptIpc(NOT_IPC);
  // The reader reads a file's batches from its footer: one left out of it would be rows lost without a word.
  const batchesIn = (list: Iterable<{ header: MessageHeader }>) => [...list].filter((m) => m.header !== MessageHeader.Schema).length;
  const [listed, held] = [batchesIn(blocks), batchesIn(messages.values())];
  if (isFile && listed !== held) throw new CorruptIpc(`the footer lists ${listed} batches, the file holds ${held}`);
  for (const b of blocks) {
    const m = messages.get(b.offset);
    if (m?.header !== b.header || m.bodyLength !== b.bodyLength || m.metaDataLength !== b.metaDataLength) {
      throw new CorruptIpc(`the footer's ${b.header === MessageHeader.RecordBatch ? "record batch" : "dictionary"} block at byte ${b.offset} does not match the message there`);
    }
  }
  return { recordBatches: [...messages.values()].filter((m) => m.header === MessageHeader.RecordBatch).length };
}

/** Checks Arrow IPC bytes held in memory; throws CorruptIpc. */
export function checkIpcBytes(bytes: Uint8Array): Layout {
  const w = walk(bytes.byteLength);
  let r = w.next();
  while (!r.done) r = w.next(bytes.subarray(r.value.at, r.value.at + r.value.length));
  return r.value;
}

/** Checks an Arrow IPC file through its handle, reading only framing and metadata; throws CorruptIpc. */
export async function checkIpcHandle(handle: FileHandle, size: number): Promise<Layout> {
  const w = walk(size);
  let r = w.next();
  while (!r.done) {
    const buffer = new Uint8Array(r.value.length);
    const { bytesRead } = await handle.read({ buffer, position: r.value.at, length: r.value.length });
    r = w.next(buffer.subarray(0, bytesRead));
  }
  return r.value;
}
