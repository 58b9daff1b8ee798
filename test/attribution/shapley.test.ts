import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shapley } from "../../src/engines/attribution/index.js";
import { credit, expectAmounts, HAND_ROWS, rowsArbitrary, tableOf, type Row } from "./helpers.js";

describe("shapley", () => {
  it("gives each journey's conversions and value equally to its distinct channels", () => {
    const { conversions, value } = credit(shapley, tableOf(HAND_ROWS));
    // Channel sets: A>B>A → {A,B} (1, 10); A>A>B → {A,B} (2, 40); B → {B} (1, 6); C>B, D never convert.
    // A: 1/2 + 2/2 = 3/2, value 5 + 20 = 25; B: 1/2 + 2/2 + 1 = 5/2, value 5 + 20 + 6 = 31.
    expectAmounts(conversions, { A: 3 / 2, B: 5 / 2, C: 0, D: 0 });
    expectAmounts(value, { A: 25, B: 31, C: 0, D: 0 });
  });

  it("equals the Shapley value computed over every coalition", () => {
    // v(S) = conversions of the journeys whose channel set is a subset of S;
    // phi_i = sum over S not containing i of |S|! (n−|S|−1)! / n! · (v(S ∪ {i}) − v(S)).
    const bruteForce = (rows: readonly Row[], channels: readonly string[]): number[] => {
      const n = channels.length;
      const sets = rows.map(([path, conversions]) => ({
        mask: path.split(">").reduce((m, ch) => m | (1 << channels.indexOf(ch)), 0),
        conversions,
      }));
      const v = (coalition: number): number =>
        sets.reduce((s, { mask, conversions }) => ((mask & ~coalition) === 0 ? s + conversions : s), 0);
      const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
      return channels.map((_, i) => {
        let phi = 0;
        for (let coalition = 0; coalition < 1 << n; coalition++) {
          if (coalition & (1 << i)) continue;
          let size = 0;
          for (let b = coalition; b > 0; b >>= 1) size += b & 1;
          phi += ((factorial(size) * factorial(n - size - 1)) / factorial(n)) * (v(coalition | (1 << i)) - v(coalition));
        }
        return phi;
      });
    };
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        const table = tableOf(rows);
        const { conversions } = credit(shapley, table);
        bruteForce(rows, table.channels).forEach((phi, i) => {
          expect(Math.abs(conversions[table.channels[i]!]! - phi)).toBeLessThanOrEqual(1e-9);
        });
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
