import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { compareResults } from "../bench/compare.js";
import { resolvePlan, SUITE_NAMES, type SuiteName } from "../bench/plan.js";
import { renderComparison, renderReport } from "../bench/render.js";
import { runBench } from "../bench/runBench.js";
import { checkSavePath, loadSavedResult, saveResult } from "../bench/saved.js";
import { GateError } from "../errors.js";
import { integer } from "./options.js";

/** A drop of the calibrated ratio beyond this (plus measured noise) fails the gate. */
export const DEFAULT_THRESHOLD_PCT = 25;

interface BenchFlags {
  suite?: SuiteName[];
  json?: boolean;
  save?: string;
  compare?: string;
  threshold: number;
  quick?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("Time the pipeline stages with tinybench against an in-run calibration loop and a naive RxJS baseline; optionally gate on a saved result")
    .addOption(new Option("--suite <names...>", "suites to run (default: all; --quick leaves out scaling)").choices(SUITE_NAMES))
    .option("--json", "print one JSON document ({ report, comparison }) and nothing else on stdout")
    .option("--save <file>", "write the results as JSON")
    .option("--compare <file>", "compare calibrated ratios with a saved result; exit 3 on a regression")
    .option("--threshold <pct>", "allowed drop of a calibrated ratio, percent, before noise", integer("--threshold", 1, 99), DEFAULT_THRESHOLD_PCT)
    .option("--quick", "small sizes and fewer samples (CI)")
    .action(async (flags: BenchFlags) => {
      // Bad input is rejected before any timing starts.
      const saved = flags.compare === undefined ? null : await loadSavedResult(flags.compare);
      if (flags.save !== undefined) await checkSavePath(flags.save);
      const plan = resolvePlan(flags.quick === true, flags.suite, availableParallelism());
      const status = flags.json !== true && process.stderr.isTTY;
      const report = await runBench(plan, (stage) => status && process.stderr.write(`bench: ${stage}…\n`));
      if (flags.save !== undefined) await saveResult(flags.save, report);
      const comparison = saved && compareResults(saved, report, flags.threshold);
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ report, comparison })}\n`);
      else process.stdout.write(renderReport(report) + (comparison && flags.compare ? `\n${renderComparison(comparison, flags.compare)}` : ""));
      if (comparison?.failed) {
        const regressed = comparison.rows.filter((r) => r.verdict === "regressed").map((r) => r.suite);
        throw new GateError(`bench: ${regressed.join(", ")} regressed beyond ${flags.threshold} % + noise against ${flags.compare}`);
      }
    });
}
