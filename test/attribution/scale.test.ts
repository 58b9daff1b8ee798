import { describe, expect, it } from "vitest";
import { markov, resolveOptions, syntheticPathTable, totalsOf } from "../../src/engines/attribution/index.js";

describe("markov at scale", () => {
  it("solves 100k distinct paths over 50 channels exactly and consistently", () => {
    const table = syntheticPathTable(100_000, 50);
    expect(new Set(table.paths.map((path) => Array.from(path).join(","))).size).toBe(100_000);
    expect(table.channels).toHaveLength(50);

    const result = markov.attribute(table, resolveOptions());
    const totals = totalsOf(table);
    const credited = result.conversions.reduce((a, b) => a + b, 0);
    const creditedValue = result.value.reduce((a, b) => a + b, 0);
    expect(Math.abs(credited - totals.conversions)).toBeLessThanOrEqual(1e-9 * totals.conversions);
    expect(Math.abs(creditedValue - totals.value)).toBeLessThanOrEqual(1e-9 * totals.value);
    expect(result.conversionProbability).toBeGreaterThan(0);
    expect(result.conversionProbability).toBeLessThan(1);
    for (const effect of [...result.removalEffects, ...result.valueRemovalEffects]) {
      expect(effect).toBeGreaterThan(0);
      expect(effect).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it("builds the same synthetic table every time", () => {
    const a = syntheticPathTable(1_000, 20);
    const b = syntheticPathTable(1_000, 20);
    expect(a.paths).toEqual(b.paths);
    expect(Array.from(a.conversions)).toEqual(Array.from(b.conversions));
    expect(Array.from(a.value)).toEqual(Array.from(b.value));
  });
});
