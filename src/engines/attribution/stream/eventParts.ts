import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Data, RecordBatch, Schema } from "apache-arrow";
import { cannotRead, openIpcFile } from "../../../arrow/readInput.js";
import { CHANNELS, KINDS, NONE } from "../../../events/enums.js";
import { Observed, platformRoute } from "../../../events/observedAs.js";
import { InputError, MAX_PROBLEMS_LISTED } from "../../../errors.js";
import { readManifest } from "../../../report/readManifest.js";
import { TOOL } from "../../../version.js";
import { CID_WINDOW_KEY, PART_VARIANT_KEY, partFileName, SHARD_KEY, shardCountOfVariant } from "../../../arrow/eventsSink.js";
import { BRAND_SPACE, JourneyBuilder, type JourneyRows } from "./journeyBuilder.js";
import type { JourneyPartial } from "./journeyLog.js";
import { mergeJourneys, type Journeys } from "./journeyTable.js";
import type { JourneySettings } from "./settings.js";
import { Role, ROLE_BY_KIND } from "./touchKinds.js";

const PART_FILE = /^part-\d+\.arrow$/;

/**
 * The events part files named by INPUT: a part file itself, a run directory
 * (its `events/` parts) or an events directory, in part (= shard) order.
 */
async function eventPartFiles(input: string): Promise<{ files: string[]; directory: string | null }> {
  const info = await stat(input).catch((error: unknown) => {
    throw cannotRead(input, error);
  });
  if (!info.isDirectory()) return { files: [input], directory: null };
  const eventsDir = join(input, "events");
  const dir = (await stat(eventsDir).then((s) => s.isDirectory()).catch(() => false)) ? eventsDir : input;
  const names = await readdir(dir).catch((error: unknown) => {
    throw cannotRead(dir, error);
  });
  const parts = names.filter((name) => PART_FILE.test(name)).sort();
  if (parts.length === 0) throw new InputError(`${input}: no events/part-*.arrow files (write them with \`zhongcao run --events\`)`);
  return { files: parts.map((name) => join(dir, name)), directory: dir };
}

/** Columns read, and the Arrow type each must have as `zhongcao run --events` writes it. */
const COLUMNS = {
  id: "Uint64",
  time: "Timestamp<MILLISECOND, UTC>",
  arrival: "Timestamp<MILLISECOND, UTC>",
  kind: "Dictionary<Uint8, Utf8>",
  user: "Uint32",
  brand: "Uint32",
  note: "Uint32",
  channel: "Dictionary<Uint8, Utf8>",
  clickId: "Uint64",
  value: "Float32",
  observed: "Uint8",
  duplicate: "Uint8",
} as const;
type Column = keyof typeof COLUMNS;

/** One events part as read: its journey rows and the run it names in its metadata. */
interface JourneyPart {
  readonly path: string;
  readonly rows: JourneyRows;
  /** Scenario sha256, seed and variant (overrides, shard size, removed channel) from the schema metadata. */
  readonly run: string;
  /** The cid window the run attributed with; absent in parts written before it was recorded. */
  readonly cidWindowDays: number | undefined;
  /** The part's shard, and how many shards its run had (from its variant); absent in parts without them. */
  readonly shard: number | undefined;
  readonly shardCount: number | undefined;
  /** Every row of the file, journey rows or not. */
  readonly fileRows: number;
}

/**
 * The observed touch and purchase rows of one events part file, in the order the
 * platform received them: by (arrival, id, duplicate), the order the run's
 * delivery stage hands rows to engines, so journeys built from the file match
 * those built during the run. Only those rows are held in memory.
 */
async function readJourneyPart(path: string): Promise<JourneyPart> {
  const file = await openIpcFile(path);
  try {
    const index = columnIndex(file.schema, path);
    const rows = new RowCollector();
    for await (const batch of file.batches) rows.add(batch, index);
    if (rows.problems.length > 0) throw new InputError(`${path}: holds rows zhongcao does not write`, rows.problems);
    const meta = file.schema.metadata;
    const run = `scenario ${meta.get(`${TOOL}.scenario_sha256`)?.slice(0, 12) ?? "?"}…, seed ${meta.get(`${TOOL}.seed`) ?? "?"}, ${meta.get(PART_VARIANT_KEY) ?? "no variant"}`;
    const window = meta.get(CID_WINDOW_KEY);
    const shard = meta.get(SHARD_KEY);
    return {
      path,
      rows: rows.sorted(),
      run,
      cidWindowDays: window === undefined ? undefined : Number(window),
      shard: shard === undefined ? undefined : Number(shard),
      shardCount: shardCountOfVariant(meta.get(PART_VARIANT_KEY) ?? ""),
      fileRows: rows.rowsRead,
    };
  } finally {
    await file.close();
  }
}

function columnIndex(schema: Schema, path: string): Record<Column, number> {
  const problems: string[] = [];
  const index = {} as Record<Column, number>;
  for (const [name, type] of Object.entries(COLUMNS) as [Column, string][]) {
    const i = schema.fields.findIndex((field) => field.name === name);
    if (i < 0) problems.push(`${name}: missing column`);
    else if (String(schema.fields[i]!.type) !== type) problems.push(`${name}: expected ${type}, got ${String(schema.fields[i]!.type)}`);
    index[name] = i;
  }
  if (problems.length > 0) throw new InputError(`${path}: not a zhongcao events file`, problems);
  return index;
}

/** Reads 64-bit integer columns as numbers (exact below 2^53) through their 32-bit halves. */
function int64Reader(data: Data): (i: number) => number {
  const values = data.values as BigUint64Array;
  const halves = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const offset = data.offset;
  return (i) => halves[2 * (offset + i)]! + halves[2 * (offset + i) + 1]! * 0x1_0000_0000;
}

/** Code of a dictionary label zhongcao does not write, or of an index outside the dictionary. */
const UNKNOWN = 255;

/** Dictionary indices mapped to enum codes by label (UNKNOWN for a label zhongcao does not know). */
function enumReader(data: Data, labels: readonly string[]): (i: number) => number {
  const dictionary = data.dictionary?.toArray() as string[] | undefined;
  const codes = new Uint8Array(256).fill(UNKNOWN);
  dictionary?.forEach((label, i) => {
    const code = labels.indexOf(label);
    if (i < codes.length && code >= 0) codes[i] = code;
  });
  const indices = data.values as Uint8Array;
  const offset = data.offset;
  return (i) => codes[indices[offset + i]!]!;
}

function plainReader(data: Data): (i: number) => number {
  const values = data.values as Uint32Array | Uint8Array | Float32Array;
  const offset = data.offset;
  return (i) => values[offset + i]!;
}

const OUT_COLUMNS = ["id", "time", "arrival", "kind", "user", "brand", "note", "channel", "clickId", "value", "duplicate", "observed"] as const;

class RowCollector {
  private readonly columns = Object.fromEntries(OUT_COLUMNS.map((name) => [name, [] as number[]])) as Record<(typeof OUT_COLUMNS)[number], number[]>;
  /** Rows a run cannot have written (an edited or damaged part), each named by its row number in the file. */
  private readonly listed: string[] = [];
  private problemCount = 0;
  private rowsBefore = 0;

  get rowsRead(): number {
    return this.rowsBefore;
  }

  /** The problems found, the first few listed and the rest counted. */
  get problems(): string[] {
    const more = this.problemCount - this.listed.length;
    return more > 0 ? [...this.listed, `… and ${more} more`] : this.listed;
  }

  add(batch: RecordBatch, index: Record<Column, number>): void {
    const data = (name: Column): Data => batch.data.children[index[name]]!;
    const read = {
      id: int64Reader(data("id")),
      time: int64Reader(data("time")),
      arrival: int64Reader(data("arrival")),
      kind: enumReader(data("kind"), KINDS),
      user: plainReader(data("user")),
      brand: plainReader(data("brand")),
      note: plainReader(data("note")),
      channel: enumReader(data("channel"), CHANNELS),
      clickId: int64Reader(data("clickId")),
      value: plainReader(data("value")),
      duplicate: plainReader(data("duplicate")),
      observed: plainReader(data("observed")),
    };
    for (let i = 0; i < batch.numRows; i++) {
      const kind = read.kind(i);
      if (kind === UNKNOWN) this.problem(i, "kind: not an event kind zhongcao writes (a label it does not know, or an index outside the dictionary)");
      if (read.observed(i) === Observed.not || ROLE_BY_KIND[kind] === Role.ignored) continue;
      this.checkJourneyRow(i, kind, read);
      for (const name of OUT_COLUMNS) this.columns[name].push(read[name](i));
    }
    this.rowsBefore += batch.numRows;
  }

  /** What journeys rely on in a touch or purchase row: a known channel, a brand the pair key holds, an amount. */
  private checkJourneyRow(i: number, kind: number, read: Record<(typeof OUT_COLUMNS)[number], (i: number) => number>): void {
    if (read.channel(i) === UNKNOWN) this.problem(i, "channel: not a channel zhongcao writes");
    const brand = read.brand(i);
    if (brand !== NONE && brand >= BRAND_SPACE) this.problem(i, `brand ${brand}: beyond the ${BRAND_SPACE} brands a journey key holds`);
    const value = read.value(i);
    if (ROLE_BY_KIND[kind] === Role.conversion && !(Number.isFinite(value) && value >= 0)) this.problem(i, `value ${value}: a purchase's value is a finite amount ≥ 0`);
  }

  private problem(i: number, what: string): void {
    // One place is left for the count of the rest (InputError lists at most MAX_PROBLEMS_LISTED).
    if (this.listed.length < MAX_PROBLEMS_LISTED - 1) this.listed.push(`row ${this.rowsBefore + i}: ${what}`);
    this.problemCount++;
  }

  sorted(): JourneyRows {
    const { arrival, id, duplicate } = this.columns;
    const order = Uint32Array.from(arrival.keys()).sort((a, b) => arrival[a]! - arrival[b]! || id[a]! - id[b]! || duplicate[a]! - duplicate[b]!);
    const gather = <T extends Float64Array | Uint32Array | Uint8Array | Float32Array>(
      ctor: { new (n: number): T },
      values: number[],
    ): T => {
      const out = new ctor(order.length);
      order.forEach((row, i) => (out[i] = values[row]!));
      return out;
    };
    const c = this.columns;
    // As the run's delivery hands them on: alliance matches without their click id and route.
    const { clickId, channel } = platformRoute(gather(Uint8Array, c.observed), gather(Float64Array, c.clickId), gather(Uint8Array, c.channel), order.length);
    return {
      length: order.length,
      id: gather(Float64Array, c.id),
      time: gather(Float64Array, c.time),
      arrival: gather(Float64Array, c.arrival),
      kind: gather(Uint8Array, c.kind),
      user: gather(Uint32Array, c.user),
      brand: gather(Uint32Array, c.brand),
      note: gather(Uint32Array, c.note),
      channel,
      clickId,
      value: gather(Float32Array, c.value),
    };
  }
}

/**
 * Journeys from events part files, one builder per part: parts are shards,
 * whose user ranges are disjoint, merged in part order as the run merges shards.
 */
export async function journeysFromEvents(input: string, settings: JourneySettings): Promise<Journeys & { readonly cidWindowDays: number | undefined }> {
  const partials: JourneyPartial[] = [];
  const seen = new PartsOfOneRun();
  let cidWindowDays: number | undefined;
  const { files, directory } = await eventPartFiles(input);
  const listed = directory === null ? null : await listedParts(directory);
  for (const path of files) {
    // Hashed beside the read: Promise.all also keeps a failed hash from going unhandled when the read fails first.
    const [part, sha256] = await Promise.all([readJourneyPart(path), listed === null ? null : fileSha256(path)]);
    if (listed !== null) listed.check(part, sha256!);
    seen.add(part);
    // The first part says how many the run had: a missing one is refused before the work.
    if (directory && path === files[0]) seen.checkComplete(directory, files.map((file) => basename(file)));
    // Parts of one run attributed with one window.
    cidWindowDays ??= part.cidWindowDays;
    const builder = new JourneyBuilder(settings);
    builder.consume(part.rows);
    partials.push(builder.finish());
  }
  // A directory stands for a whole run: attributing some of its shards would look like a result.
  if (directory) seen.checkComplete(directory, seen.shardFileNames());
  return { ...mergeJourneys(partials), cidWindowDays };
}

/**
 * The events parts run.json lists, when INPUT is a run directory (or its events directory)
 * with a manifest: a part must still be the file the run wrote (inspect checks the same).
 * An edited or swapped part could otherwise pass every other check and give another answer
 * than the run's. Null when there is no run.json: parts copied out on their own are read as
 * they are.
 */
async function listedParts(given: string): Promise<{ check: (part: JourneyPart, sha256: string) => void } | null> {
  // Resolved, so that `.` or `events/.` named from inside a run is known as its events directory.
  const eventsDir = resolve(given);
  if (basename(eventsDir) !== "events") return null;
  const runDir = dirname(eventsDir);
  const manifest = await readManifest(runDir);
  if (manifest === null) return null;
  const outputs = new Map(manifest.outputs.map((o) => [o.path, o]));
  return {
    check(part, sha256) {
      const name = `events/${basename(part.path)}`;
      const output = outputs.get(name);
      if (output === undefined) {
        throw new InputError(`${part.path}: not among the outputs ${join(runDir, "run.json")} lists (copied in?); attribute the parts of one run as it wrote them, or name this part file alone`);
      }
      if (output.sha256 !== sha256 || output.rows !== part.fileRows) {
        throw new InputError(`${part.path}: not the file the run wrote (run.json lists ${output.rows} rows, sha256 ${output.sha256.slice(0, 12)}…; the file has ${part.fileRows} rows, sha256 ${sha256.slice(0, 12)}…); re-run, or name this part file alone to attribute it as it is`);
      }
    },
  };
}

/** The sha256 of a file's bytes, read as a stream (parts of long runs are GiBs). */
function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("error", (error) => reject(cannotRead(path, error)))
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/**
 * Each part is built on its own, so an event repeated in two parts would count twice:
 * parts must come from one run (the same scenario, seed and variant: see partVariant) and
 * hold disjoint users, as a run's shards do. A part copied under another name, or parts of
 * two runs mixed in one directory, are bad input.
 */
class PartsOfOneRun {
  private first: JourneyPart | null = null;
  private readonly ranges: { path: string; low: number; high: number }[] = [];
  private readonly shards = new Set<number>();

  add(part: JourneyPart): void {
    this.first ??= part;
    if (part.shard !== undefined) this.shards.add(part.shard);
    if (part.run !== this.first.run) {
      throw new InputError(`${part.path}: from another run than ${this.first.path}; attribute the parts of one run`, [`this part: ${part.run}`, `that part: ${this.first.run}`]);
    }
    const { user, length } = part.rows;
    if (length === 0) return;
    let low = user[0]!;
    let high = low;
    for (let i = 1; i < length; i++) {
      const u = user[i]!;
      if (u < low) low = u;
      else if (u > high) high = u;
    }
    const other = this.ranges.find((r) => low <= r.high && r.low <= high);
    if (other) {
      throw new InputError(`${part.path}: holds users ${low}–${high}, which overlap ${other.path} (users ${other.low}–${other.high}); the parts of a run hold disjoint users (is one a copy?)`);
    }
    this.ranges.push({ path: part.path, low, high });
  }

  /** The part files of the shards the parts read so far say they are. */
  shardFileNames(): string[] {
    return [...this.shards].map(partFileName);
  }

  /**
   * Every shard of the run is among `present` (part file names: by name before the parts are
   * read, by what they say after). Parts that do not say their run's size are taken as they are.
   */
  checkComplete(directory: string, present: readonly string[]): void {
    const count = this.first?.shardCount;
    if (count === undefined) return;
    const names = new Set(present);
    const missing: string[] = [];
    for (let shard = 0; shard < count && missing.length < 10; shard++) if (!names.has(partFileName(shard))) missing.push(partFileName(shard));
    if (missing.length > 0) {
      throw new InputError(`${directory}: the run had ${count} shards, and parts are missing; attribute all the parts of a run, or name one part file`, missing.map((name) => `missing: ${name}`));
    }
  }
}
