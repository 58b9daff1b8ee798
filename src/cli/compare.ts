import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import type { CompareResult } from "../compare/compare.js";
import { absentMeansZero, spreadUnseen } from "../compare/metrics.js";
import { runsPerReplication } from "../compare/runCount.js";
import { holds, parseThreshold, type Threshold, type Verdict } from "../compare/thresholds.js";
import { loadScenario, type ScenarioOverrides } from "../config/load.js";
import { MAX_USERS } from "../config/schema.js";
import { InputError } from "../errors.js";
import { AtomicDir } from "../run/atomicDir.js";
import { userDays, workerThreadsFor } from "../run/shardPlan.js";
import { checkOutputDir, outputPath } from "../run/outputDir.js";
import { TOOL, VERSION } from "../version.js";
import { integer, shareBelowOne } from "./options.js";
import { interruptible } from "./interrupt.js";
import { createProgress } from "./progress.js";
import { failOnThresholds, num, verdictLines } from "./verdicts.js";
import { MIN_RELAUNCH_USER_DAYS, relaunchIfSaturated, type LaunchContext } from "./relaunch.js";

interface CompareFlags {
  replications: number;
  users?: number;
  days?: number;
  adHoldout?: number;
  workers?: number;
  incrementality?: boolean;
  threshold: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerCompare(program: Command, launch: LaunchContext = {}, argv: readonly string[] = []): void {
  program
    .command("compare")
    .description("Twin runs of two scenarios with common random numbers: per metric the difference B − A with a 95 % confidence interval")
    .argument("<a>", "baseline scenario file")
    .argument("<b>", "alternative scenario file")
    .option("--replications <k>", "replications with different seeds: replication r runs both sides with A's seed + r (B's seed is not used)", integer("--replications", 1, 1000), 5)
    .option("--users <n>", "override population.users on both sides", integer("--users", 1, MAX_USERS))
    .option("--days <n>", "override simulation.days on both sides", integer("--days", 1, 3650))
    .option("--ad-holdout <share>", "run a lift study: hold this share of users out of every ad (experiment.adHoldoutShare on both sides; compared as the accuracy.lift.* metrics)", shareBelowOne("--ad-holdout"))
    .option("--workers <n>", `worker threads per run (default: available cores; 0 = inline). Filling every core in a comparison of at least ${MIN_RELAUNCH_USER_DAYS / 1e6} M user-days (summed over its runs) turns V8's helper threads off, as for run`, integer("--workers", 0, 256))
    .option("--incrementality", "also measure each touch channel's true incremental purchases with a twin run without it, and score each model's credit shares against the channels' parts of that lift")
    .option("--threshold <expr>", "fail with exit 3 unless it holds, on B − A: METRIC<VALUE (or <=, >, >=) tests the mean difference, low(METRIC) and high(METRIC) its 95 % interval's bounds, e.g. 'low(purchases.observed)>0' (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
    .option("--out <dir>", "where compare.json goes (default: reports/compare-<a>-vs-<b>)")
    .option("--json", "print one JSON document")
    .option("--quiet", "no progress bar")
    .action(async (a: string, b: string, flags: CompareFlags) => {
      const thresholds = flags.threshold.map(parseThreshold);
      // A confidence bound needs two replications at least; with one it could only fail.
      const bounds = thresholds.filter((t) => t.statistic !== "mean");
      if (bounds.length > 0 && flags.replications < 2) {
        throw new InputError(`--threshold ${bounds.map((t) => `'${t.source}'`).join(", ")}: low() and high() are bounds of a confidence interval, which needs --replications 2 or more`);
      }
      const stdin = (path: string) => path === "-" || path === "/dev/stdin";
      if (stdin(a) && stdin(b)) throw new InputError(`compare ${a} ${b}: both scenarios would come from standard input, which is read once; give at least one as a file`);
      const overrides: ScenarioOverrides = {};
      if (flags.users !== undefined) overrides.users = flags.users;
      if (flags.days !== undefined) overrides.days = flags.days;
      if (flags.adHoldout !== undefined) overrides.adHoldout = flags.adHoldout;
      // Each file is read once: every replication and probe is made from what was read here.
      const [loadedA, loadedB] = [loadScenario(a, overrides), loadScenario(b, overrides)];
      const [first, second] = [loadedA.scenario, loadedB.scenario];
      const outDir = flags.out ?? join("reports", `compare-${first.name}-vs-${second.name}`);
      await checkOutputDir(outDir);
      const incrementality = flags.incrementality === true;
      // Every run of both scenarios (twins without a channel included) runs in the one process.
      const totalUserDays = (userDays(first) + userDays(second)) * flags.replications * runsPerReplication(incrementality);
      await relaunchIfSaturated(launch, argv, Math.max(workerThreadsFor(first, flags.workers), workerThreadsFor(second, flags.workers)), totalUserDays, [loadedA, loadedB]);
      const progress = createProgress(flags.quiet !== true && flags.json !== true, "compare");
      // Installed before the probe run too, so Ctrl-C there also leaves nothing behind.
      const interrupt = interruptible();
      try {
        // Loaded here, not at the top: a compare that starts itself again never needs the engine.
        const [{ compareScenarios }, { MetricNames, unknownThresholdMetrics }] = await Promise.all([import("../compare/compare.js"), import("../compare/metricNames.js")]);
        if (thresholds.length > 0) {
          // A misspelt metric is bad input: caught here, not after every replication has run.
          const names = await MetricNames.probe([loadedA, loadedB], incrementality, interrupt.signal);
          const unknown = unknownThresholdMetrics(thresholds, names, incrementality);
          if (unknown.length > 0) throw new InputError("unknown metric in --threshold", unknown);
        }
        const result = await compareScenarios(loadedA, loadedB, {
          replications: flags.replications,
          incrementality,
          ...(flags.workers === undefined ? {} : { workers: flags.workers }),
          onRun: (done, total) => progress.update(done, total, 0),
          signal: interrupt.signal,
        });
        progress.stop();
        const verdicts = checkThresholds(result, thresholds);
        const doc = { tool: TOOL, version: VERSION, ...result, thresholds: verdicts };
        // Still interruptible while the files are written: Ctrl-C then leaves no directory.
        const leftovers = await writeCompare(outDir, doc, interrupt.signal);
        for (const leftover of leftovers) process.stderr.write(`zhongcao: warning: ${leftover}\n`);
        process.stdout.write(flags.json === true ? `${JSON.stringify(doc)}\n` : render(result, verdicts, outDir));
        failOnThresholds(verdicts);
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });
}

const NOT_REPORTED = "not reported by every run";
const NOT_MEASURED = "not measured in every run";

function checkThresholds(result: CompareResult, thresholds: readonly Threshold[]): Verdict[] {
  return thresholds.map((t) => {
    const metric = result.metrics.find((m) => m.metric === t.metric);
    // Not measured in some run (missing, or a ratio of nothing): nothing to judge, so it fails.
    if (!metric && result.notMeasuredInEveryRun.includes(t.metric)) return { threshold: t.source, actual: Number.NaN, ok: false, reason: NOT_MEASURED };
    // Zero in every run: B − A is exactly 0, whichever statistic.
    if (!metric && (result.zeroInEveryRun.includes(t.metric) || absentMeansZero(t.metric))) return { threshold: t.source, actual: 0, ok: holds(t, 0), reason: "zero in every run" };
    // Names were checked before the runs, but a metric can still be missing from some run:
    // then the gate cannot show that the threshold holds, so it fails.
    if (!metric) return { threshold: t.source, actual: Number.NaN, ok: false, reason: NOT_REPORTED };
    const actual = metric.diff[t.statistic];
    // A bound of an interval with no width by chance is no evidence: say so beside the verdict.
    if (t.statistic !== "mean" && spreadUnseen(metric.metric, metric.diff)) return { threshold: t.source, actual, ok: holds(t, actual), reason: `all ${metric.diff.n} differences are equal: the interval has no width` };
    return { threshold: t.source, actual, ok: holds(t, actual) };
  });
}

/**
 * Writes compare.json and report.html into `outDir` at once; nothing if `signal` aborts before
 * the end. Returns warnings of earlier output it replaced but could not remove (AtomicDir.commit).
 */
export async function writeCompare(outDir: string, doc: unknown, signal: AbortSignal): Promise<string[]> {
  const dir = await AtomicDir.create(outDir);
  try {
    await mkdir(dir.path, { recursive: true });
    const json = JSON.stringify(doc, null, 2);
    await writeFile(join(dir.path, "compare.json"), `${json}\n`);
    // The report reads the document as written (unknown interval bounds are null in JSON).
    const { writeCompareReport } = await import("../report/html/compareReport.js");
    await writeCompareReport(dir.path, JSON.parse(json) as unknown);
    signal.throwIfAborted();
    return await dir.commit();
  } catch (error) {
    await dir.discard();
    throw signal.aborted ? new Error("interrupted: the comparison was stopped and nothing was written", { cause: error }) : error;
  }
}

function render(r: CompareResult, verdicts: Verdict[], outDir: string): string {
  const lines = [
    `A = ${r.a.name} (${r.a.policy})   B = ${r.b.name} (${r.b.policy})   ${r.replications} replications, seeds ${r.seeds[0]}…${r.seeds[r.seeds.length - 1]}`,
    ...r.warnings.map((w) => `warning: ${w}`),
    "",
  ];
  const w = Math.max(6, ...r.metrics.map((m) => m.metric.length));
  lines.push(`${"metric".padEnd(w)}  ${"A".padStart(12)}  ${"B".padStart(12)}  ${"B − A".padStart(12)}  95 % CI of B − A`);
  for (const m of r.metrics) {
    lines.push(`${m.metric.padEnd(w)}  ${num(m.a.mean).padStart(12)}  ${num(m.b.mean).padStart(12)}  ${num(m.diff.mean).padStart(12)}  [${num(m.diff.low)}, ${num(m.diff.high)}]`);
  }
  lines.push(...verdictLines(verdicts));
  lines.push("", `wrote ${outputPath(outDir)}/ (compare.json, report.html)`);
  return `${lines.join("\n")}\n`;
}
