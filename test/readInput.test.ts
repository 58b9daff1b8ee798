import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dictionary, Int32, makeData, RecordBatch, Schema, Field, Struct, tableFromArrays, tableToIPC, Table, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cannotRead, openIpcFile, readInputFile, readIpcBytes } from "../src/arrow/readInput.js";
import { InputError } from "../src/errors.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zhongcao-read-input-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ipc = tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2, 3]) }), "file");

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function readAll(path: string): Promise<number> {
  const f = await openIpcFile(path);
  try {
    let rows = 0;
    for await (const batch of f.batches) rows += batch.numRows;
    return rows;
  } finally {
    await f.close();
  }
}

describe("reading input files", () => {
  it("reads a valid Arrow file from bytes and streamed from disk", async () => {
    expect(readIpcBytes(ipc, "x.arrow").batches.reduce((n, b) => n + b.numRows, 0)).toBe(3);
    const path = await file("good.arrow", ipc);
    const opened = await openIpcFile(path);
    await opened.close();
    expect(opened.schema.fields.map((f) => f.name)).toEqual(["id"]);
    expect(await readAll(path)).toBe(3);
  });

  it("reads the stream format too, from bytes and from disk", async () => {
    const stream = tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2, 3, 4]) }), "stream");
    expect(readIpcBytes(stream, "s.arrows").batches.reduce((n, b) => n + b.numRows, 0)).toBe(4);
    expect(await readAll(await file("s.arrows", stream))).toBe(4);
  });

  it("reads a file without record batches as none (apache-arrow's reader makes up an empty one)", async () => {
    const bytes = tableToIPC(new Table(new Schema([new Field("id", new Int32(), false)])), "file");
    const path = await file("no-batches.arrow", bytes);
    expect(readIpcBytes(bytes, path).batches).toEqual([]);
    const f = await openIpcFile(path);
    let batches = 0;
    for await (const _ of f.batches) batches++;
    await f.close();
    expect(batches).toBe(0);
  });

  it("refuses a batch whose column holds fewer values than the batch has rows", async () => {
    // Five rows claimed, two values written: read as is, the last three rows would be undefined.
    const type = new Int32();
    const short = makeData({ type, length: 5, nullCount: 0, data: new Int32Array([7, 8]) });
    const schema = new Schema([new Field("id", type, false)]);
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 5, nullCount: 0, children: [short] }));
    const bytes = tableToIPC(new Table([batch]), "file");
    const path = await file("short-column.arrow", bytes);
    const message = `${path}: not an Arrow IPC file (truncated or corrupt: a record batch of 5 rows holds fewer values than that)`;
    expect(() => readIpcBytes(bytes, path)).toThrow(message);
    await expect(readAll(path)).rejects.toThrow(message);
  });

  it("refuses string offsets, a dictionary's too, that run backwards or past their bytes, which would decode into wrong strings", async () => {
    // Where a little-endian int32 run sits in the bytes: the column buffer to damage.
    const find = (bytes: Uint8Array, values: number[]) => {
      const needle = new Uint8Array(Int32Array.from(values).buffer);
      const hits: number[] = [];
      for (let at = 0; at + needle.length <= bytes.length; at++) if (needle.every((b, k) => bytes[at + k] === b)) hits.push(at);
      expect(hits).toHaveLength(1);
      return hits[0]!;
    };
    const damaged = (bytes: Uint8Array, at: number, value: number) => {
      const copy = Uint8Array.from(bytes);
      new DataView(copy.buffer).setInt32(at, value, true);
      return copy;
    };
    const names = tableToIPC(tableFromArrays({ name: ["alpha", "beta", "gamma"] }), "file");
    expect(readIpcBytes(names, "names.arrow").batches[0]!.getChild("name")!.toArray()).toEqual(["alpha", "beta", "gamma"]);
    const offsets = find(names, [0, 5, 9, 14]);
    for (const [why, value] of [["backwards", 12], ["past the bytes", 0x7fffff7f]] as const) {
      const bad = damaged(names, offsets + (why === "backwards" ? 4 : 12), value);
      const path = await file(`names-${why.replace(/ /g, "-")}.arrow`, bad);
      const message = `${path}: not an Arrow IPC file (truncated or corrupt: column name has string offsets out of range)`;
      expect(() => readIpcBytes(bad, path)).toThrow(message);
      await expect(readAll(path)).rejects.toThrow(message);
    }
    const category = vectorFromArray(["sun", "rain", "rain", "sun", "rain"], new Dictionary(new Utf8(), new Int32()));
    const categories = tableToIPC(new Table({ category }), "file");
    expect(readIpcBytes(categories, "categories.arrow").batches[0]!.getChild("category")!.toArray()).toEqual(["sun", "rain", "rain", "sun", "rain"]);
    const bad = damaged(categories, find(categories, [0, 3, 7]) + 8, 99);
    expect(() => readIpcBytes(bad, "category.arrow")).toThrow("column category has string offsets out of range");
  });

  // The same catch turns EACCES into bad input; EISDIR can be provoked as any user, root included.
  it("names a path the OS refuses with its errno, as bad input", async () => {
    await expect(readInputFile(dir, 1024, "a test file")).rejects.toThrow(new InputError(`${dir}: cannot read (EISDIR)`));
    // Read in place, an Arrow file must be a regular file; a directory is named as one.
    await expect(readAll(dir)).rejects.toThrow(new InputError(`${dir}: not a regular file (a directory)`));
    await expect(readInputFile(join(dir, "nope"), 1024, "a test file")).rejects.toThrow(new InputError(`${join(dir, "nope")}: no such file or directory`));
  });

  it("reads a file of up to its limit whole, and refuses a longer one, and a device, before reading", async () => {
    const path = await file("limit.bin", new Uint8Array(1000).fill(7));
    expect(await readInputFile(path, 1000, "a test file")).toEqual(Buffer.alloc(1000, 7));
    await expect(readInputFile(path, 999, "a test file")).rejects.toThrow(new InputError(`${path}: larger than ${999 / 2 ** 20} MiB; a test file is read whole into memory, and may be at most that`));
    await expect(readInputFile("/dev/zero", 2 ** 20, "a test file")).rejects.toThrow(new InputError("/dev/zero: a device, not a file"));
  });

  it("rethrows errors that are not from the OS: those are bugs, not bad input", () => {
    const bug = new TypeError("x is undefined");
    expect(() => cannotRead("a.csv", bug)).toThrow(bug);
  });

  it.each([
    ["empty", new Uint8Array(0), "not an Arrow IPC file (empty)"],
    ["tiny", new TextEncoder().encode("ARR"), "not an Arrow IPC file (truncated or corrupt: neither an Arrow file (no ARROW1 at the start) nor an Arrow stream)"],
    ["truncated", ipc.subarray(0, ipc.byteLength - 20), "not an Arrow IPC file (truncated or corrupt: the closing ARROW1 is missing)"],
    ["JSON", new TextEncoder().encode('{"tool":"zhongcao"}'), "not an Arrow IPC file (truncated or corrupt: neither an Arrow file (no ARROW1 at the start) nor an Arrow stream)"],
  ])("rejects %s bytes as not Arrow, without the reader's internals", async (name, bytes, message) => {
    expect(() => readIpcBytes(bytes, `${name}.arrow`)).toThrow(new InputError(`${name}.arrow: ${message}`));
    const path = await file(`${name}.arrow`, bytes);
    await expect(readAll(path)).rejects.toThrow(new InputError(`${path}: ${message}`));
  });
});
