import { describe, expect, it } from "vitest";
import { compareResults } from "../src/bench/compare.js";
import { interleavedComparables, medianInterval, summarizeHalves, timeRounds } from "../src/bench/interleave.js";
import type { BenchOp } from "../src/bench/measure.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("medianInterval", () => {
  it("takes the order statistics of the standard table (n = 12: 3rd and 10th; n = 20: 6th and 15th; n = 100: 40th and 61st)", () => {
    expect(medianInterval(range(12))).toMatchObject({ low: 3, high: 10 });
    expect(medianInterval(range(12)).confidence).toBeCloseTo(1 - 2 * (1 + 12 + 66) / 4096, 12);
    expect(medianInterval(range(20))).toMatchObject({ low: 6, high: 15 });
    expect(medianInterval(range(100))).toMatchObject({ low: 40, high: 61 });
  });

  it("is the whole range, with the confidence it has, when too few values allow 95 %", () => {
    expect(medianInterval(range(5))).toEqual({ low: 1, high: 5, confidence: 1 - 2 / 32 });
    expect(medianInterval([7])).toEqual({ low: 7, high: 7, confidence: 0 });
  });
});

/** An op that records its calls and handles `units` per call. */
function recordingOp(name: string, units: number, calls: string[]): BenchOp {
  return {
    name,
    run: () => void calls.push(`${name}:run`),
    units: () => units,
    beforeEach: () => void calls.push(`${name}:before`),
    afterEach: () => void calls.push(`${name}:after`),
  };
}

describe("timeRounds", () => {
  it("warms both up, then alternates the order each round (reference, this, this, reference), hooks around every call", async () => {
    const calls: string[] = [];
    const rounds = await timeRounds(recordingOp("ref", 10, calls), recordingOp("cur", 10, calls), { warmups: 1, minRounds: 3, maxRounds: 3, timeMs: 0 });
    expect(rounds).toHaveLength(3);
    const runs = calls.filter((c) => c.endsWith(":run")).map((c) => c.split(":")[0]);
    expect(runs).toEqual(["ref", "cur", "ref", "cur", "cur", "ref", "ref", "cur"]);
    expect(calls.slice(0, 3)).toEqual(["ref:before", "ref:run", "ref:after"]);
  });

  it("keeps going until both minRounds and timeMs are reached, but not past maxRounds", async () => {
    const op = (name: string) => recordingOp(name, 1, []);
    expect(await timeRounds(op("a"), op("b"), { warmups: 0, minRounds: 4, maxRounds: 50, timeMs: 0 })).toHaveLength(4);
    expect(await timeRounds(op("a"), op("b"), { warmups: 0, minRounds: 1, maxRounds: 7, timeMs: 60_000 })).toHaveLength(7);
  });

  it("fails on an op that reports no units, rather than dividing by zero", async () => {
    await expect(timeRounds(recordingOp("ref", 0, []), recordingOp("cur", 1, []), { warmups: 0, minRounds: 1, maxRounds: 1, timeMs: 0 })).rejects.toThrow(/ref handled 0 units/);
  });
});

describe("summarizeHalves and the gate on it", () => {
  const rounds = (ratios: number[]) => ratios.map((ratio) => ({ referenceMs: 10, currentMs: 10 / ratio, ratio }));

  it("reports the median ratio and median times", () => {
    const s = summarizeHalves("engines", [rounds([0.9, 1.1, 1.0]), rounds([1.2, 0.8])]);
    expect(s).toMatchObject({ suite: "engines", rounds: 5, speed: 1.0, low: 0.8, high: 1.2, referenceMs: 10, halves: [1.0, 1.0] });
    expect(s.currentMs).toBeCloseTo(10, 12);
    expect(s.noise).toBeCloseTo(0.2, 12);
  });

  it("weighs both halves alike, however many rounds each got: the geometric mean of their medians", () => {
    const s = summarizeHalves("markov-solve", [rounds([0.9, 0.9, 0.9]), rounds(Array.from({ length: 30 }, () => 1.1))]);
    expect(s.speed).toBeCloseTo(Math.sqrt(0.9 * 1.1), 12);
    expect(s.rounds).toBe(33);
    // Each half moved onto the speed: no spread is left within them, only between them.
    expect(s.low).toBeCloseTo(s.speed, 12);
    expect(s.high).toBeCloseTo(s.speed, 12);
    expect(s.noise).toBeCloseTo(0.1 / s.speed, 12);
  });

  it("counts as noise half the spread between the halves' medians when it is wider than the interval", () => {
    const tight = (at: number) => rounds(Array.from({ length: 30 }, (_, i) => at + i * 1e-4));
    const s = summarizeHalves("generate", [tight(0.8), tight(1.0)]);
    expect(s.halves[0]).toBeCloseTo(0.80145, 9);
    expect(s.halves[1]).toBeCloseTo(1.00145, 9);
    expect(s.noise).toBeCloseTo(0.1 / s.speed, 9);
  });

  it("fails a suite whose median speed fell by more than threshold + its interval, and passes one that did not", () => {
    const slow = summarizeHalves("generate", [rounds(Array.from({ length: 20 }, (_, i) => 0.5 + i * 0.001))]);
    const steady = summarizeHalves("engines", [rounds(Array.from({ length: 20 }, (_, i) => 0.95 + i * 0.005))]);
    const sides = interleavedComparables([slow, steady]);
    const verdict = compareResults(sides.reference, sides.current, 15);
    expect(verdict.rows.map((r) => [r.suite, r.verdict])).toEqual([
      ["generate", "regressed"],
      ["engines", "ok"],
    ]);
    // The margin is half the interval's width relative to the median: (0.514 − 0.505) / 2 / 0.5095.
    expect(verdict.rows[0]!.noise).toBeCloseTo((0.514 - 0.505) / 2 / 0.5095, 6);
  });
});
