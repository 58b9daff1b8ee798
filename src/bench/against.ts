import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, promisify } from "node:util";
import { geometricMean } from "simple-statistics";
import { InputError } from "../errors.js";
import type { Comparable } from "./compare.js";
import { parseBenchResult, type SavedResult } from "./saved.js";

/** This build's CLI entry; the same two levels up from src/bench and dist/bench. */
const OWN_BIN = fileURLToPath(new URL("../../bin/zhongcao.js", import.meta.url));

export type Side = "current" | "reference";

/** Every run of both builds, in the order they ran. */
export interface AlternateRuns {
  readonly current: SavedResult[];
  readonly reference: SavedResult[];
  readonly order: Side[];
}

/** The CLI entry of the zhongcao build in `dir` (a checkout with `npm ci && npm run build` done); bad input if there is none. */
export async function referenceBin(dir: string): Promise<string> {
  const bin = resolve(dir, "bin", "zhongcao.js");
  const built = await stat(join(dir, "dist", "cli", "main.js")).catch(() => null);
  const entry = await stat(bin).catch(() => null);
  if (!entry?.isFile() || !built?.isFile()) {
    throw new InputError(`--against ${dir}: no zhongcao build there (it needs bin/zhongcao.js and dist/cli/main.js; run npm ci && npm run build in it)`);
  }
  return bin;
}

/**
 * Runs `zhongcao bench ARGS --json` of this build and of the reference build alternately,
 * `rounds` runs each, in the order reference, current, current, reference, … (ABBA), each
 * run a fresh process: both builds see the same machine at nearly the same moments, so a
 * slow spell or another CPU model moves both sides, not the comparison.
 */
export async function benchAlternately(
  reference: string,
  args: readonly string[],
  rounds: number,
  o: { signal?: AbortSignal; onRun?: (side: Side, run: number, total: number) => void } = {},
): Promise<AlternateRuns> {
  const runs: AlternateRuns = { current: [], reference: [], order: [] };
  for (let round = 0; round < rounds; round++) {
    // The reference first: a reference that cannot run fails before this build is timed.
    const pair: Side[] = round % 2 === 0 ? ["reference", "current"] : ["current", "reference"];
    for (const side of pair) {
      o.onRun?.(side, runs.order.length + 1, 2 * rounds);
      const bin = side === "current" ? OWN_BIN : reference;
      runs[side].push(await childBench(bin, args, side === "current" ? "this build" : `--against build ${reference}`, o.signal));
      runs.order.push(side);
      // Known after the first pair: stop there rather than time the rest for nothing.
      checkSameSizes(runs);
    }
  }
  return runs;
}

function checkSameSizes(runs: AlternateRuns): void {
  const [current, reference] = [runs.current[0], runs.reference[0]];
  if (!current || !reference || isDeepStrictEqual(current.sizes, reference.sizes)) return;
  throw new InputError(
    `--against: the reference build measures other sizes (${JSON.stringify(reference.sizes)}) than this one (${JSON.stringify(current.sizes)}); ` +
      "its figures do not compare: choose a reference whose bench has this one's sizes",
  );
}

async function childBench(bin: string, args: readonly string[], label: string, signal?: AbortSignal): Promise<SavedResult> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [bin, "bench", ...args, "--json"], { maxBuffer: 64 * 2 ** 20, ...(signal ? { signal } : {}) }));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const e = error as { code?: number | string; signal?: string; stderr?: string };
    const said = (e.stderr ?? "").trim().split("\n").slice(-5).join("\n");
    const how = typeof e.code === "number" ? `exit ${e.code}` : e.signal ? `killed by ${e.signal}` : String(e.code ?? "did not start");
    const message = `${label}: bench ${args.join(" ")} failed (${how})${said ? `:\n${said}` : ""}`;
    // Arguments one build refuses (a suite it does not have) are bad input, as they would be here.
    throw e.code === 2 ? new InputError(message) : new Error(message);
  }
  let printed: unknown;
  try {
    printed = JSON.parse(stdout);
  } catch (error) {
    // `bench --json` prints one JSON document and nothing else: this is not a working build.
    throw new Error(`${label}: bench --json printed something other than one JSON document (${(error as Error).message}): ${stdout.slice(0, 200)}`);
  }
  return parseBenchResult((printed as { report?: unknown } | null)?.report, label);
}

/**
 * One side's runs as one result the gate can judge: per suite the geometric mean of the
 * runs' calibrated ratios, and as its margin the larger of the runs' own margins pooled
 * (suite and calibration in quadrature, then over runs) and half the spread between runs,
 * which catches a run that moved as a whole.
 */
export function pooledRuns(runs: readonly Comparable[]): Comparable {
  const names = runs[0]?.suites.map((s) => s.name) ?? [];
  const suites = names.flatMap((name) => {
    const of = runs.map((r) => r.suites.find((s) => s.name === name));
    if (of.some((s) => s === undefined)) return [];
    const found = of as NonNullable<(typeof of)[number]>[];
    const ratios = found.map((s) => s.vsCalibration);
    const mean = geometricMean(ratios);
    const own = Math.sqrt(found.reduce((sum, s) => sum + s.rme ** 2 + s.calibration.rme ** 2, 0)) / found.length;
    const spread = (100 * (Math.max(...ratios) - Math.min(...ratios))) / 2 / mean;
    return [{ name, vsCalibration: mean, rme: Math.max(own, spread), calibration: { rme: 0 } }];
  });
  return { suites };
}
