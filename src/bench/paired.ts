import { buildFixture, type Fixture } from "./fixture.js";
import type { BenchOp } from "./measure.js";
import { rowSuiteOp } from "./ops.js";
import { planSizes, resolvePlan, SUITE_NAMES, type BenchSizes, type RowSuiteName } from "./plan.js";

/**
 * The interface `bench --against` loads from another build's `dist/bench/paired.js` to time
 * both builds in one process. Bump it when `pairedOps` changes shape: a reference build with
 * another version is timed the older way, one process per run.
 */
export const PAIRED_OPS_VERSION = 1;

export interface PairedBuild {
  readonly sizes: BenchSizes;
  /** An op per suite asked for that this build has, in the order asked. */
  readonly ops: readonly BenchOp[];
}

/**
 * This build's ops for `suites` at the quick or full sizes, set up and ready to time. Suites
 * this build does not have are left out (the caller names them). The caller disposes of the ops.
 */
export async function pairedOps(quick: boolean, suites: readonly string[], scratch: string, signal?: AbortSignal): Promise<PairedBuild> {
  const plan = resolvePlan(quick, [], 1);
  let fixture: Fixture | undefined;
  const context = { plan, fixture: () => (fixture ??= buildFixture(plan.fixture)), scratch, signal };
  const known = suites.filter((s): s is RowSuiteName => s !== "scaling" && (SUITE_NAMES as readonly string[]).includes(s));
  const ops: BenchOp[] = [];
  for (const name of known) ops.push(await rowSuiteOp(name, context));
  return { sizes: planSizes(plan), ops };
}
