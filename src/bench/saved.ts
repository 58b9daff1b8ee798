import { chmod, lstat, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { formatIssues } from "../config/load.js";
import { readRegularFile } from "../arrow/readInput.js";
import { InputError } from "../errors.js";
import { cannotCreateIn } from "../run/writable.js";
import type { Comparable } from "./compare.js";
import { comparedSuites, planSizes, type BenchPlan } from "./plan.js";
import { REPORT_FORMAT, type BenchReport } from "./report.js";
import { TOOL } from "../version.js";

/** A saved result is a few KiB; anything near this is not one. */
const MAX_SAVED_BYTES = 16 * 2 ** 20;

/** How far a saved ratio may be from the figures it was computed from (float rounding only). */
const RATIO_TOLERANCE = 1e-9;

/** A mean the gate can judge: several samples, a finite margin of error. */
const measured = {
  samples: z.number().int().min(2, "the gate needs several samples, not one"),
  rme: z.number().nonnegative(),
  perSecond: z.number().positive(),
};

/** The part of a saved report the gate reads; other fields are carried but not checked. */
const savedSchema = z.looseObject({
  tool: z.literal("zhongcao"),
  format: z.literal(REPORT_FORMAT),
  date: z.string(),
  quick: z.boolean(),
  sizes: z.object({
    fixture: z.object({ users: z.number(), days: z.number() }),
    endToEnd: z.object({ users: z.number(), days: z.number() }),
    markov: z.object({ paths: z.number(), channels: z.number() }),
  }),
  machine: z.looseObject({ cpu: z.string(), cores: z.number(), node: z.string() }),
  calibration: z.looseObject(measured),
  suites: z
    .array(
      z.looseObject({ name: z.string(), vsCalibration: z.number().positive(), calibration: z.looseObject({ rme: z.number().nonnegative(), perSecond: z.number().positive() }), ...measured }),
    )
    .superRefine((suites, ctx) => {
      const seen = new Set<string>();
      for (const [i, suite] of suites.entries()) {
        // The gate looks suites up by name: a second entry would shadow the first unseen.
        if (seen.has(suite.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `suite "${suite.name}" is listed more than once` });
        seen.add(suite.name);
        // The gate judges vsCalibration: it must be the ratio of the figures beside it, not any number.
        const ratio = suite.perSecond / suite.calibration.perSecond;
        if (Math.abs(suite.vsCalibration - ratio) > RATIO_TOLERANCE * ratio) {
          ctx.addIssue({ code: "custom", path: [i, "vsCalibration"], message: `${suite.vsCalibration} is not perSecond ÷ calibration.perSecond (${ratio})` });
        }
      }
    }),
});

export type SavedResult = z.infer<typeof savedSchema> & Comparable;

/**
 * Reads a result written by `--save`, or the `{ report, comparison }` that `bench --json`
 * prints (its `report` is what `--save` writes); anything else is bad input (exit 2) with
 * every problem listed.
 */
export async function loadSavedResult(path: string): Promise<SavedResult> {
  let text: string;
  try {
    // A regular file of bounded size: a FIFO would wait for a writer, /dev/zero fill memory.
    text = (await readRegularFile(path, MAX_SAVED_BYTES, "a saved bench result")).toString("utf8");
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`--compare ${error.message}`);
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--compare ${path}: not JSON (${(error as Error).message})`);
  }
  const printed = raw !== null && typeof raw === "object" && !("tool" in raw) && "report" in raw;
  return parseBenchResult(printed ? (raw as { report: unknown }).report : raw, `--compare ${path}`);
}

/** A bench result (saved, or printed by another build's `bench --json`), checked as the gate needs it; `label` names where it came from. */
export function parseBenchResult(raw: unknown, label: string): SavedResult {
  // Another build's format says so plainly, rather than as a schema problem.
  const format = raw !== null && typeof raw === "object" && (raw as { tool?: unknown }).tool === TOOL ? (raw as { format?: unknown }).format : REPORT_FORMAT;
  if (typeof format === "number" && format !== REPORT_FORMAT) {
    throw new InputError(`${label}: written in bench report format ${format}; this build reads format ${REPORT_FORMAT} (a result of another zhongcao version: record a new one with this build)`);
  }
  const parsed = savedSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${label}: not a zhongcao bench result`, formatIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Fails before any timing when the file could not be written afterwards: it must be a
 * regular file or a new name in a directory that takes new entries (the result lands by
 * rename), and not the `--compare` file the run is judged against.
 */
export async function checkSavePath(path: string, compare: string | undefined): Promise<void> {
  if (path.trim() === "") throw new InputError("--save: empty path");
  if (path.endsWith("/") || path.endsWith(sep)) throw new InputError(`--save ${path}: ends in a separator, so it names a directory; name a file`);
  const dir = await stat(dirname(path)).catch(() => null);
  if (!dir) throw new InputError(`--save ${path}: directory ${dirname(path)} does not exist`);
  if (!dir.isDirectory()) throw new InputError(`--save ${path}: ${dirname(path)} is not a directory`);
  const target = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw new InputError(`--save ${path}: cannot be written (${error.code ?? error.message})`);
  });
  if (target === null && (await lstat(path).catch(() => null))?.isSymbolicLink()) throw new InputError(`--save ${path}: a link to nothing; name a file`);
  if (target?.isDirectory()) throw new InputError(`--save ${path}: is a directory; name a file`);
  if (target && !target.isFile()) throw new InputError(`--save ${path}: not a regular file (${target.isFIFO() ? "a FIFO" : "a device or socket"}); name a file`);
  // A failed gate would overwrite the baseline it failed against, and the next run would pass.
  if (target && compare !== undefined && (await realpath(compare).catch(() => compare)) === (await realpath(path))) {
    throw new InputError(`--save ${path}: is the --compare file; a run judged against a baseline must not overwrite it (save elsewhere, or record a new baseline without --compare)`);
  }
  const refused = await cannotCreateIn(dirname(await savedLocation(path)));
  if (refused !== null) throw new InputError(`--save ${path}: cannot be written (${refused})`);
}

/** Where a save lands: the file a link points to, so the link stays a link. */
async function savedLocation(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/**
 * Written beside the target and renamed over it: a failed write leaves the earlier file whole,
 * never a half-written one. The new file keeps an earlier file's permission bits; being a new
 * file, it is no longer one of an earlier file's hard links.
 */
export async function saveResult(path: string, report: BenchReport): Promise<void> {
  const target = await savedLocation(path);
  const earlier = await stat(target).catch(() => null);
  // A short name of its own: the target's name with a suffix could pass the file system's limit.
  const temp = join(dirname(target), `.zhongcao-save-${process.pid}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(report, null, 2)}\n`);
    if (earlier) await chmod(temp, earlier.mode & 0o7777);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Fails before any timing when the saved result cannot judge this run: a suite the gate
 * would compare is missing from it (the gate would pass having compared nothing), or it
 * was measured at the other size (--quick vs full). Scaling is never compared, and a
 * saved suite this run leaves out is fine (running a subset is normal).
 */
export function checkBaseline(saved: SavedResult, path: string, plan: BenchPlan): void {
  const how = (quick: boolean) => (quick ? "with --quick" : "without --quick (full size)");
  if (saved.quick !== plan.quick) {
    throw new InputError(`--compare ${path}: the saved result was measured ${how(saved.quick)}, this run ${how(plan.quick)}; quick and full sizes are not comparable`);
  }
  if (!isDeepStrictEqual(saved.sizes, planSizes(plan))) {
    throw new InputError(
      `--compare ${path}: the saved result was measured at other sizes (${JSON.stringify(saved.sizes)}) than this run's (${JSON.stringify(planSizes(plan))}); record a new baseline`,
    );
  }
  const compared = comparedSuites(plan);
  if (compared.length === 0) throw new InputError(`--compare ${path}: the gate does not compare scaling; add a suite it compares (--suite)`);
  const have = new Set(saved.suites.map((s) => s.name));
  const missing = compared.filter((s) => !have.has(s));
  if (missing.length > 0) {
    throw new InputError(
      `--compare ${path}: no saved result for ${missing.join(", ")}, which this run would measure; the gate cannot judge a suite the file lacks ` +
        "(record a new baseline, or choose suites it has with --suite)",
    );
  }
}

