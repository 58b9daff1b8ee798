import {
  Dictionary,
  Field,
  Float32,
  Float64,
  makeData,
  Schema,
  Struct,
  TimestampMillisecond,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  vectorFromArray,
  RecordBatch,
  type Data,
  type DataType,
  type Vector,
} from "apache-arrow";
import { TOOL, VERSION } from "../version.js";

/**
 * Column kinds zhongcao writes, and how an in-memory typed array becomes Arrow data.
 * Ids and times live as float64 in memory (exact below 2^53) and are written as
 * uint64 / timestamp[ms, UTC] by splitting into 32-bit halves, without a BigInt per row.
 */
export type ColumnKind =
  | { type: "uint64" }
  | { type: "timestamp" }
  | { type: "float64" }
  | { type: "float32" }
  | { type: "uint32" }
  | { type: "uint8" }
  | { type: "enum"; labels: readonly string[] }
  | { type: "utf8" };

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly description: string;
}

interface EnumDictionary {
  readonly type: Dictionary<Utf8, Uint8>;
  readonly values: Vector<Utf8>;
}
/** One dictionary per label list, shared by every batch so files carry it once. */
const dictionaries = new Map<readonly string[], EnumDictionary>();

/** Dictionary id from the labels themselves, so it is the same in every process and run. */
function stableDictionaryId(labels: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const ch of labels.join("\u0000")) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}

function dictionaryFor(labels: readonly string[]): EnumDictionary {
  let d = dictionaries.get(labels);
  if (!d) {
    d = {
      type: new Dictionary(new Utf8(), new Uint8(), stableDictionaryId(labels), false),
      values: vectorFromArray(labels as string[], new Utf8()),
    };
    dictionaries.set(labels, d);
  }
  return d;
}

function arrowType(kind: ColumnKind): DataType {
  switch (kind.type) {
    case "uint64":
      return new Uint64();
    case "timestamp":
      return new TimestampMillisecond("UTC");
    case "float64":
      return new Float64();
    case "float32":
      return new Float32();
    case "uint32":
      return new Uint32();
    case "uint8":
      return new Uint8();
    case "enum":
      return dictionaryFor(kind.labels).type;
    case "utf8":
      return new Utf8();
  }
}

/** Identity written into every file's schema metadata. */
export interface RunIdentity {
  readonly scenarioSha256: string;
  readonly seed: number;
}

export function makeSchema(columns: readonly ColumnSpec[], identity: RunIdentity, extra: Record<string, string> = {}): Schema {
  const fields = columns.map(
    (c) => new Field(c.name, arrowType(c.kind), false, new Map([["description", c.description]])),
  );
  return new Schema(
    fields,
    new Map([
      [`${TOOL}.version`, VERSION],
      [`${TOOL}.scenario_sha256`, identity.scenarioSha256],
      [`${TOOL}.seed`, String(identity.seed)],
      ...Object.entries(extra),
    ]),
  );
}

/** Splits non-negative integral float64 values into little-endian uint32 pairs. */
function splitInt64(values: ArrayLike<number>, n: number): Int32Array {
  const out = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / 0x1_0000_0000);
    out[2 * i] = v - hi * 0x1_0000_0000;
    out[2 * i + 1] = hi;
  }
  return new Int32Array(out.buffer);
}

export type ColumnValues = ArrayLike<number> | readonly string[];

function columnData(spec: ColumnSpec, values: ColumnValues, n: number, type: DataType): Data {
  const nums = values as ArrayLike<number>;
  switch (spec.kind.type) {
    case "uint64":
    case "timestamp":
      return makeData({ type, length: n, nullCount: 0, data: splitInt64(nums, n) } as never);
    case "float64":
      return makeData({ type, length: n, nullCount: 0, data: toTyped(Float64Array, nums, n) } as never);
    case "float32":
      return makeData({ type, length: n, nullCount: 0, data: toTyped(Float32Array, nums, n) } as never);
    case "uint32":
      return makeData({ type, length: n, nullCount: 0, data: toTyped(Uint32Array, nums, n) } as never);
    case "uint8":
      return makeData({ type, length: n, nullCount: 0, data: toTyped(Uint8Array, nums, n) } as never);
    case "enum":
      return makeData({
        type,
        length: n,
        nullCount: 0,
        data: toTyped(Uint8Array, nums, n),
        dictionary: dictionaryFor(spec.kind.labels).values,
      } as never);
    case "utf8":
      return vectorFromArray((values as readonly string[]).slice(0, n), new Utf8()).data[0] as Data;
  }
}

function toTyped<T extends Float64Array | Float32Array | Uint32Array | Uint8Array>(
  ctor: { new (n: number): T; from(a: ArrayLike<number>): T },
  values: ArrayLike<number>,
  n: number,
): T {
  if (values instanceof ctor && values.length === n) return values;
  if (values instanceof ctor) return values.subarray(0, n) as T;
  const out = new ctor(n);
  for (let i = 0; i < n; i++) out[i] = values[i]!;
  return out;
}

/** Builds one record batch; `columns` maps every schema column name to its values. */
export function makeRecordBatch(schema: Schema, specs: readonly ColumnSpec[], columns: Record<string, ColumnValues>, n: number): RecordBatch {
  const children = specs.map((spec, i) => {
    const values = columns[spec.name];
    if (values === undefined) throw new Error(`column ${spec.name} missing from batch`);
    return columnData(spec, values, n, schema.fields[i]!.type as DataType);
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
}
