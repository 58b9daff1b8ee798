import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { RecordBatchReader } from "apache-arrow";
import { InputError } from "../errors.js";
import type { CalibrationRow } from "../report/calibration.js";
import type { RunManifest } from "../report/manifest.js";

interface FileSummary {
  path: string;
  rows: number;
  batches: number;
  bytes: number;
  sha256: string;
  /** For files listed in run.json: whether the bytes still match the manifest. */
  matchesManifest?: boolean;
  schema: { name: string; type: string }[];
  metadata: Record<string, string>;
}

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("Summarise a run directory or an Arrow file: rows, schema, checksums and calibration against targets")
    .argument("<path>", "run directory, events directory or .arrow file")
    .option("--json", "print one JSON document")
    .action(async (path: string, flags: { json?: boolean }) => {
      const info = await stat(path).catch(() => {
        throw new InputError(`${path}: no such file or directory`);
      });
      if (info.isDirectory()) {
        const result = await inspectDirectory(path);
        process.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : renderDirectory(result));
      } else {
        const file = await summariseArrow(path, path);
        process.stdout.write(flags.json === true ? `${JSON.stringify(file)}\n` : renderFiles([file], true));
      }
    });
}

async function summariseArrow(fullPath: string, shownPath: string): Promise<FileSummary> {
  const bytes = await readFile(fullPath);
  let reader: RecordBatchReader;
  try {
    reader = RecordBatchReader.from(bytes);
    // A reader built from bytes opens synchronously; open() returns it, not a promise.
    void reader.open();
  } catch (error) {
    throw new InputError(`${shownPath}: not an Arrow IPC file (${(error as Error).message})`);
  }
  // The reader forgets its schema once iterated to the end.
  const schema = reader.schema;
  let rows = 0;
  let batches = 0;
  for (const batch of reader) {
    rows += batch.numRows;
    batches++;
  }
  return {
    path: shownPath,
    rows,
    batches,
    bytes: bytes.byteLength,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    schema: schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
    metadata: Object.fromEntries(schema.metadata),
  };
}

async function arrowFilesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) out.push(...(await arrowFilesUnder(join(dir, entry.name), join(prefix, entry.name))));
    else if (entry.name.endsWith(".arrow")) out.push(join(prefix, entry.name));
  }
  return out;
}

interface DirectoryResult {
  path: string;
  manifest: RunManifest | null;
  files: FileSummary[];
}

async function inspectDirectory(dir: string): Promise<DirectoryResult> {
  const manifestText = await readFile(join(dir, "run.json"), "utf8").catch(() => null);
  let manifest: RunManifest | null = null;
  if (manifestText !== null) {
    try {
      manifest = JSON.parse(manifestText) as RunManifest;
    } catch (error) {
      throw new InputError(`${join(dir, "run.json")}: not valid JSON (${(error as Error).message})`);
    }
  }
  const paths = await arrowFilesUnder(dir);
  if (manifest === null && paths.length === 0) throw new InputError(`${dir}: neither a run directory (no run.json) nor a directory of .arrow files`);
  const files: FileSummary[] = [];
  for (const p of paths) {
    const summary = await summariseArrow(join(dir, p), p);
    const listed = manifest?.outputs.find((o) => o.path === p);
    if (listed) summary.matchesManifest = listed.sha256 === summary.sha256 && listed.rows === summary.rows;
    files.push(summary);
  }
  return { path: dir, manifest, files };
}

function renderFiles(files: FileSummary[], withSchema: boolean): string {
  const lines: string[] = [];
  const w = Math.max(4, ...files.map((f) => f.path.length));
  lines.push(`${"file".padEnd(w)}  ${"rows".padStart(12)}  ${"batches".padStart(7)}  ${"MiB".padStart(8)}  sha256        manifest`);
  for (const f of files) {
    const check = f.matchesManifest === undefined ? "-" : f.matchesManifest ? "ok" : "MISMATCH";
    lines.push(
      `${f.path.padEnd(w)}  ${f.rows.toLocaleString("en-US").padStart(12)}  ${String(f.batches).padStart(7)}  ${(f.bytes / 2 ** 20).toFixed(1).padStart(8)}  ${f.sha256.slice(0, 12)}  ${check}`,
    );
  }
  if (withSchema) {
    for (const f of files) {
      lines.push("", `${f.path} schema:`);
      for (const field of f.schema) lines.push(`  ${field.name.padEnd(14)} ${field.type}`);
      for (const [k, v] of Object.entries(f.metadata)) lines.push(`  [${k}] ${v}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function renderCalibration(rows: readonly CalibrationRow[]): string {
  const w = Math.max(6, ...rows.map((r) => r.metric.length));
  const lines = [`${"metric".padEnd(w)}  ${"value".padStart(8)}  ${"target".padEnd(17)}  ok   source`];
  for (const r of rows) {
    const target = `[${fmt(r.min)}, ${fmt(r.max)}]`;
    lines.push(`${r.metric.padEnd(w)}  ${fmt(r.value).padStart(8)}  ${target.padEnd(17)}  ${r.ok ? "yes" : "NO "}  ${r.source}`);
  }
  return `${lines.join("\n")}\n`;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

function renderDirectory(r: DirectoryResult): string {
  const parts: string[] = [];
  const m = r.manifest;
  if (m) {
    parts.push(
      `run ${r.path}: scenario ${m.scenario.name} (sha256 ${m.scenario.sha256.slice(0, 12)}), seed ${m.seed}, policy ${m.scenario.resolved.policy.type}`,
      `events ${m.events.total.toLocaleString("en-US")}, purchases ${m.purchases.total.toLocaleString("en-US")} (${m.purchases.observed.toLocaleString("en-US")} observed), ${m.timing.eventsPerSecond.toLocaleString("en-US")} events/s, peak RSS ${(m.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
      "",
    );
  }
  parts.push(renderFiles(r.files, false));
  if (m) parts.push("", "calibration against DOMAIN.md targets:", renderCalibration(m.calibration));
  return `${parts.join("\n")}`;
}
