import fc from "fast-check";
import { parsePathCsv, resolveOptions } from "../../src/engines/attribution/index.js";
import type { AttributionModel, AttributionOptions, PathTable } from "../../src/engines/attribution/index.js";

/** One path CSV row: path, conversions, value, nulls. */
export type Row = readonly [path: string, conversions: number, value: number, nulls: number];

export function tableOf(rows: readonly Row[]): PathTable {
  const lines = rows.map(([path, conversions, value, nulls]) => `${path};${conversions};${value};${nulls}`);
  return parsePathCsv(["path;total_conversions;total_conversion_value;total_null", ...lines].join("\n"));
}

export interface NamedCredit {
  conversions: Record<string, number>;
  value: Record<string, number>;
}

export function credit(model: AttributionModel, table: PathTable, options: AttributionOptions = {}): NamedCredit {
  const result = model.attribute(table, resolveOptions(options));
  const named = (amounts: Float64Array): Record<string, number> =>
    Object.fromEntries(result.channels.map((channel, c) => [channel, amounts[c]!]));
  return { conversions: named(result.conversions), value: named(result.value) };
}

/** Random aggregated journeys over up to six channels, as path CSV rows. */
export const rowsArbitrary: fc.Arbitrary<Row[]> = fc.array(
  fc
    .record({
      path: fc.array(fc.constantFrom("A", "B", "C", "D", "E", "F"), { minLength: 1, maxLength: 6 }),
      conversions: fc.integer({ min: 0, max: 5 }),
      cents: fc.integer({ min: 0, max: 100_000 }),
      nulls: fc.integer({ min: 0, max: 5 }),
    })
    .map(({ path, conversions, cents, nulls }): Row => [path.join(">"), conversions, conversions > 0 ? cents / 100 : 0, nulls]),
  { minLength: 1, maxLength: 12 },
);

export function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

/** |actual − expected| within `tolerance`, relative to the size of the numbers when they exceed 1. */
export function close(actual: number, expected: number, tolerance = 1e-9): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

/** Same channels, each amount within 1e-12 of the hand-worked one. */
export function expectAmounts(actual: Record<string, number>, expected: Record<string, number>): void {
  if (Object.keys(actual).sort().join() !== Object.keys(expected).sort().join()) {
    throw new Error(`channels differ: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
  for (const [channel, amount] of Object.entries(expected)) {
    if (!(Math.abs(actual[channel]! - amount) <= 1e-12)) {
      throw new Error(`${channel}: got ${actual[channel]}, expected ${amount} (${JSON.stringify(actual)})`);
    }
  }
}

/**
 * The table worked by hand in the unit tests: a loop (A>B>A), a repeat
 * (A>A>B), single touches, and two channels seen only on journeys that did
 * not convert (C, which leads on to B, and D, which leads nowhere).
 */
export const HAND_ROWS: readonly Row[] = [
  ["A>B>A", 1, 10, 1],
  ["A>A>B", 2, 40, 0],
  ["B", 1, 6, 1],
  ["C>B", 0, 0, 2],
  ["D", 0, 0, 2],
];
