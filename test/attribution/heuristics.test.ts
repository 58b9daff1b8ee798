import { describe, expect, it } from "vitest";
import {
  firstTouch,
  lastTouch,
  linear,
  positionBased,
  resolveOptions,
  timeDecay,
} from "../../src/engines/attribution/index.js";
import type { PathTable } from "../../src/engines/attribution/index.js";
import { credit, expectAmounts, HAND_ROWS, tableOf } from "./helpers.js";

// HAND_ROWS: A>B>A (1 conv, value 10), A>A>B (2, 40), B (1, 6), C>B (0), D (0).
// Channels in order of first appearance: A, B, C, D. C and D never convert,
// so every heuristic model leaves them at 0.
const hand = tableOf(HAND_ROWS);

describe("first_touch", () => {
  it("credits the first touch of each converting journey", () => {
    const { conversions, value } = credit(firstTouch, hand);
    // A>B>A → A (1, 10); A>A>B → A (2, 40); B → B (1, 6).
    expectAmounts(conversions, { A: 3, B: 1, C: 0, D: 0 });
    expectAmounts(value, { A: 50, B: 6, C: 0, D: 0 });
  });
});

describe("last_touch", () => {
  it("credits the last touch, which in a loop is the channel revisited", () => {
    const { conversions, value } = credit(lastTouch, hand);
    // A>B>A → A (1, 10); A>A>B → B (2, 40); B → B (1, 6).
    expectAmounts(conversions, { A: 1, B: 3, C: 0, D: 0 });
    expectAmounts(value, { A: 10, B: 46, C: 0, D: 0 });
  });
});

describe("linear", () => {
  it("gives 1/n to every touch, repeats included", () => {
    const { conversions, value } = credit(linear, hand);
    // A>B>A: A 2/3, B 1/3 → conv A 2/3, B 1/3; value A 20/3, B 10/3.
    // A>A>B: A 2/3, B 1/3 → conv A 4/3, B 2/3; value A 80/3, B 40/3.
    // B: conv 1, value 6.
    // A: conv 2/3 + 4/3 = 2, value 100/3; B: conv 1/3 + 2/3 + 1 = 2, value 50/3 + 6 = 68/3.
    expectAmounts(conversions, { A: 2, B: 2, C: 0, D: 0 });
    expectAmounts(value, { A: 100 / 3, B: 68 / 3, C: 0, D: 0 });
  });
});

describe("position_based", () => {
  it("gives 40/20/40 over touch positions", () => {
    const { conversions, value } = credit(positionBased, hand);
    // A>B>A: first A 0.4, middle B 0.2, last A 0.4 → A 0.8, B 0.2; value A 8, B 2.
    // A>A>B: A 0.4 + 0.2 = 0.6, B 0.4 → conv A 1.2, B 0.8; value A 24, B 16.
    // B: all → conv 1, value 6.
    // A: conv 2, value 32; B: conv 2, value 24.
    expectAmounts(conversions, { A: 2, B: 2, C: 0, D: 0 });
    expectAmounts(value, { A: 32, B: 24, C: 0, D: 0 });
  });

  it("splits two touches 50/50 and gives one touch everything", () => {
    const table = tableOf([
      ["X>Y", 1, 8, 0],
      ["Z", 2, 2, 0],
    ]);
    const { conversions, value } = credit(positionBased, table);
    // X>Y: X 0.5, Y 0.5 → value 4 each; Z: conv 2, value 2.
    expectAmounts(conversions, { X: 0.5, Y: 0.5, Z: 2 });
    expectAmounts(value, { X: 4, Y: 4, Z: 2 });
  });

  it("spreads the middle 20% evenly over several middle touches", () => {
    const { conversions } = credit(positionBased, tableOf([["W>X>Y>X>Z", 1, 0, 0]]));
    // Middle touches X, Y, X get 0.2 / 3 each: X 2/15, Y 1/15; W and Z 0.4.
    expectAmounts(conversions, { W: 0.4, X: 0.4 / 3, Y: 0.2 / 3, Z: 0.4 });
  });
});

describe("time_decay", () => {
  it("halves each touch's weight per half-life of touches back from the conversion (H = 1)", () => {
    const { conversions, value } = credit(timeDecay, hand);
    // n = 3, H = 1: weights 2^-2, 2^-1, 2^0 = 1/4, 1/2, 1, sum 7/4 → 1/7, 2/7, 4/7.
    // A>B>A: A 1/7 + 4/7 = 5/7, B 2/7 → value A 50/7, B 20/7.
    // A>A>B: A 1/7 + 2/7 = 3/7, B 4/7 → conv A 6/7, B 8/7; value A 120/7, B 160/7.
    // B: conv 1, value 6 = 42/7.
    // A: conv 11/7, value 170/7; B: conv 2/7 + 8/7 + 7/7 = 17/7, value 20/7 + 160/7 + 42/7 = 222/7.
    expectAmounts(conversions, { A: 11 / 7, B: 17 / 7, C: 0, D: 0 });
    expectAmounts(value, { A: 170 / 7, B: 222 / 7, C: 0, D: 0 });
  });

  it("uses the half-life option in touches", () => {
    const { conversions } = credit(timeDecay, tableOf([["X>Y", 1, 0, 0]]), { halfLife: 2 });
    // H = 2: weights 2^-1/2 and 1, sum 1 + 1/√2. Y = 1 / (1 + 1/√2) = √2 / (√2 + 1) = 2 − √2; X = √2 − 1.
    expectAmounts(conversions, { X: Math.SQRT2 - 1, Y: 2 - Math.SQRT2 });
  });

  it("measures age in days when touches carry times", () => {
    const day = 86_400_000;
    const table: PathTable = {
      channels: ["X", "Y"],
      paths: [[0, 1, 0]],
      conversions: [1],
      value: [70],
      nulls: [0],
      touchTimes: [[0, 7 * day, 14 * day]],
      clickIds: [[0, 0, 0]],
    };
    const result = timeDecay.attribute(table, resolveOptions({ halfLife: 7 }));
    // Ages 14, 7, 0 days with H = 7 days: weights 1/4, 1/2, 1, sum 7/4 → X 1/7 + 4/7 = 5/7, Y 2/7.
    expect(Math.abs(result.conversions[0]! - 5 / 7)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(result.conversions[1]! - 2 / 7)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(result.value[0]! - 50)).toBeLessThanOrEqual(1e-12);
  });
});
