import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateScenario } from "../src/config/load.js";
import { apportion } from "../src/world/apportion.js";
import { buildWorld } from "../src/world/world.js";

describe("apportion", () => {
  it("gives whole counts by largest remainder, ties to the lower index", () => {
    // The default shares of 120: quotas 31.2, 21.6, 14.4, 16.8, 12, 7.2, 9.6, 7.2; floors make 117, and the three
    // largest remainders (fmcg .8, fashion .6, sports .6) get one more each.
    expect(Array.from(apportion([0.26, 0.18, 0.12, 0.14, 0.1, 0.06, 0.08, 0.06], 120))).toEqual([31, 22, 14, 17, 12, 7, 10, 7]);
    expect(Array.from(apportion([1, 1, 1], 4))).toEqual([2, 1, 1]);
    expect(Array.from(apportion([0.5, 0, 0.5], 3))).toEqual([2, 0, 1]);
  });

  it("gives every positive weight one while the total allows, and the rest by what each quota needs beyond it", () => {
    // Plain largest remainder of 8 over the default shares would give beauty 2 and health none (quota 0.48).
    expect(Array.from(apportion([0.26, 0.18, 0.12, 0.14, 0.1, 0.06, 0.08, 0.06], 8))).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(apportion([100, 1, 1], 3))).toEqual([1, 1, 1]);
    expect(Array.from(apportion([100, 1, 1], 5))).toEqual([3, 1, 1]);
    // Fewer than the positive weights: the largest quotas win.
    expect(Array.from(apportion([1, 3, 2], 2))).toEqual([0, 1, 1]);
  });

  it("sums to the total, never gives to a zero weight, and stays within one of each quota (above it only by the guaranteed one)", () => {
    const weights = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0));
    fc.assert(
      fc.property(weights, fc.integer({ min: 0, max: 5000 }), (w, total) => {
        const counts = Array.from(apportion(w, total));
        const sum = w.reduce((a, b) => a + b, 0);
        const positive = w.filter((x) => x > 0).length;
        expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
        counts.forEach((c, i) => {
          if (w[i] === 0) expect(c).toBe(0);
          if (total >= positive && w[i]! > 0) expect(c).toBeGreaterThanOrEqual(1);
          const quota = (w[i]! / sum) * total;
          expect(c).toBeLessThan(Math.max(quota, 1) + 1);
          // With one for each guaranteed, a large quota may give up some of its share to them.
          if (total < positive) expect(c).toBeGreaterThan(quota - 1 - 1e-9);
        });
      }),
    );
  });

  it("refuses what cannot be apportioned", () => {
    expect(() => apportion([0, 0], 3)).toThrow(/no positive weight/);
    expect(() => apportion([1, -1], 3)).toThrow(/weight 1 must be finite and ≥ 0, got -1/);
    expect(() => apportion([1], 2.5)).toThrow(/whole number/);
  });
});

describe("brands", () => {
  it("fill each category by its share, whole, dealt to brand ids in a keyed order", () => {
    const s = validateScenario({}, "x");
    const world = buildWorld(s);
    const perCategory = world.categories.names.map((_, k) => world.brands.category.filter((c) => c === k).length);
    expect(perCategory).toEqual(Array.from(apportion(world.categories.share, s.brands.count)));
    expect(perCategory[world.categories.names.indexOf("beauty")]).toBe(31);
    // Not in category order: the first twelve brands span several categories.
    expect(new Set(world.brands.category.slice(0, 12)).size).toBeGreaterThan(2);
    // Another seed deals them to other ids, in the same counts.
    const other = buildWorld(validateScenario({ seed: 7 }, "x"));
    expect(Array.from(other.brands.category)).not.toEqual(Array.from(world.brands.category));
    expect(world.categories.names.map((_, k) => other.brands.category.filter((c) => c === k).length)).toEqual(perCategory);
  });

  it("give every category with a share a brand once there are as many brands as such categories", () => {
    const world = buildWorld(validateScenario({ brands: { count: 8 } }, "x"));
    expect(new Set(world.brands.category).size).toBe(8);
  });
});
