import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { markov, markovRemovalEffects, resolveOptions } from "../../src/engines/attribution/index.js";
import { credit, expectAmounts, HAND_ROWS, rowsArbitrary, tableOf, type Row } from "./helpers.js";

function named(channels: readonly string[], amounts: Float64Array): Record<string, number> {
  return Object.fromEntries(channels.map((channel, c) => [channel, amounts[c]!]));
}

describe("markov on the hand-worked table", () => {
  // Repeats collapse (A>A>B is A>B); each row weighs conversions + nulls (2 each here):
  //   A>B>A: S→A 2, A→B 2, B→A 2, A→conv 1, A→null 1
  //   A>A>B: S→A 2, A→B 2, B→conv 2
  //   B:     S→B 2, B→conv 1, B→null 1
  //   C>B:   S→C 2, C→B 2, B→null 2
  //   D:     S→D 2, D→null 2
  // Probabilities: S→A 4/10, S→B 2/10, S→C 2/10, S→D 2/10;
  //   A→B 4/6, A→conv 1/6, A→null 1/6;  B→A 2/8, B→conv 3/8, B→null 3/8;  C→B 1;  D→null 1.
  // P(conv) h: hA = 2/3 hB + 1/6, hB = 1/4 hA + 3/8 → hA = 1/6 hA + 5/12 → hA = 1/2, hB = 1/2,
  //   hC = hB = 1/2, hD = 0; P = 2/5·1/2 + 1/5·1/2 + 1/5·1/2 = 2/5.
  // Remove A (into A → null): hB = 3/8, hC = 3/8 → P = 1/5·3/8 · 2 = 3/20; effect 1 − (3/20)/(2/5) = 5/8.
  // Remove B: hA = 1/6, hC = 0 → P = 2/5·1/6 = 1/15; effect 1 − (1/15)/(2/5) = 5/6.
  // Remove C: P = 2/5·1/2 + 1/5·1/2 = 3/10; effect 1 − 3/4 = 1/4 (C never converts, but leads to B).
  // Remove D: P unchanged; effect 0.
  // Conversions (4) split 5/8 : 5/6 : 1/4 = 15 : 20 : 6 (sum 41) → A 60/41, B 80/41, C 24/41.
  //
  // Value (ChannelAttribution): mean value per conversion by last channel, mu_A = 10/1 = 10,
  //   mu_B = (40 + 6)/(2 + 1) = 46/3. Expected value g: gA = 2/3 gB + 1/6·10, gB = 1/4 gA + 3/8·46/3
  //   → gA = 1/6 gA + 33/6 → gA = 33/5, gB = 33/20 + 23/4 = 37/5, gC = 37/5;
  //   G = 2/5·33/5 + 2/5·37/5 = 28/5.
  // Remove A: gB = 23/4, gC = 23/4 → G = 2/5·23/4 = 23/10; effect 1 − (23/10)/(28/5) = 33/56.
  // Remove B: gA = 10/6, gC = 0 → G = 2/5·5/3 = 2/3; effect 1 − (2/3)/(28/5) = 37/42.
  // Remove C: G = 28/5 − 1/5·37/5 = 103/25; effect 1 − 103/140 = 37/140.
  // Value (56) split 33/56 : 37/42 : 37/140 = 495 : 740 : 222 (/840, sum 1457)
  //   → A 56·495/1457 = 27720/1457, B 41440/1457, C 12432/1457.
  const hand = tableOf(HAND_ROWS);

  it("gives exact removal effects and conversion probability", () => {
    const removal = markovRemovalEffects(hand, false);
    expect(Math.abs(removal.conversionProbability - 2 / 5)).toBeLessThanOrEqual(1e-12);
    expectAmounts(named(hand.channels, removal.removalEffects), { A: 5 / 8, B: 5 / 6, C: 1 / 4, D: 0 });
    expectAmounts(named(hand.channels, removal.valueRemovalEffects), { A: 33 / 56, B: 37 / 42, C: 37 / 140, D: 0 });
  });

  it("splits conversions and value in proportion to the removal effects", () => {
    const { conversions, value } = credit(markov, hand);
    expectAmounts(conversions, { A: 60 / 41, B: 80 / 41, C: 24 / 41, D: 0 });
    expectAmounts(value, { A: 27720 / 1457, B: 41440 / 1457, C: 12432 / 1457, D: 0 });
  });

  it("without the null state, builds the chain from converting journeys only", () => {
    // Rows weigh their conversions; C>B and D drop out:
    //   A>B>A: S→A 1, A→B 1, B→A 1, A→conv 1;  A>A>B: S→A 2, A→B 2, B→conv 2;  B: S→B 1, B→conv 1.
    // S→A 3/4, S→B 1/4; A→B 3/4, A→conv 1/4; B→A 1/4, B→conv 3/4. Every walk converts: P = 1.
    // Effect = P(visit k): P(visit A) = 3/4 + 1/4·1/4 = 13/16; P(visit B) = 1/4 + 3/4·3/4 = 13/16.
    // Conversions (4) split evenly: 2 and 2.
    // Value: mu_A = 10, mu_B = 46/3; gA = 3/4 gB + 10/4, gB = 1/4 gA + 23/2
    //   → 13/16 gA = 89/8 → gA = 178/13, gB = 194/13; G = 3/4·178/13 + 1/4·194/13 = 14.
    // Value effects: 13/16·(178/13)/14 = 89/112 and 13/16·(194/13)/14 = 97/112;
    //   value (56) split 89 : 97 → A 56·89/186 = 2492/93, B 2716/93.
    const removal = markovRemovalEffects(hand, true);
    expect(Math.abs(removal.conversionProbability - 1)).toBeLessThanOrEqual(1e-12);
    expectAmounts(named(hand.channels, removal.removalEffects), { A: 13 / 16, B: 13 / 16, C: 0, D: 0 });
    expectAmounts(named(hand.channels, removal.valueRemovalEffects), { A: 89 / 112, B: 97 / 112, C: 0, D: 0 });
    const { conversions, value } = credit(markov, hand, { noNull: true });
    expectAmounts(conversions, { A: 2, B: 2, C: 0, D: 0 });
    expectAmounts(value, { A: 2492 / 93, B: 2716 / 93, C: 0, D: 0 });
  });

  it("gives a single-channel journey everything", () => {
    // S→A 4; A→conv 3/4, A→null 1/4: P = 3/4; without A nothing converts, effect 1.
    const table = tableOf([["A", 3, 30, 1]]);
    const removal = markovRemovalEffects(table, false);
    expect(Math.abs(removal.conversionProbability - 3 / 4)).toBeLessThanOrEqual(1e-12);
    expectAmounts(named(table.channels, removal.removalEffects), { A: 1 });
    expectAmounts(credit(markov, table).value, { A: 30 });
  });

  it("credits nothing when no journey converts", () => {
    const table = tableOf([["A>B", 0, 0, 3]]);
    const removal = markovRemovalEffects(table, false);
    expect(removal.conversionProbability).toBe(0);
    expectAmounts(credit(markov, table).conversions, { A: 0, B: 0 });
  });
});

/**
 * An independent reading of the definition: the chain built from the rows
 * with string states, channel k removed by redirecting transitions into it
 * to null, absorption found by iterating to a fixed point.
 */
interface ReferenceChain {
  readonly next: Map<string, Map<string, number>>;
  readonly meanValue: Map<string, number>;
}

const START = "(start)";
const CONV = "(conversion)";
const NULL = "(null)";

function referenceChain(rows: readonly Row[], noNull: boolean): ReferenceChain {
  const next = new Map<string, Map<string, number>>();
  const lastConversions = new Map<string, number>();
  const lastValue = new Map<string, number>();
  const add = (from: string, to: string, weight: number): void => {
    const row = next.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + weight);
    next.set(from, row);
  };
  for (const [path, conversions, value, nulls] of rows) {
    const weight = conversions + (noNull ? 0 : nulls);
    if (weight === 0) continue;
    let previous = START;
    for (const channel of path.split(">")) {
      if (channel !== previous) add(previous, channel, weight);
      previous = channel;
    }
    if (conversions > 0) {
      add(previous, CONV, conversions);
      lastConversions.set(previous, (lastConversions.get(previous) ?? 0) + conversions);
      lastValue.set(previous, (lastValue.get(previous) ?? 0) + value);
    }
    if (!noNull && nulls > 0) add(previous, NULL, nulls);
  }
  const meanValue = new Map([...lastConversions].map(([state, c]) => [state, (lastValue.get(state) ?? 0) / c]));
  return { next, meanValue };
}

/** Expected reward (1 per conversion, or the walk's value) from start, with `removed` redirected to null. */
function absorbed(chain: ReferenceChain, removed: string | undefined, valued: boolean): number {
  const x = new Map<string, number>();
  for (let sweep = 0; sweep < 200_000; sweep++) {
    let change = 0;
    for (const [state, row] of chain.next) {
      if (state === removed) continue;
      let total = 0;
      let reward = 0;
      for (const [to, weight] of row) {
        total += weight;
        if (to === CONV) reward += weight * (valued ? chain.meanValue.get(state)! : 1);
        else if (to !== NULL && to !== removed) reward += weight * (x.get(to) ?? 0);
      }
      const updated = reward / total;
      change = Math.max(change, Math.abs(updated - (x.get(state) ?? 0)));
      x.set(state, updated);
    }
    if (change <= 1e-16) break;
  }
  return x.get(START) ?? 0;
}

describe("markov against the definition", () => {
  it("removal effects equal 1 − P(conv without k) / P(conv), for conversions and value, with and without nulls", () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.boolean(), (rows, noNull) => {
        const table = tableOf(rows);
        const removal = markovRemovalEffects(table, noNull);
        const chain = referenceChain(rows, noNull);
        const p = absorbed(chain, undefined, false);
        const g = absorbed(chain, undefined, true);
        expect(Math.abs(removal.conversionProbability - p)).toBeLessThanOrEqual(1e-10);
        table.channels.forEach((channel, c) => {
          const effect = p > 0 ? 1 - absorbed(chain, channel, false) / p : 0;
          const valueEffect = g > 0 ? 1 - absorbed(chain, channel, true) / g : 0;
          expect(Math.abs(removal.removalEffects[c]! - effect)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(removal.valueRemovalEffects[c]! - valueEffect)).toBeLessThanOrEqual(1e-9);
        });
      }),
      { numRuns: 150, seed: 20_240_601 },
    );
  });
});

describe("markov against a Monte Carlo simulation of the same chain", () => {
  // ChannelAttribution's own estimator: walk from start until absorbed; a walk
  // that converts draws its value from the per-conversion values of the rows
  // ending in its last channel (weighted by conversions) and credits every
  // channel it visited.
  const rows: Row[] = [
    ["A>B>C", 3, 30, 5],
    ["B>A", 2, 50, 4],
    ["C>A>B>A", 1, 5, 2],
    ["D>C", 0, 0, 6],
    ["A", 4, 80, 10],
    ["B>D>B", 1, 20, 3],
    ["C>C>B", 2, 12, 1],
  ];

  for (const noNull of [false, true]) {
    it(`agrees within 4 standard errors (noNull: ${noNull})`, () => {
      const table = tableOf(rows);
      const exact = markovRemovalEffects(table, noNull);
      const chain = referenceChain(rows, noNull);
      const valueDraws = new Map<string, [number, number][]>();
      for (const [path, conversions, value] of rows) {
        if (conversions === 0) continue;
        const last = path.split(">").at(-1)!;
        valueDraws.set(last, [...(valueDraws.get(last) ?? []), [value / conversions, conversions]]);
      }
      const random = seedrandom(`markov-monte-carlo-${noNull}`);
      const draw = <T>(options: readonly [T, number][]): T => {
        let u = random() * options.reduce((s, [, w]) => s + w, 0);
        for (const [option, weight] of options) {
          u -= weight;
          if (u < 0) return option;
        }
        return options.at(-1)![0];
      };

      const batches = 20;
      const walksPerBatch = 20_000;
      const channels = table.channels;
      const visits = Array.from({ length: batches }, () => new Float64Array(channels.length));
      const visitValue = Array.from({ length: batches }, () => new Float64Array(channels.length));
      const converted = new Float64Array(batches);
      const totalValue = new Float64Array(batches);
      const transitions = new Map([...chain.next].map(([from, row]) => [from, [...row]]));
      for (let b = 0; b < batches; b++) {
        for (let w = 0; w < walksPerBatch; w++) {
          const seen = new Set<string>();
          let state = START;
          let last = START;
          for (;;) {
            state = draw(transitions.get(state)!);
            if (state === CONV || state === NULL) break;
            seen.add(state);
            last = state;
          }
          if (state !== CONV) continue;
          const value = draw(valueDraws.get(last)!);
          converted[b]! += 1;
          totalValue[b]! += value;
          channels.forEach((channel, c) => {
            if (seen.has(channel)) {
              visits[b]![c]! += 1;
              visitValue[b]![c]! += value;
            }
          });
        }
      }

      const walks = batches * walksPerBatch;
      const conversions = converted.reduce((a, b) => a + b, 0);
      const p = exact.conversionProbability;
      expect(Math.abs(conversions / walks - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / walks) + 1e-9);

      const sumOver = (columns: Float64Array[], c: number): number => columns.reduce((s, column) => s + column[c]!, 0);
      const value = totalValue.reduce((a, b) => a + b, 0);
      channels.forEach((_, c) => {
        const r = exact.removalEffects[c]!;
        const estimate = sumOver(visits, c) / conversions;
        expect(Math.abs(estimate - r)).toBeLessThanOrEqual(4 * Math.sqrt((r * (1 - r)) / conversions) + 1e-9);

        // Value effect is a ratio of sums: its standard error from batch means.
        const perBatch = visitValue.map((column, b) => column[c]! / totalValue[b]!);
        const mean = perBatch.reduce((a, x) => a + x, 0) / batches;
        const sd = Math.sqrt(perBatch.reduce((a, x) => a + (x - mean) ** 2, 0) / (batches - 1));
        const valueEstimate = sumOver(visitValue, c) / value;
        expect(Math.abs(valueEstimate - exact.valueRemovalEffects[c]!)).toBeLessThanOrEqual(4 * (sd / Math.sqrt(batches)) + 1e-9);
      });
    });
  }
});

describe("markov model result", () => {
  it("exposes conversion probability and removal effects next to the credit", () => {
    const result = markov.attribute(tableOf(HAND_ROWS), resolveOptions());
    expect(result.conversionProbability).toBeCloseTo(0.4, 12);
    expect(result.removalEffects).toHaveLength(4);
    expect(result.valueRemovalEffects).toHaveLength(4);
  });
});
