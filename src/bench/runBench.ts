import { bracket, pooled, type Normaliser } from "./brackets.js";
import { buildFixture } from "./fixture.js";
import { measureOp, type Measurement } from "./measure.js";
import { rowSuiteOp, SUITE_UNITS } from "./ops.js";
import type { BenchPlan } from "./plan.js";
import { baselineResult, benchReport, scalingReport, suiteResult, type BenchReport, type ScalingReport, type SuiteResult } from "./report.js";
import { calibrationSuite } from "./suites/calibration.js";
import { naiveBaselineSuite } from "./suites/naiveBaseline.js";
import { scalingSuite } from "./suites/scaling.js";

export interface BenchRunOptions {
  /** Where suites keep scratch files and child runs write (see inScratchDir). */
  readonly scratch: string;
  /** Names each stage as it starts (for a status line). */
  readonly onStage?: (stage: string) => void;
  /** Stops the bench: at the next stage, or within end-to-end at its run's next day end. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a plan: the fixture, then the naive baseline and each chosen suite in turn, with
 * the calibration measured before the first and after every one, so each is divided by
 * the machine's speed at the time it ran rather than at the start of the run.
 */
export async function runBench(plan: BenchPlan, { scratch, onStage: announce, signal }: BenchRunOptions): Promise<BenchReport> {
  const onStage = (stage: string) => {
    signal?.throwIfAborted();
    announce?.(stage);
  };
  onStage("fixture");
  const f = buildFixture(plan.fixture);
  const calibrations: Measurement[] = [];
  const calibrate = async () => {
    onStage("calibration");
    const m = await calibrationSuite(f, plan.calibration);
    calibrations.push(m);
    return m;
  };
  let before = await calibrate();
  const bracketed = async <T>(stage: string, run: () => Promise<T>): Promise<[T, Normaliser]> => {
    onStage(stage);
    const result = await run();
    const after = await calibrate();
    const around = bracket(before, after);
    before = after;
    return [result, around];
  };

  const baseline = baselineResult(...(await bracketed("naive-baseline", () => naiveBaselineSuite(f, plan.sampling))));
  const suites: SuiteResult[] = [];
  let scaling: ScalingReport | undefined;
  for (const name of plan.suites) {
    if (name === "scaling") {
      const [result, around] = await bracketed(name, () => scalingSuite(plan.scaling, scratch));
      scaling = scalingReport(result, around, baseline);
      continue;
    }
    const sampling = name === "end-to-end" ? plan.endToEnd.sampling : plan.sampling;
    const [m, around] = await bracketed(name, async () => measureOp(await rowSuiteOp(name, { plan, fixture: () => f, scratch, signal }), sampling));
    suites.push(suiteResult(name, SUITE_UNITS[name], m, around, baseline));
  }
  // A stop asked for during the closing calibration is honoured too: no report, nothing saved.
  signal?.throwIfAborted();
  return benchReport(plan, pooled(calibrations), baseline, suites, scaling);
}
