import { buildFixture } from "./fixture.js";
import type { Measurement } from "./measure.js";
import type { BenchPlan, SuiteName } from "./plan.js";
import { benchReport, scalingReport, suiteResult, type BenchReport, type ScalingReport, type SuiteResult, type Unit } from "./report.js";
import { arrowWriteSuite } from "./suites/arrowWrite.js";
import { calibrationSuite } from "./suites/calibration.js";
import { endToEndSuite } from "./suites/endToEnd.js";
import { enginesSuite } from "./suites/engines.js";
import { generateSuite } from "./suites/generate.js";
import { markovSolveSuite } from "./suites/markovSolve.js";
import { naiveBaselineSuite } from "./suites/naiveBaseline.js";
import { scalingSuite } from "./suites/scaling.js";

/**
 * Runs a plan: the fixture, the calibration and the naive baseline always, then each
 * chosen suite in order; every figure gets its ratios to the two references.
 * `onStage` names each stage as it starts (for a status line).
 */
export async function runBench(plan: BenchPlan, onStage: (stage: string) => void = () => undefined): Promise<BenchReport> {
  onStage("fixture");
  const f = buildFixture(plan.fixture);
  onStage("calibration");
  const calibration = await calibrationSuite(f, plan.sampling);
  onStage("naive-baseline");
  const baseline = await naiveBaselineSuite(f, plan.sampling);
  const refs = { calibration, baseline };
  const rowSuites: Record<Exclude<SuiteName, "scaling">, [Unit, () => Promise<Measurement>]> = {
    generate: ["events", () => generateSuite(f, plan.sampling)],
    engines: ["events", () => enginesSuite(f, plan.sampling)],
    "end-to-end": ["events", () => endToEndSuite(plan.endToEnd)],
    "arrow-write": ["rows", () => arrowWriteSuite(f, plan.sampling)],
    "markov-solve": ["paths", () => markovSolveSuite(plan.markov, plan.sampling)],
  };
  const suites: SuiteResult[] = [];
  let scaling: ScalingReport | undefined;
  for (const name of plan.suites) {
    onStage(name);
    if (name === "scaling") {
      scaling = scalingReport(await scalingSuite(plan.scaling), refs);
      continue;
    }
    const [unit, run] = rowSuites[name];
    suites.push(suiteResult(name, unit, await run(), refs));
  }
  return benchReport(plan.quick, refs, suites, scaling);
}
