import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { geometricMean } from "simple-statistics";
import { InputError } from "../errors.js";
import type { Comparable } from "./compare.js";
import { summarizeHalves, timeRounds, type InterleavedSuite, type Round } from "./interleave.js";
import { PAIRED_OPS_VERSION, pairedOps, type PairedBuild } from "./paired.js";
import { comparedSuites, type BenchPlan, type Interleaving } from "./plan.js";
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
      checkFirstPairSizes(runs);
    }
  }
  return runs;
}

function checkFirstPairSizes(runs: AlternateRuns): void {
  const [current, reference] = [runs.current[0], runs.reference[0]];
  if (current && reference) checkSameSizes(reference.sizes, current.sizes);
}

function checkSameSizes(reference: unknown, current: unknown): void {
  if (isDeepStrictEqual(reference, current)) return;
  throw new InputError(
    `--against: the reference build measures other sizes (${JSON.stringify(reference)}) than this one (${JSON.stringify(current)}); ` +
      "its figures do not compare: choose a reference whose bench has this one's sizes",
  );
}

async function childBench(bin: string, args: readonly string[], label: string, signal?: AbortSignal): Promise<SavedResult> {
  const printed = await childJson(bin, ["bench", ...args, "--json"], label, signal);
  return parseBenchResult((printed as { report?: unknown } | null)?.report, label);
}

/** Set in a half's environment: with the IPC channel, it stops the half when the gate is gone (see watchGate). */
export const GATE_CHILD_ENV = "ZHONGCAO_GATE_CHILD";

/**
 * Runs `node bin ARGS` and parses the one JSON document it prints; its exit 2 stays bad
 * input. A `gateChild` gets an IPC channel, whose closing tells it the gate is gone even
 * when the gate could not say so (SIGKILL): it then stops rather than time on alone. Other
 * builds' CLIs get none: an open channel would keep a process that ignores it alive.
 */
async function childJson(bin: string, args: readonly string[], label: string, signal?: AbortSignal, o: { gateChild?: boolean } = {}): Promise<unknown> {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["ignore", "pipe", "pipe", ...(o.gateChild ? (["ipc"] as const) : [])],
    ...(o.gateChild ? { env: { ...process.env, [GATE_CHILD_ENV]: "1" } } : {}),
    ...(signal ? { signal } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, killedBy) => resolve({ code, signal: killedBy }));
  });
  if (signal?.aborted) throw signal.reason;
  if (ended.error || ended.code !== 0) {
    const said = stderr.trim().split("\n").slice(-5).join("\n");
    const how = ended.error ? `did not start: ${ended.error.message}` : ended.code !== null ? `exit ${ended.code}` : `killed by ${ended.signal}`;
    const message = `${label}: ${args.filter((a) => a !== "--json").join(" ")} failed (${how})${said ? `:\n${said}` : ""}`;
    // Arguments one build refuses (a suite it does not have) are bad input, as they would be here.
    throw ended.code === 2 ? new InputError(message) : new Error(message);
  }
  try {
    return JSON.parse(stdout);
  } catch (error) {
    // `bench --json` prints one JSON document and nothing else: this is not a working build.
    throw new Error(`${label}: bench --json printed something other than one JSON document (${(error as Error).message}): ${stdout.slice(0, 200)}`);
  }
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

/** What `bench --against` needs of another build's `dist/bench/paired.js`. */
export interface PairedModule {
  readonly PAIRED_OPS_VERSION: number;
  readonly pairedOps: (quick: boolean, suites: readonly string[], scratch: string, signal?: AbortSignal) => Promise<PairedBuild>;
}

/**
 * The reference build's paired-timing interface, or null when it has none of this version
 * (a build from before it, or one it has since changed): that build is timed in processes.
 */
export async function pairedReference(dir: string): Promise<PairedModule | null> {
  const path = resolve(dir, "dist", "bench", "paired.js");
  if (!(await stat(path).catch(() => null))?.isFile()) return null;
  let loaded: Partial<PairedModule>;
  try {
    loaded = (await import(pathToFileURL(path).href)) as Partial<PairedModule>;
  } catch (error) {
    throw new InputError(`--against ${dir}: its build cannot be loaded (${(error as Error).message}); run npm ci && npm run build in it`);
  }
  return loaded.PAIRED_OPS_VERSION === PAIRED_OPS_VERSION && typeof loaded.pairedOps === "function" ? (loaded as PairedModule) : null;
}

/** Which build's ops a half sets up first. */
export type SetUpFirst = "reference" | "this";

/**
 * One half of the in-process gate, run in this process: both builds' ops for the plan's
 * suites, set up in the order given, then timed suite by suite with `timeRounds` at half
 * the plan's interleaving budget. Other sizes are bad input, and so is a suite the
 * reference lacks when it was named (`named`); otherwise such a suite is left out, as the
 * gate in processes leaves out a suite only one build ran, and the rounds have no entry for it.
 */
export async function interleavedHalf(
  reference: PairedModule,
  plan: BenchPlan,
  first: SetUpFirst,
  scratch: string,
  signal?: AbortSignal,
  named = true,
): Promise<Record<string, Round[]>> {
  const suites = comparedSuites(plan);
  const half: Interleaving = {
    warmups: Math.ceil(plan.interleaving.warmups / 2),
    minRounds: Math.ceil(plan.interleaving.minRounds / 2),
    maxRounds: Math.ceil(plan.interleaving.maxRounds / 2),
    timeMs: plan.interleaving.timeMs / 2,
  };
  let theirs: PairedBuild | undefined;
  let ours: PairedBuild | undefined;
  const setUpTheirs = async () =>
    (theirs = await reference.pairedOps(plan.quick, suites, scratch, signal).catch((error: unknown) => {
      throw new Error(`--against build: setting up its bench failed: ${(error as Error).message}`);
    }));
  const setUpOurs = async () => (ours = await pairedOps(plan.quick, suites, scratch, signal));
  try {
    if (first === "reference") await setUpTheirs().then(setUpOurs);
    else await setUpOurs().then(setUpTheirs);
    const [t, c] = [theirs!, ours!];
    checkComparable(named ? suites : suites.filter((s) => t.ops.some((op) => op.name === s)), t, c);
    const rounds: Record<string, Round[]> = {};
    for (const op of c.ops) {
      const other = t.ops.find((o) => o.name === op.name);
      if (other) rounds[op.name] = await timeRounds(other, op, half, signal);
    }
    return rounds;
  } finally {
    for (const op of [...(theirs?.ops ?? []), ...(ours?.ops ?? [])]) await op.dispose?.();
  }
}

/**
 * The in-process gate: two halves, each in a fresh process of this build (`bench --against
 * DIR --half FIRST`), the first setting the reference's ops up first and the second this
 * build's. Both matter:
 * - what is set up second runs differently from what is set up first, by about 5 % either
 *   way (with two copies of one build, markov-solve faster and generate slower on the side
 *   set up second; swapping the order swapped the sign);
 * - a process's compiled code and memory layout are its own: in one process the same
 *   generate code ran 23 % slower for one copy over a hundred rounds, and not in the next
 *   process. Rounds within a process cannot show that; the two halves' medians can.
 * `args` are the plan's flags (--quick, --suite …) for the children. Suites the reference
 * lacks, left out when not named, come back as `leftOut`.
 */
export async function benchInterleaved(
  dir: string,
  plan: BenchPlan,
  args: readonly string[],
  o: { signal?: AbortSignal; onHalf?: (first: SetUpFirst, index: number) => void } = {},
): Promise<{ suites: InterleavedSuite[]; leftOut: string[] }> {
  const suites = comparedSuites(plan);
  const halves: Record<string, Round[]>[] = [];
  for (const [index, first] of (["reference", "this"] as const).entries()) {
    o.signal?.throwIfAborted();
    o.onHalf?.(first, index + 1);
    const printed = await childJson(OWN_BIN, ["bench", ...args, "--against", dir, "--half", first, "--quiet", "--json"], `the in-process gate (half ${index + 1})`, o.signal, {
      gateChild: true,
    });
    halves.push((printed as { rounds: Record<string, Round[]> }).rounds);
  }
  // A suite the reference lacks has no rounds (the halves leave it out unless it was named).
  const timed = suites.filter((s) => halves.every((h) => h[s] !== undefined));
  return { suites: timed.map((s) => summarizeHalves(s, halves.map((h) => h[s]!))), leftOut: suites.filter((s) => !timed.includes(s)) };
}

function checkComparable(suites: readonly string[], theirs: PairedBuild, ours: PairedBuild): void {
  checkSameSizes(theirs.sizes, ours.sizes);
  if (suites.length === 0) throw new InputError("--against: the reference build has none of this build's suites (other than scaling); there is nothing to compare");
  const missing = suites.filter((s) => !theirs.ops.some((op) => op.name === s));
  if (missing.length > 0) throw new InputError(`--against: the reference build has no ${missing.join(", ")} suite; leave ${missing.length === 1 ? "it" : "them"} out (--suite)`);
}
