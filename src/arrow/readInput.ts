import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { RecordBatchReader, type RecordBatch, type Schema } from "apache-arrow";
import { readAtMost } from "../config/scenarioBytes.js";
import { InputError } from "../errors.js";
import { checkDecodedBatch, checkIpcBytes, checkIpcHandle, CorruptIpc } from "./ipcCheck.js";

/**
 * Reading input files the user names (Arrow IPC files, path CSV). Failures are bad
 * input naming the file: an errno for the OS, "truncated or corrupt" for Arrow, with
 * what ipcCheck found wrong (the reader's own messages are about its internals, e.g.
 * null property reads). The check runs before the reader, which can loop without end on
 * damaged framing.
 */

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

/** An fs error as bad input naming `path` (e.g. `x.csv: cannot read (EACCES)`); anything else is rethrown as a bug. */
export function cannotRead(path: string, error: unknown): InputError {
  if (!isErrno(error)) throw error;
  return new InputError(error.code === "ENOENT" ? `${path}: no such file or directory` : `${path}: cannot read (${error.code})`);
}

/**
 * The whole file, read into memory, if it holds at most `limit` bytes; larger input (or a
 * device without end, `/dev/zero`) is bad input after `limit` bytes, not an out-of-memory
 * crash. `what` names the kind of file in that message.
 */
export async function readInputFile(path: string, limit: number, what: string): Promise<Buffer> {
  const stdin = path === "-" || path === "/dev/stdin";
  // Opened again, standard input is a blocking descriptor of its own, whatever the parent set on fd 0.
  const handle = await open(stdin ? "/dev/stdin" : path).catch((error: NodeJS.ErrnoException) => {
    // A socket (a parent process's pipe, often) cannot be opened again: its descriptor is read instead.
    if (stdin && error.code === "ENXIO") return null;
    throw cannotRead(path, error);
  });
  if (handle === null) return readStdin(path, limit, what);
  try {
    const info = await handle.stat();
    // Devices are no input files (`/dev/zero` would be read up to the limit for nothing).
    if (info.isCharacterDevice() || info.isBlockDevice()) throw new InputError(`${path}: a device, not a file`);
    if (info.isFile()) return await readWhole(handle, info.size, path, limit, what);
    // A pipe: chunks until its end, or past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(path, limit, what);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    throw error instanceof InputError ? error : cannotRead(path, error);
  } finally {
    await handle.close();
  }
}

/**
 * The whole of a file that must be a regular one (a run directory's run.json, say), at most
 * `limit` bytes. A FIFO, device or socket of that name is bad input, found without blocking
 * on a FIFO that has no writer.
 */
export async function readRegularFile(path: string, limit: number, what: string): Promise<Buffer> {
  const handle = await openRegular(path);
  try {
    return await readWhole(handle, (await handle.stat()).size, path, limit, what);
  } catch (error) {
    throw error instanceof InputError ? error : cannotRead(path, error);
  } finally {
    await handle.close();
  }
}

/** Opens `path`, which must be a regular file; O_NONBLOCK keeps a FIFO without a writer from blocking the open. */
async function openRegular(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
    throw cannotRead(path, error);
  });
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw cannotRead(path, error);
  });
  if (!info.isFile()) {
    await handle.close();
    throw new InputError(`${path}: not a regular file (${info.isFIFO() ? "a FIFO" : info.isDirectory() ? "a directory" : "a device or socket"})`);
  }
  return handle;
}

/** A regular file's bytes: one buffer of its size, so the bytes are held once, not in chunks and again joined. */
async function readWhole(handle: FileHandle, size: number, path: string, limit: number, what: string): Promise<Buffer> {
  if (size > limit) throw tooLarge(path, limit, what);
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < bytes.length) {
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  // A file that grew since its size was read is read no further: what it was then is what is used.
  return bytes.subarray(0, filled);
}

/** Standard input that is a socket, from its descriptor as readAtMost reads it. */
function readStdin(path: string, limit: number, what: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readAtMost(path, limit);
  } catch (error) {
    throw cannotRead(path, error);
  }
  if (bytes.length > limit) throw tooLarge(path, limit, what);
  return bytes;
}

/** Chunks of a pipe's bytes: large enough to read fast, small enough not to allocate much past a short input. */
const READ_CHUNK_BYTES = 1 << 20;

function tooLarge(path: string, limit: number, what: string): InputError {
  return new InputError(`${path}: larger than ${limit / 2 ** 20} MiB; ${what} is read whole into memory, and may be at most that`);
}

function notArrow(path: string, empty: boolean, detail?: string): InputError {
  const why = empty ? "empty" : `truncated or corrupt${detail ? `: ${detail}` : ""}`;
  return new InputError(`${path}: not an Arrow IPC file (${why})`);
}

/** An error while decoding: fs errors keep their errno, the rest means the bytes are not Arrow. */
function decodeError(path: string, error: unknown, empty: boolean): InputError {
  if (error instanceof InputError) return error;
  if (isErrno(error)) return cannotRead(path, error);
  return notArrow(path, empty, error instanceof CorruptIpc ? error.message : undefined);
}

/** Schema and batches of an Arrow IPC file (file or stream format) held in memory. */
export function readIpcBytes(bytes: Uint8Array, path: string): { schema: Schema; batches: RecordBatch[] } {
  try {
    const { recordBatches } = checkIpcBytes(bytes);
    const reader = RecordBatchReader.from(bytes);
    // A reader built from bytes opens synchronously; open() returns it, not a promise.
    void reader.open();
    // ipcCheck has seen a schema; this guard keeps an undefined one from going further.
    const schema = reader.schema as Schema | undefined;
    if (schema === undefined) throw notArrow(path, bytes.byteLength === 0);
    // Read the schema before iterating: the reader forgets it at the end.
    // A file without batches reads as one empty batch the reader makes up: there are none.
    const batches = recordBatches === 0 ? [] : [...reader];
    for (const batch of batches) checkDecodedBatch(batch);
    return { schema, batches };
  } catch (error) {
    throw decodeError(path, error, bytes.byteLength === 0);
  }
}

/** An Arrow IPC file opened for streaming: its schema, its batches (once), then close. */
export interface IpcFile {
  readonly schema: Schema;
  readonly batches: AsyncIterable<RecordBatch>;
  close(): Promise<void>;
}

/** An Arrow file read in place: a regular file (its size frames the checks), never a FIFO or device. */
export async function openIpcFile(path: string): Promise<IpcFile> {
  const handle = await openRegular(path);
  try {
    const { size } = await handle.stat();
    const empty = size === 0;
    let recordBatches = 0;
    const reader = await checkIpcHandle(handle, size)
      .then((layout) => {
        recordBatches = layout.recordBatches;
        return RecordBatchReader.from(handle);
      })
      .then((r) => r.open())
      .catch((error: unknown) => {
        throw decodeError(path, error, empty);
      });
    const schema = reader.schema as Schema | undefined;
    if (schema === undefined) throw notArrow(path, empty);
    // A file without batches reads as one empty batch the reader makes up: there are none.
    return { schema, batches: guarded(recordBatches === 0 ? [] : reader, path), close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Batches of `reader`; a body cut short or damaged fails as bad input. Errors in the caller's loop pass through untouched. */
async function* guarded(reader: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, path: string): AsyncGenerator<RecordBatch, void, undefined> {
  try {
    for await (const batch of reader) {
      checkDecodedBatch(batch);
      yield batch;
    }
  } catch (error) {
    throw decodeError(path, error, false);
  }
}
