import { binomialDistribution, geometricMean } from "simple-statistics";
import type { Comparable } from "./compare.js";
import type { BenchOp } from "./measure.js";
import type { Interleaving } from "./plan.js";

/** One suite timed call by call, this build beside the reference, in one process. */
export interface InterleavedSuite {
  readonly suite: string;
  readonly rounds: number;
  /** Median milliseconds per call of each build. */
  readonly referenceMs: number;
  readonly currentMs: number;
  /** Per round: the reference's time per unit ÷ this build's (above 1: this build is faster). */
  readonly ratios: readonly number[];
  /** The geometric mean of the halves' median ratios. */
  readonly speed: number;
  /** A distribution-free interval around `speed`, from the order statistics of the ratios, each half's moved onto `speed`. */
  readonly low: number;
  readonly high: number;
  /** How likely the interval is to hold the true median (≥ 0.95 from six rounds on). */
  readonly confidence: number;
  /** The median ratio of each half (each a process of its own), in the order run. */
  readonly halves: readonly number[];
  /** The relative margin the gate uses: half the interval's width, or half the spread between the halves' medians when larger. */
  readonly noise: number;
}

/** One round: a call of each build. */
export interface Round {
  readonly referenceMs: number;
  readonly currentMs: number;
  /** The reference's time per unit ÷ this build's. */
  readonly ratio: number;
}

/**
 * Times two builds' ops for one suite in rounds, a call of each per round, the order
 * alternating (reference, this, this, reference, …), each call's time divided by the units
 * it handled. Two processes of the same code on these machines differ by up to 1.5× in speed
 * (a slow spell, where the memory landed), far more than a regression worth catching; calls
 * of both builds side by side in one process see the same spell, so a round's ratio keeps
 * only the difference between the builds.
 */
export async function timeRounds(reference: BenchOp, current: BenchOp, budget: Interleaving, signal?: AbortSignal): Promise<Round[]> {
  // Outside the timed part: a failure says whose op it was.
  const call = async (op: BenchOp) => {
    // Synchronous ops never give the event loop a turn: without one before each call, a stop
    // (a signal, the gate's channel closing) would wait for the warm-ups or a whole round.
    await new Promise(setImmediate);
    return timeCall(op, signal).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      throw new Error(`${op === reference ? "the --against build's" : "this build's"} ${op.name} failed: ${(error as Error).message}`, { cause: error });
    });
  };
  for (let w = 0; w < budget.warmups; w++) {
    await call(reference);
    await call(current);
  }
  const rounds: Round[] = [];
  const started = performance.now();
  while (rounds.length < budget.maxRounds && (rounds.length < budget.minRounds || performance.now() - started < budget.timeMs)) {
    const referenceFirst = rounds.length % 2 === 0;
    const first = await call(referenceFirst ? reference : current);
    const second = await call(referenceFirst ? current : reference);
    const [r, c] = referenceFirst ? [first, second] : [second, first];
    rounds.push({ referenceMs: r.ms, currentMs: c.ms, ratio: r.ms / r.units / (c.ms / c.units) });
  }
  return rounds;
}

/**
 * A suite's rounds from every half summed up. The speed is the geometric mean of the
 * halves' median ratios, so each half (each set-up order) weighs the same whatever its
 * number of rounds; the median of all rounds pooled would sit wherever the halves' tails
 * happen to meet. The interval is taken over every round's ratio moved by its half's offset
 * from that speed, so it measures the spread within halves, and the noise the gate counts is
 * the larger of half its width and half the spread between the halves' medians.
 */
export function summarizeHalves(suite: string, halves: readonly (readonly Round[])[]): InterleavedSuite {
  const timed = halves.filter((h) => h.length > 0);
  const rounds = timed.flat();
  const halfMedians = timed.map((h) => middle(h.map((r) => r.ratio)));
  const speed = geometricMean(halfMedians);
  const centred = timed.flatMap((h, i) => h.map((r) => (r.ratio / halfMedians[i]!) * speed));
  const { low, high, confidence } = medianInterval(centred.sort((a, b) => a - b));
  const spread = (Math.max(...halfMedians) - Math.min(...halfMedians)) / 2;
  return {
    suite,
    rounds: rounds.length,
    referenceMs: middle(rounds.map((r) => r.referenceMs)),
    currentMs: middle(rounds.map((r) => r.currentMs)),
    ratios: rounds.map((r) => r.ratio),
    speed,
    low,
    high,
    confidence,
    halves: halfMedians,
    noise: Math.max((high - low) / 2, spread) / speed,
  };
}

async function timeCall(op: BenchOp, signal?: AbortSignal): Promise<{ ms: number; units: number }> {
  signal?.throwIfAborted();
  op.beforeEach?.();
  const start = performance.now();
  await op.run();
  const ms = performance.now() - start;
  await op.afterEach?.();
  const units = op.units();
  if (!(units > 0)) throw new Error(`bench: ${op.name} handled ${units} units in a call`);
  return { ms, units };
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * The order-statistic interval for a median: with n values, the k-th smallest and the
 * k-th largest hold the median with probability 1 − 2 P(B < k), B ~ Binomial(n, ½). The
 * largest k keeping that at least 95 % is taken; under six values no k does, and the
 * interval is the whole range with the confidence it has.
 */
export function medianInterval(sorted: readonly number[]): { low: number; high: number; confidence: number } {
  const n = sorted.length;
  if (n === 0) throw new Error("medianInterval: no values");
  const p = binomialDistribution(n, 0.5) ?? [];
  // k = 1: the whole range; `below` is P(B < k), the chance the median lies under the k-th value.
  let k = 1;
  let below = p[0]!;
  while (k < Math.ceil(n / 2)) {
    const next = below + p[k]!;
    if (next > 0.025) break;
    k++;
    below = next;
  }
  return { low: sorted[k - 1]!, high: sorted[n - k]!, confidence: Math.max(0, 1 - 2 * below) };
}

/** Interleaved suites as the two sides `compareResults` judges: the reference as the unit, this build at its speed, with its noise as margin. */
export function interleavedComparables(suites: readonly InterleavedSuite[]): { reference: Comparable; current: Comparable } {
  return {
    reference: { suites: suites.map((s) => ({ name: s.suite, vsCalibration: 1, rme: 0, calibration: { rme: 0 } })) },
    current: { suites: suites.map((s) => ({ name: s.suite, vsCalibration: s.speed, rme: 100 * s.noise, calibration: { rme: 0 } })) },
  };
}
