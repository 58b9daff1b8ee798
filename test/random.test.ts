import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AliasTable, KeyedRandom, keyedUnit, streamSeed } from "../src/random/keyed.js";
import { buildUsers } from "../src/world/users.js";
import { buildCategories } from "../src/world/categories.js";
import { smallScenario } from "./helpers.js";

describe("keyed randomness", () => {
  it("is a pure function of (seed, stream, keys)", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (seed, a, b) => {
        const s = streamSeed(seed, "x");
        expect(keyedUnit(s, a, b)).toBe(keyedUnit(streamSeed(seed, "x"), a, b));
        const r1 = new KeyedRandom(s).reset(a, b);
        const r2 = new KeyedRandom(s).reset(a, b);
        expect([r1.next(), r1.next()]).toEqual([r2.next(), r2.next()]);
      }),
    );
  });

  it("depends on every key: each of a, b and c, the high 32 bits of a and b included", () => {
    const stream = streamSeed(1, "keys");
    // Event ids put the shard in a's high bits; times are ms since 1970, past 2^32.
    const HIGH = 0x1_0000_0000;
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 45 }), fc.nat(), fc.integer({ min: 1, max: 1000 }), (a, b, c, step) => {
        const base = keyedUnit(stream, a, b, c);
        // A collision has chance 2^-32 a pair; any of these failing means a key is ignored.
        expect(keyedUnit(stream, a + step, b, c)).not.toBe(base);
        expect(keyedUnit(stream, a + step * HIGH, b, c)).not.toBe(base);
        expect(keyedUnit(stream, a, b + step, c)).not.toBe(base);
        expect(keyedUnit(stream, a, b + step * HIGH, c)).not.toBe(base);
        expect(keyedUnit(stream, a, b, c + step)).not.toBe(base);
        expect(new KeyedRandom(stream).reset(a, b).next()).not.toBe(new KeyedRandom(stream).reset(a, b, step).next());
      }),
    );
  });

  it("named streams are independent", () => {
    expect(streamSeed(1, "behaviour")).not.toBe(streamSeed(1, "purchase"));
    expect(streamSeed(1, "behaviour")).not.toBe(streamSeed(2, "behaviour"));
  });

  it("draws are roughly uniform", () => {
    const r = new KeyedRandom(streamSeed(7, "u")).reset(1);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(r.next() * 10)]!++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it("adding users does not change another user's draws", () => {
    const s = smallScenario();
    const cats = buildCategories(s);
    const few = buildUsers(s, cats, 0, 100);
    const many = buildUsers(s, cats, 0, 1000);
    const offset = buildUsers(s, cats, 50, 50);
    expect(Array.from(many.gender.subarray(0, 100))).toEqual(Array.from(few.gender));
    expect(Array.from(many.affinityCdf.subarray(0, 100 * 8))).toEqual(Array.from(few.affinityCdf));
    expect(Array.from(offset.cohort)).toEqual(Array.from(few.cohort.subarray(50, 100)));
  });
});

describe("AliasTable", () => {
  it("samples in proportion to the weights", () => {
    const table = new AliasTable([1, 2, 0, 7]);
    const r = new KeyedRandom(3).reset(0);
    const counts = [0, 0, 0, 0];
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[table.sample(r.next())]!++;
    expect(counts[2]).toBe(0);
    expect(counts[0]! / n).toBeCloseTo(0.1, 2);
    expect(counts[1]! / n).toBeCloseTo(0.2, 2);
    expect(counts[3]! / n).toBeCloseTo(0.7, 2);
  });

  it("rejects empty and all-zero weights", () => {
    expect(() => new AliasTable([])).toThrow();
    expect(() => new AliasTable([0, 0])).toThrow();
  });
});
