import type { Fixture } from "./fixture.js";
import type { BenchOp } from "./measure.js";
import type { BenchPlan, RowSuiteName } from "./plan.js";
import type { Unit } from "./report.js";
import { arrowWriteOp } from "./suites/arrowWrite.js";
import { attributionOp } from "./suites/attribution.js";
import { endToEndOp } from "./suites/endToEnd.js";
import { enginesOp } from "./suites/engines.js";
import { generateOp } from "./suites/generate.js";
import { markovSolveOp } from "./suites/markovSolve.js";

export const SUITE_UNITS: Record<RowSuiteName, Unit> = {
  generate: "events",
  engines: "events",
  attribution: "events",
  "end-to-end": "events",
  "arrow-write": "rows",
  "markov-solve": "paths",
};

export interface OpContext {
  readonly plan: BenchPlan;
  /** The shared fixture, built on first use (markov-solve and end-to-end do not need it). */
  readonly fixture: () => Fixture;
  /** Where ops keep scratch files (see inScratchDir). */
  readonly scratch: string;
  readonly signal?: AbortSignal | undefined;
}

/** The op a suite times, set up (fixture, tables, scratch directories) outside any timing. */
export async function rowSuiteOp(name: RowSuiteName, c: OpContext): Promise<BenchOp> {
  switch (name) {
    case "generate":
      return generateOp(c.fixture());
    case "engines":
      return enginesOp(c.fixture());
    case "attribution":
      return attributionOp(c.fixture());
    case "arrow-write":
      return arrowWriteOp(c.fixture(), c.scratch);
    case "markov-solve":
      return markovSolveOp(c.plan.markov);
    case "end-to-end":
      return endToEndOp(c.plan.endToEnd, c.scratch, c.signal);
  }
}
