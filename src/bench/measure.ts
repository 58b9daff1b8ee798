import { Bench, type FnOptions } from "tinybench";
import type { Sampling } from "./plan.js";

/** Latency statistics of one task's samples. */
export interface Timing {
  readonly samples: number;
  readonly meanMs: number;
  readonly sdMs: number;
  /** Relative margin of error of the mean, percent (95 % Student-t interval). */
  readonly rme: number;
}

/** A Timing with the work one call did, and the throughput that implies. */
export interface Measurement extends Timing {
  /** Events, rows or paths handled per call of the task. */
  readonly unitsPerOp: number;
  readonly perSecond: number;
}

/** A task; returning `{ overriddenDuration }` (ms) replaces the measured time, e.g. with a child run's own timing. */
export type TaskFn = () => unknown;

/**
 * One suite's unit of work, defined once and timed two ways: by tinybench (`measureOp`) and,
 * in `bench --against`, call by call beside another build's same op (bench/paired.ts).
 */
export interface BenchOp {
  readonly name: string;
  readonly run: TaskFn;
  /** Events, rows or paths the last call handled. */
  readonly units: () => number;
  /** Untimed, before each call (a fresh simulator). */
  readonly beforeEach?: () => void;
  /** Untimed, after each call (the call's output removed). */
  readonly afterEach?: () => unknown;
  /** Lets go of what the op holds (its scratch directory). */
  readonly dispose?: () => Promise<void>;
}

/**
 * Times `fn` with tinybench. Errors in the task propagate (`throws`), so a broken suite
 * fails the bench instead of reporting nonsense.
 */
export async function measure(name: string, fn: TaskFn, sampling: Sampling, hooks: FnOptions = {}): Promise<Timing> {
  const bench = new Bench({
    name,
    iterations: sampling.iterations,
    time: sampling.timeMs,
    warmup: sampling.warmups > 0,
    warmupIterations: sampling.warmups,
    warmupTime: 0,
    throws: true,
  });
  bench.add(name, fn, hooks);
  await bench.run();
  const result = bench.getTask(name)?.result;
  if (result?.state !== "completed") throw new Error(`bench task ${name} did not complete (${result?.state ?? "missing"})`);
  const { samplesCount, mean, sd, rme } = result.latency;
  return { samples: samplesCount, meanMs: mean, sdMs: sd, rme };
}

export function withUnits(timing: Timing, unitsPerOp: number): Measurement {
  return { ...timing, unitsPerOp, perSecond: unitsPerOp / (timing.meanMs / 1000) };
}

/** Times an op with tinybench, then disposes of it. */
export async function measureOp(op: BenchOp, sampling: Sampling): Promise<Measurement> {
  try {
    const hooks: FnOptions = {};
    if (op.beforeEach) hooks.beforeEach = op.beforeEach;
    if (op.afterEach) hooks.afterEach = async () => void (await op.afterEach?.());
    return withUnits(await measure(op.name, op.run, sampling, hooks), op.units());
  } finally {
    await op.dispose?.();
  }
}
