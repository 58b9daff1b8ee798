import { join } from "node:path";
import { Option, type Command } from "commander";
import type { ChannelName } from "../events/enums.js";
import { REMOVABLE_CHANNELS } from "../sim/shard.js";
import { loadScenario, DEFAULT_SCENARIO_PATH, type ScenarioOverrides } from "../config/load.js";
import { MAX_USERS } from "../config/schema.js";
import { DEFAULT_BATCH_ROWS, userDays, workerThreadsFor } from "../run/shardPlan.js";
import type { RunManifest } from "../report/manifest.js";
import { parseThreshold } from "../compare/thresholds.js";
import { InputError } from "../errors.js";
import { counted } from "../plural.js";
import { integer, shareBelowOne } from "./options.js";
import { liftLine } from "./liftLine.js";
import { failOnThresholds, verdictLines } from "./verdicts.js";
import { interruptible } from "./interrupt.js";
import { createProgress } from "./progress.js";
import { checkOutputDir, outputPath } from "../run/outputDir.js";
import { MIN_RELAUNCH_USER_DAYS, relaunchIfSaturated, type LaunchContext } from "./relaunch.js";

interface RunFlags {
  seed?: number;
  users?: number;
  days?: number;
  adHoldout?: number;
  out?: string;
  events?: boolean;
  json?: boolean;
  quiet?: boolean;
  batchRows: number;
  workers?: number;
  removeChannel?: ChannelName;
  threshold: string[];
}

export function registerRun(program: Command, launch: LaunchContext = {}, argv: readonly string[] = []): void {
  program
    .command("run")
    .description("Simulate a scenario, run the engines and write a run directory (default: the built-in default scenario)")
    .argument("[scenario]", "scenario file (YAML or JSON)", DEFAULT_SCENARIO_PATH)
    .option("--seed <n>", "override the scenario seed", integer("--seed", 0, 2 ** 32 - 1))
    .option("--users <n>", "override population.users", integer("--users", 1, MAX_USERS))
    .option("--days <n>", "override simulation.days", integer("--days", 1, 3650))
    .option("--ad-holdout <share>", "run a lift study: hold this share of users out of every ad (experiment.adHoldoutShare; results in run.json accuracy.lift)", shareBelowOne("--ad-holdout"))
    .option("--out <dir>", "run directory (default: reports/<scenario>-<seed>, with -without-<channel> for --remove-channel)")
    .option("--workers <n>", `worker threads (default: available cores; 0 = inline, for debugging). When they fill every core and the run has at least ${MIN_RELAUNCH_USER_DAYS / 1e6} M user-days (users × days), it starts itself again with V8's helper threads off: faster, and more memory`, integer("--workers", 0, 256))
    .addOption(new Option("--remove-channel <name>", "twin run: this channel's touches (or baseline demand) plant no purchases (true incrementality)").choices(REMOVABLE_CHANNELS))
    .option("--batch-rows <n>", "rows per pipeline batch (outputs are identical for any value)", integer("--batch-rows", 1, 1 << 20), DEFAULT_BATCH_ROWS)
    .option("--events", "also write every event to events/part-NNNNN.arrow")
    .option("--json", "print run.json to stdout and nothing else")
    .option("--quiet", "no progress bar and no summary")
    .option(
      "--threshold <expr>",
      "exit 3 after writing the run unless it holds on the run's own metric: METRIC<VALUE (or <=, >, >=), names as compare reports them, e.g. 'accuracy.aips.tiPrecision>=0.6'; the verdicts go into run.json (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .action(async (scenarioPath: string, flags: RunFlags) => {
      const thresholds = flags.threshold.map(parseThreshold);
      const bounds = thresholds.filter((t) => t.statistic !== "mean");
      if (bounds.length > 0) {
        throw new InputError(`--threshold ${bounds.map((t) => `'${t.source}'`).join(", ")}: low() and high() are bounds of compare's confidence interval; one run has none (give the metric alone)`);
      }
      const overrides: ScenarioOverrides = {};
      if (flags.seed !== undefined) overrides.seed = flags.seed;
      if (flags.users !== undefined) overrides.users = flags.users;
      if (flags.days !== undefined) overrides.days = flags.days;
      if (flags.adHoldout !== undefined) overrides.adHoldout = flags.adHoldout;
      const loaded = loadScenario(scenarioPath, overrides);
      await relaunchIfSaturated(launch, argv, workerThreadsFor(loaded.scenario, flags.workers), userDays(loaded.scenario), [loaded]);
      const suffix = flags.removeChannel ? `-without-${flags.removeChannel}` : "";
      const outDir = flags.out ?? join("reports", `${loaded.scenario.name}-${loaded.scenario.seed}${suffix}`);
      const progress = createProgress(flags.quiet !== true && flags.json !== true, "run");
      const interrupt = interruptible();
      try {
        // Loaded here, not at the top: a run that starts itself again never needs the engine.
        const { runScenario } = await import("../run/runScenario.js");
        if (thresholds.length > 0) {
          // The probe takes a moment: a bad --out is refused before it, as before any work.
          await checkOutputDir(outDir);
          // A misspelt metric is bad input: caught against a tiny probe run, before this one starts.
          const { MetricNames, unknownThresholdMetrics } = await import("../compare/metricNames.js");
          const unknown = unknownThresholdMetrics(thresholds, await MetricNames.probe([loaded], false, interrupt.signal), false, "run");
          if (unknown.length > 0) throw new InputError("unknown metric in --threshold", unknown);
        }
        const { manifest, leftovers } = await runScenario(loaded, {
          outDir,
          events: flags.events === true,
          batchRows: flags.batchRows,
          ...(flags.workers === undefined ? {} : { workers: flags.workers }),
          ...(flags.removeChannel === undefined ? {} : { removeChannel: flags.removeChannel }),
          onProgress: (done, total, events) => progress.update(done, total, events),
          signal: interrupt.signal,
          thresholds,
        });
        progress.stop();
        for (const leftover of leftovers) process.stderr.write(`zhongcao: warning: ${leftover}\n`);
        if (flags.json === true) process.stdout.write(`${JSON.stringify(manifest)}\n`);
        else if (flags.quiet !== true) process.stdout.write(summary(manifest, outDir));
        // The run is written whole either way: a gate that fails keeps what it judged.
        failOnThresholds(manifest.thresholds ?? []);
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });
}

function summary(m: RunManifest, outDir: string): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const lines = [
    `zhongcao ${m.version}  scenario ${m.scenario.name}  seed ${m.seed}  policy ${m.scenario.resolved.policy.type}`,
    `events      ${m.events.total.toLocaleString("en-US")} (${m.events.observed.toLocaleString("en-US")} observed, ${counted(m.events.duplicates, "duplicate")})`,
    `purchases   ${m.purchases.total.toLocaleString("en-US")} true, ${m.purchases.observed.toLocaleString("en-US")} observed`,
    `speed       ${m.timing.eventsPerSecond.toLocaleString("en-US")} events/s over ${m.timing.seconds} s (${m.workers === 0 ? "inline" : `${m.workers} worker${m.workers === 1 ? "" : "s"}`}, CPU ${m.timing.cpuSeconds.toFixed(1)} s: ${(m.timing.cpuSeconds / m.timing.seconds).toFixed(2)} cores busy${m.timing.v8HelperThreads ? "" : ", V8 helper threads off"})`,
    `peak RSS    ${mib(m.memory.peakRssBytes)}`,
    ...[liftLine(m.accuracy)].filter((line) => line !== null).map((line) => `lift study  ${line}`),
    `calibration ${m.calibration.filter((r) => r.ok).length}/${m.calibration.length} within target (zhongcao inspect ${outDir})`,
    ...m.warnings.map((w) => `warning     ${w}`),
    // The outputs listed in run.json, run.json itself and report.html.
    `wrote       ${outputPath(outDir)}/ (${m.outputs.length + 2} files)`,
    ...verdictLines(m.thresholds ?? []),
  ];
  return `${lines.join("\n")}\n`;
}
