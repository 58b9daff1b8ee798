import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { formatIssues } from "../config/load.js";
import { InputError } from "../errors.js";
import type { Comparable } from "./compare.js";
import { REPORT_FORMAT, type BenchReport } from "./report.js";

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
  machine: z.looseObject({ cpu: z.string(), cores: z.number(), node: z.string() }),
  calibration: z.looseObject(measured),
  suites: z.array(
    z.looseObject({ name: z.string(), vsCalibration: z.number().positive(), calibration: z.looseObject({ rme: z.number().nonnegative() }), ...measured }),
  ),
});

export type SavedResult = z.infer<typeof savedSchema> & Comparable;

/** Reads a result written by `--save`; anything else is bad input (exit 2) with every problem listed. */
export async function loadSavedResult(path: string): Promise<SavedResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InputError(`--compare ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--compare ${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = savedSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`--compare ${path}: not a zhongcao bench result`, formatIssues(parsed.error.issues));
  return parsed.data;
}

/** Fails before any timing when the file could not be written afterwards. */
export async function checkSavePath(path: string): Promise<void> {
  const dir = await stat(dirname(path)).catch(() => null);
  if (!dir?.isDirectory()) throw new InputError(`--save ${path}: directory ${dirname(path)} does not exist`);
}

export async function saveResult(path: string, report: BenchReport): Promise<void> {
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
