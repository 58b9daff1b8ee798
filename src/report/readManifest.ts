import { lstat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { cannotRead, readRegularFile } from "../arrow/readInput.js";
import { formatIssues } from "../config/load.js";
import { utf8Text } from "../config/scenarioBytes.js";
import { InputError } from "../errors.js";
import { TOOL } from "../version.js";
import type { RunManifest } from "./manifest.js";

/** run.json is tens of KiB; a far larger one is not a manifest (and is not read whole into memory). */
const MAX_MANIFEST_BYTES = 64 * 2 ** 20;

/** An output as run.json lists it: an Arrow file inside the run directory, by a relative path. */
const outputPath = z
  .string()
  .refine((p) => p.endsWith(".arrow") && !isAbsolute(p) && !p.split(/[/\\]/).includes(".."), "must be the relative path of an .arrow file inside the run directory");

/** The run.json fields inspect and attribute read; anything else in the manifest is passed through untouched. */
const nullableNumber = z.number().nullable(); // NaN and ±Infinity are written to JSON as null
const manifestShape = z.looseObject({
  tool: z.literal(TOOL),
  scenario: z.looseObject({
    name: z.string(),
    sha256: z.string(),
    resolved: z.looseObject({ policy: z.looseObject({ type: z.string() }) }),
  }),
  seed: z.number(),
  events: z.looseObject({ total: z.number() }),
  purchases: z.looseObject({
    total: z.number(),
    observed: z.number(),
    // Absent from runs written before decision cycles were measured.
    decisionCycles: z
      .looseObject({
        burnInDays: z.number(),
        horizonDays: z.number(),
        byCategory: z.record(
          z.string(),
          z.looseObject({ touchToPurchaseDays: z.number(), purchases: z.number(), medianDays: nullableNumber, lowDays: nullableNumber, highDays: nullableNumber }),
        ),
      })
      .optional(),
  }),
  timing: z.looseObject({ eventsPerSecond: z.number() }),
  memory: z.looseObject({ peakRssBytes: z.number() }),
  outputs: z.array(z.looseObject({ path: outputPath, sha256: z.string(), rows: z.number() })),
  calibration: z.array(
    z.looseObject({ metric: z.string(), value: nullableNumber, min: nullableNumber, max: nullableNumber, ok: z.boolean(), source: z.string() }),
  ),
  // Written by `run --threshold`; absent otherwise.
  thresholds: z.array(z.looseObject({ threshold: z.string(), actual: nullableNumber, ok: z.boolean(), reason: z.string().optional() })).optional(),
});

/** run.json of `dir`, null if there is none; a manifest that cannot be read is bad input. */
export async function readManifest(dir: string): Promise<RunManifest | null> {
  const path = join(dir, "run.json");
  const exists = await lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw cannotRead(path, error);
    },
  );
  if (!exists) return null;
  const text = utf8Text(await readRegularFile(path, MAX_MANIFEST_BYTES, "run.json"), path, "run.json");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestShape.safeParse(json);
  if (!parsed.success) throw new InputError(`${path}: not a ${TOOL} run manifest`, formatIssues(parsed.error.issues));
  return json as RunManifest;
}
