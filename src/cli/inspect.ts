import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { cannotRead, readInputFile, readIpcBytes, readRegularFile } from "../arrow/readInput.js";
import { InputError } from "../errors.js";
import type { CalibrationRow } from "../report/calibration.js";
import type { DecisionCycles } from "../report/decisionCycles.js";
import type { RunManifest } from "../report/manifest.js";
import { readManifest } from "../report/readManifest.js";
import { liftLine } from "./liftLine.js";
import { verdictLines } from "./verdicts.js";

interface FileSummary {
  path: string;
  rows: number;
  batches: number;
  bytes: number;
  sha256: string;
  /** In a run directory: whether the bytes still match the manifest (false too for a file run.json does not list). */
  matchesManifest?: boolean;
  /** In a run directory: an Arrow file run.json does not list (a part copied in, say: `attribute` would read it). */
  unlisted?: boolean;
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
      const info = await stat(path).catch((error: unknown) => {
        throw cannotRead(path, error);
      });
      if (info.isDirectory()) {
        const result = await inspectDirectory(path);
        process.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : renderDirectory(result));
        // The listing above shows which; the exit code lets a script see it too.
        const damaged = [
          ...result.files.filter((f) => f.matchesManifest === false).map((f) => (f.unlisted ? `${f.path}: in the directory but not listed in run.json` : `${f.path}: does not match run.json (sha256 or rows)`)),
          ...result.missing.map((p) => `${p}: listed in run.json but not in the directory`),
        ];
        if (damaged.length > 0) throw new InputError(`${path}: the run directory does not match its run.json`, damaged);
      } else {
        const file = await summariseArrow(path, path);
        process.stdout.write(flags.json === true ? `${JSON.stringify(file)}\n` : renderFiles([file], true));
      }
    });
}

/** `shownPath` is the row label (relative to the run directory); errors name `fullPath`, which the user can open. */
async function summariseArrow(fullPath: string, shownPath: string, inRunDir = false): Promise<FileSummary> {
  // A file named on the command line may be a pipe; one in a run directory is what a run wrote, a regular file.
  const read = inRunDir ? readRegularFile : readInputFile;
  const bytes = await read(fullPath, MAX_INSPECTED_BYTES, "a file inspect checks");
  const { schema, batches } = readIpcBytes(bytes, fullPath);
  return {
    path: shownPath,
    rows: batches.reduce((sum, batch) => sum + batch.numRows, 0),
    batches: batches.length,
    bytes: bytes.byteLength,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    schema: schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
    metadata: Object.fromEntries(schema.metadata),
  };
}

async function arrowFilesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw cannotRead(dir, error);
  });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) out.push(...(await arrowFilesUnder(join(dir, entry.name), join(prefix, entry.name))));
    else if (entry.name.endsWith(".arrow")) out.push(join(prefix, entry.name));
  }
  return out;
}

interface DirectoryResult {
  path: string;
  manifest: RunManifest | null;
  files: FileSummary[];
  /** Outputs listed in run.json that are not in the directory. */
  missing: string[];
}

/** inspect reads an Arrow file whole (to check it and its sha256); an events part of a long run can take a few GiB. */
const MAX_INSPECTED_BYTES = 4 * 2 ** 30;
async function inspectDirectory(dir: string): Promise<DirectoryResult> {
  const manifest = await readManifest(dir);
  const paths = await arrowFilesUnder(dir);
  if (manifest === null && paths.length === 0) {
    if (existsSync(join(dir, "compare.json"))) throw new InputError(`${dir}: a compare directory (compare.json); inspect reads run directories and .arrow files: open its report.html, or read compare.json`);
    throw new InputError(`${dir}: neither a run directory (no run.json) nor a directory of .arrow files`);
  }
  const files: FileSummary[] = [];
  for (const p of paths) {
    const summary = await summariseArrow(join(dir, p), p, true);
    const listed = manifest?.outputs.find((o) => o.path === p);
    if (listed) summary.matchesManifest = listed.sha256 === summary.sha256 && listed.rows === summary.rows;
    else if (manifest) Object.assign(summary, { matchesManifest: false, unlisted: true });
    files.push(summary);
  }
  const missing = (manifest?.outputs ?? []).map((o) => o.path).filter((p) => !paths.includes(p));
  return { path: dir, manifest, files, missing };
}

function renderFiles(files: FileSummary[], withSchema: boolean, missing: readonly string[] = []): string {
  const lines: string[] = [];
  const w = Math.max(4, ...files.map((f) => f.path.length), ...missing.map((p) => p.length));
  lines.push(`${"file".padEnd(w)}  ${"rows".padStart(12)}  ${"batches".padStart(7)}  ${"MiB".padStart(8)}  sha256        manifest`);
  for (const f of files) {
    const check = f.matchesManifest === undefined ? "-" : f.matchesManifest ? "ok" : f.unlisted ? "NOT LISTED" : "MISMATCH";
    lines.push(
      `${f.path.padEnd(w)}  ${f.rows.toLocaleString("en-US").padStart(12)}  ${String(f.batches).padStart(7)}  ${(f.bytes / 2 ** 20).toFixed(1).padStart(8)}  ${f.sha256.slice(0, 12)}  ${check}`,
    );
  }
  for (const p of missing) lines.push(`${p.padEnd(w)}  ${"-".padStart(12)}  ${"-".padStart(7)}  ${"-".padStart(8)}  ${"-".padEnd(12)}  MISSING`);
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
  const targets = rows.map((r) => `[${fmt(r.min)}, ${fmt(r.max)}]`);
  const tw = Math.max(6, ...targets.map((t) => t.length));
  const lines = [`${"metric".padEnd(w)}  ${"value".padStart(10)}  ${"target".padEnd(tw)}  ok   source`];
  rows.forEach((r, i) => lines.push(`${r.metric.padEnd(w)}  ${fmt(r.value).padStart(10)}  ${targets[i]!.padEnd(tw)}  ${r.ok ? "yes" : "NO "}  ${r.source}`));
  return `${lines.join("\n")}\n`;
}

export function renderDecisionCycles(c: DecisionCycles): string {
  if (c.horizonDays === 0) return `decision cycles: none measured (the run is no longer than the ${c.burnInDays}-day burn-in)\n`;
  const w = Math.max(8, ...Object.keys(c.byCategory).map((n) => n.length));
  const lines = [
    `decision cycles: days from a cycle's first touch to its purchase, touch-caused purchases whose cycle started from day ${c.burnInDays} to ${c.horizonDays} days before the end, up to ${c.horizonDays} days:`,
    `${"category".padEnd(w)}  ${"touchToPurchaseDays".padStart(19)}  ${"cycles".padStart(7)}  ${"median".padStart(7)}  95 % interval`,
  ];
  for (const [name, k] of Object.entries(c.byCategory)) {
    const interval = k.lowDays === null || k.highDays === null ? "-" : `${fmt(k.lowDays)}–${fmt(k.highDays)}`;
    lines.push(`${name.padEnd(w)}  ${String(k.touchToPurchaseDays).padStart(19)}  ${String(k.purchases).padStart(7)}  ${(k.medianDays === null ? "-" : fmt(k.medianDays)).padStart(7)}  ${interval}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Six significant digits: enough that a value just past its bound does not print as equal to it. */
function fmt(x: number | null): string {
  return x !== null && Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
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
  parts.push(renderFiles(r.files, false, r.missing));
  if (m) parts.push("", "calibration against targets (DOMAIN: docs/DOMAIN.md):", renderCalibration(m.calibration));
  // Runs written before decision cycles were measured have none (readManifest checked its form).
  const cycles = m?.purchases.decisionCycles;
  if (cycles) parts.push(renderDecisionCycles(cycles));
  const lift = m ? liftLine(m.accuracy) : null;
  if (lift !== null) parts.push(`lift study: ${lift}\n`);
  // What `run --threshold` judged, as run.json recorded it.
  if (m?.thresholds) parts.push(`${verdictLines(m.thresholds).slice(1).join("\n")}\n`);
  return `${parts.join("\n")}`;
}
