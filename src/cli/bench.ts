import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { compareResults, type Comparison } from "../bench/compare.js";
import { resolvePlan, SUITE_NAMES, type BenchPlan, type SuiteName } from "../bench/plan.js";
import { renderAlternation, renderComparison, renderInterleaved, renderReport } from "../bench/render.js";
import type { BenchReport } from "../bench/report.js";
import type { PairedModule, SetUpFirst } from "../bench/against.js";
import { checkBaseline, checkSavePath, loadSavedResult, saveResult } from "../bench/saved.js";
import { GateError, InputError } from "../errors.js";
import { inScratchDir } from "../run/scratchDir.js";
import { interruptible } from "./interrupt.js";
import { integer } from "./options.js";

/** A drop of the calibrated ratio beyond this (plus measured noise, counted up to half of it) fails the gate. */
export const DEFAULT_THRESHOLD_PCT = 25;
/**
 * The same for `--against` timed call by call. Builds of the same code differed there by
 * −10.6 … +4.3 % per suite (ten quick gates), against up to ±17 % between processes; now and
 * then a whole half runs one build's copy of a suite 20–29 % slower (see bench/README.md), and
 * both halves doing so must not fail the build.
 */
export const INTERLEAVED_THRESHOLD_PCT = 20;

interface BenchFlags {
  suite?: SuiteName[];
  json?: boolean;
  save?: string;
  compare?: string;
  threshold?: number;
  quick?: boolean;
  quiet?: boolean;
  against?: string;
  processes?: boolean;
  half?: SetUpFirst;
  rounds: number;
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("Time the pipeline stages with tinybench against an in-run calibration loop and a naive RxJS baseline; optionally gate on a saved result")
    .addOption(new Option("--suite <names...>", "suites to run (default: all; --quick leaves out scaling)").choices(SUITE_NAMES))
    .option("--json", "print one JSON document and nothing else on stdout: { report, comparison }; with --against { interleaved, comparison }, or { runs, comparison } in processes")
    .option("--save <file>", "write the results as JSON")
    .option("--compare <file>", "compare calibrated ratios with a saved result; exit 3 on a regression")
    // Noise widens the allowed drop by up to half the threshold: past 66 % a drop could
    // never reach the failing line (−100 % or beyond), and the gate could not fail.
    .option(
      "--threshold <pct>",
      `allowed drop, a whole percent, before noise (default ${DEFAULT_THRESHOLD_PCT}; ${INTERLEAVED_THRESHOLD_PCT} with --against timed call by call; at most 66: with noise the failing drop stays under 100 %)`,
      integer("--threshold", 1, 66),
    )
    .option(
      "--against <dir>",
      "gate on another zhongcao build (a built checkout): both are timed in one process, a call of each in turn (twice, each time a fresh process), so a slow spell or another CPU model moves both sides; exit 3 on a regression",
    )
    // What the in-process gate runs in each of its two child processes (one half each).
    .addOption(new Option("--half <first>", "run one half of the in-process gate: which build's ops to set up first").choices(["reference", "this"]).hideHelp())
    .option("--processes", "with --against: time each build in processes of its own, alternately (what a reference build without the in-process interface gets)")
    .option("--rounds <n>", "with --against --processes: runs of each build, taken in the order reference, this, this, reference, …", integer("--rounds", 1, 10), 2)
    .option("--quick", "small sizes and fewer samples (CI)")
    .option("--quiet", "no progress lines on stderr")
    .action(async (flags: BenchFlags, command: Command) => {
      // Bad input is rejected before any timing starts.
      const given = (name: string) => command.getOptionValueSource(name) === "cli";
      if (flags.threshold !== undefined && flags.compare === undefined && flags.against === undefined) {
        throw new InputError("--threshold applies only with --compare FILE or --against DIR (it is the gate's allowed drop)");
      }
      if (flags.half !== undefined && flags.against === undefined) throw new InputError("--half applies only with --against DIR");
      if (flags.half !== undefined && flags.processes === true) throw new InputError("--half does not apply with --processes");
      if (flags.processes === true && flags.against === undefined) throw new InputError("--processes applies only with --against DIR");
      if (given("rounds") && flags.processes !== true) throw new InputError("--rounds applies only with --against DIR --processes (in-process timing takes rounds until its time is up)");
      if (flags.against !== undefined) {
        if (flags.compare !== undefined) throw new InputError("--against and --compare are two gates; choose one");
        if (flags.save !== undefined) throw new InputError("--save records one run; it does not apply with --against, which runs two builds");
        await gateAgainst(flags.against, flags);
        return;
      }
      const saved = flags.compare === undefined ? null : await loadSavedResult(flags.compare);
      if (flags.save !== undefined) await checkSavePath(flags.save, flags.compare);
      const plan = resolvePlan(flags.quick === true, flags.suite, availableParallelism());
      if (saved && flags.compare !== undefined) checkBaseline(saved, flags.compare, plan);
      // A line per stage, on a terminal or in a CI log alike (stages take seconds to minutes).
      const report = await timeBench(plan, flags.json !== true && flags.quiet !== true);
      const comparison = saved && compareResults(saved, report, flags.threshold ?? DEFAULT_THRESHOLD_PCT);
      if (saved && flags.compare !== undefined) warnIfOtherMachine(saved.calibration.perSecond, report.calibration.perSecond, flags.compare);
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ report, comparison })}\n`);
      else process.stdout.write(renderReport(report) + (comparison && flags.compare ? `\n${renderComparison(comparison, flags.compare)}` : ""));
      // After the report is out: a save that fails still leaves the run's figures on screen.
      if (flags.save !== undefined) await saveResult(flags.save, report);
      if (comparison && flags.compare !== undefined) failIfRegressed(comparison, flags.compare);
    });
}

/**
 * Calibrated ratios do not carry across CPU models: between two of this project's machines
 * the calibration loop ran 2.3× as fast while end-to-end ran 1.6× as fast, so the same code
 * lost a third of its calibrated ratio. A calibration far from the saved one's says the
 * comparison measures the machine as much as the code.
 */
function warnIfOtherMachine(savedPerSecond: number, nowPerSecond: number, path: string): void {
  const speed = nowPerSecond / savedPerSecond;
  // One machine's calibration moves by 1.25× between back-to-back runs while tests run
  // beside it, and by up to 2.7× on a busy shared runner: only a large gap says much.
  if (speed > 1 / 1.6 && speed < 1.6) return;
  process.stderr.write(
    `zhongcao: the calibration loop ran ${speed.toFixed(2)}× as fast as when ${path} was saved: another machine, or this one far busier or idler; ` +
      "across CPU models calibrated ratios shift by up to a third with no change in the code; compare builds on one machine with --against DIR\n",
  );
}

/**
 * The same-machine gate against the build in `dir`. A build with the in-process interface
 * (bench/paired.ts) is timed call by call beside this one; an older one, or any with
 * `--processes`, runs `bench` in child processes, alternately, each side's runs pooled.
 * Either way the sides are judged as `--compare` judges a saved file.
 */
async function gateAgainst(dir: string, flags: BenchFlags): Promise<void> {
  const plan = resolvePlan(flags.quick === true, flags.suite, availableParallelism());
  if (plan.suites.every((s) => s === "scaling")) throw new InputError("--against: the gate does not compare scaling; add a suite it compares (--suite)");
  const against = await import("../bench/against.js");
  const reference = await against.referenceBin(dir);
  const paired = flags.processes === true ? null : await against.pairedReference(dir);
  if (flags.half !== undefined) {
    if (!paired) throw new InputError(`--half: the build in ${dir} cannot be timed in one process with this one`);
    await runHalf(paired, plan, flags.half, flags);
    return;
  }
  const status = flags.json !== true && flags.quiet !== true;
  if (!paired && flags.processes !== true && status) {
    process.stderr.write("bench: the reference build cannot be timed in one process with this one (it predates that, or has another version of it); timing each build in processes of its own\n");
  }
  const args = [...(flags.quick === true ? ["--quick"] : []), ...(flags.suite && flags.suite.length > 0 ? ["--suite", ...flags.suite] : [])];
  const interrupt = interruptible("stopping the bench runs");
  let comparison: Comparison;
  let printed: { json: unknown; text: string };
  const label = `build ${dir}`;
  try {
    if (paired) {
      const { interleavedComparables } = await import("../bench/interleave.js");
      const { suites, leftOut } = await against.benchInterleaved(dir, plan, args, {
        signal: interrupt.signal,
        onHalf: (first, index) => status && process.stderr.write(`bench: half ${index} of 2, ${first === "reference" ? "the reference" : "this build"} set up first; both builds in turn, a process of their own…\n`),
      });
      const sides = interleavedComparables(suites);
      // Suites only this build has are not judged, as in a comparison of two results.
      const judged = compareResults(sides.reference, sides.current, flags.threshold ?? INTERLEAVED_THRESHOLD_PCT);
      comparison = { ...judged, unmatched: [...judged.unmatched, ...leftOut] };
      printed = { json: { interleaved: suites, comparison }, text: `${renderInterleaved(suites, dir)}\n${renderComparison(comparison, `${label}, a call of each in turn`, "speed relative to the reference")}` };
    } else {
      const runs = await against.benchAlternately(reference, args, flags.rounds, {
        signal: interrupt.signal,
        onRun: (side, run, total) => status && process.stderr.write(`bench: ${side === "current" ? "this build" : "reference build"}, run ${run} of ${total}…\n`),
      });
      comparison = compareResults(against.pooledRuns(runs.reference), against.pooledRuns(runs.current), flags.threshold ?? DEFAULT_THRESHOLD_PCT);
      // As --compare refuses a saved result that lacks this run's suites: a gate that judged nothing must not pass.
      if (comparison.rows.length === 0) {
        throw new InputError(`--against ${dir}: the two builds measured no suite in common (${comparison.unmatched.join(", ")}), so nothing was compared`);
      }
      printed = { json: { runs, comparison }, text: `${renderAlternation(runs, dir)}\n${renderComparison(comparison, `${label}, measured alternately in this run`)}` };
    }
  } catch (error) {
    throw interrupt.signal.aborted ? interrupt.signal.reason : error;
  } finally {
    interrupt.dispose();
  }
  process.stdout.write(flags.json === true ? `${JSON.stringify(printed.json)}\n` : printed.text);
  failIfRegressed(comparison, label);
}

/** One half of the in-process gate (`--half`), in this process: prints each suite's rounds as JSON. */
async function runHalf(reference: PairedModule, plan: BenchPlan, first: SetUpFirst, flags: BenchFlags): Promise<void> {
  const { interleavedHalf, GATE_CHILD_ENV } = await import("../bench/against.js");
  const interrupt = interruptible("stopping the bench half");
  if (process.env[GATE_CHILD_ENV] === "1") watchGate();
  try {
    const named = flags.suite !== undefined && flags.suite.length > 0;
    const rounds = await inScratchDir("bench", (scratch) => interleavedHalf(reference, plan, first, scratch, interrupt.signal, named));
    process.stdout.write(`${JSON.stringify({ rounds })}\n`);
  } catch (error) {
    throw interrupt.signal.aborted ? interrupt.signal.reason : error;
  } finally {
    interrupt.dispose();
  }
}

/**
 * A half started by the gate has an IPC channel to it. The channel closes when the gate
 * ends, however it ends (SIGKILL included), and the half then stops at once, as on SIGTERM,
 * instead of timing on alone beside whatever the machine does next.
 */
function watchGate(): void {
  const stop = () => void process.kill(process.pid, "SIGTERM");
  // The gate started this half with a channel: none left means the gate died while the
  // half was still loading (Node drops `process.channel` when it disconnects).
  const channel = process.channel;
  if (!channel || !process.connected) return stop();
  process.once("disconnect", stop);
  // The channel must not keep the half alive once its work is done.
  channel.unref();
}

/** The gate's verdict as the exit code: 3, naming the suites, when any regressed. */
function failIfRegressed(comparison: Comparison, against: string): void {
  if (!comparison.failed) return;
  const regressed = comparison.rows.filter((r) => r.verdict === "regressed").map((r) => r.suite);
  throw new GateError(`bench: ${regressed.join(", ")} regressed beyond ${comparison.thresholdPct} % + noise against ${against}`);
}

/**
 * Runs the plan in a scratch directory, with Ctrl-C as for `run`: the first stops the
 * bench when the current stage ends (end-to-end: at its run's next day end; a tinybench
 * loop is not stopped midway) and exits 1, a second stops at once; either way the scratch
 * directory is removed.
 */
async function timeBench(plan: BenchPlan, status: boolean): Promise<BenchReport> {
  const interrupt = interruptible("stopping when the current bench stage ends");
  try {
    // Loaded here, not at the top: the suites load the whole engine, which --help never needs.
    const { runBench } = await import("../bench/runBench.js");
    return await inScratchDir("bench", (scratch) =>
      runBench(plan, {
        scratch,
        signal: interrupt.signal,
        onStage: (stage) => status && process.stderr.write(`bench: ${stage}…\n`),
      }),
    );
  } catch (error) {
    // The same Ctrl-C may fail the current stage first (the scaling suite's child runs get it too).
    throw interrupt.signal.aborted ? interrupt.signal.reason : error;
  } finally {
    interrupt.dispose();
  }
}
