import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attributePaths, BUILT_IN_MODELS, DEFAULT_MODEL_NAMES } from "../../src/engines/attribution/index.js";
import type { AttributionReport, PathTable } from "../../src/engines/attribution/index.js";
import { close, rowsArbitrary, sum, tableOf, type Row } from "./helpers.js";

const runs = { numRuns: 200, seed: 42 };

function expectSameReport(a: AttributionReport, b: AttributionReport): void {
  for (const model of DEFAULT_MODEL_NAMES) {
    for (const key of ["conversions", "value"] as const) {
      const left = a.models[model]![key];
      const right = b.models[model]![key];
      expect(Object.keys(left).sort()).toEqual(Object.keys(right).sort());
      for (const channel of Object.keys(left)) {
        if (!close(left[channel]!, right[channel]!)) {
          throw new Error(`${model} ${key} ${channel}: ${left[channel]} vs ${right[channel]}`);
        }
      }
    }
  }
  for (const channel of Object.keys(a.markov!.removalEffects)) {
    expect(close(a.markov!.removalEffects[channel]!, b.markov!.removalEffects[channel]!)).toBe(true);
  }
}

describe("every model", () => {
  it("credits exactly the total conversions and total value", () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.boolean(), (rows, noNull) => {
        const report = attributePaths(tableOf(rows), { noNull });
        for (const model of DEFAULT_MODEL_NAMES) {
          const { conversions, value } = report.models[model]!;
          expect(close(sum(conversions), report.totals.conversions)).toBe(true);
          expect(close(sum(value), report.totals.value)).toBe(true);
        }
      }),
      runs,
    );
  });

  it("does not depend on row order", () => {
    const shuffled = rowsArbitrary.chain((rows) =>
      fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }).map((order) => [rows, order] as const),
    );
    fc.assert(
      fc.property(shuffled, ([rows, order]) => {
        expectSameReport(attributePaths(tableOf(rows)), attributePaths(tableOf(order)));
      }),
      runs,
    );
  });

  it("does not change when a row is split into two rows with the same path", () => {
    const split = fc
      .tuple(rowsArbitrary, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([rows, at, conversionShare, nullShare]): [Row[], Row[]] => {
        const index = at % rows.length;
        const [path, conversions, value, nulls] = rows[index]!;
        const c1 = Math.round(conversions * conversionShare);
        const n1 = Math.round(nulls * nullShare);
        const v1 = c1 === 0 ? 0 : c1 === conversions ? value : (value * c1) / conversions;
        const parts: Row[] = [
          [path, c1, v1, n1],
          [path, conversions - c1, value - v1, nulls - n1],
        ];
        return [rows, [...rows.slice(0, index), ...parts, ...rows.slice(index + 1)]];
      });
    fc.assert(
      fc.property(split, ([rows, splitRows]) => {
        expectSameReport(attributePaths(tableOf(rows)), attributePaths(tableOf(splitRows)));
      }),
      runs,
    );
  });
});

describe("models over event-derived journeys", () => {
  const day = 86_400_000;
  const timedTable = rowsArbitrary.chain((rows) => {
    const table = tableOf(rows);
    return fc
      .tuple(
        ...table.paths.map((path) =>
          fc.tuple(
            fc.array(fc.integer({ min: 0, max: 30 * day }), { minLength: path.length, maxLength: path.length }),
            fc.array(fc.integer({ min: 0, max: 1 }), { minLength: path.length, maxLength: path.length }),
            fc.integer({ min: 0, max: 10 * day }),
            // The touch whose click id the conversion came back with (none when out of range or unclicked).
            fc.integer({ min: 0, max: path.length }),
          ),
        ),
      )
      .map((touches): PathTable => {
        // Touch i of row p carries click id p·1000 + i + 1 when it was clicked.
        const clickIds = touches.map(([, clicks], p) => clicks.map((clicked, i) => (clicked === 1 ? p * 1000 + i + 1 : 0)));
        return {
          ...table,
          touchTimes: touches.map(([times]) => [...times].sort((a, b) => a - b)),
          clickIds,
          conversionTimes: touches.map(([times, , after]) => Math.max(...times) + after),
          conversionClickIds: touches.map(([, , , which], p) => clickIds[p]![which] ?? 0),
        };
      });
  });

  it("credit plus cid's unattributed equals the totals for every built-in model", () => {
    fc.assert(
      fc.property(timedTable, (table) => {
        const report = attributePaths(table, { models: BUILT_IN_MODELS, halfLife: 2 });
        for (const model of BUILT_IN_MODELS) {
          const { conversions, value, unattributed } = report.models[model.name]!;
          expect(close(sum(conversions) + (unattributed?.conversions ?? 0), report.totals.conversions)).toBe(true);
          expect(close(sum(value) + (unattributed?.value ?? 0), report.totals.value)).toBe(true);
        }
      }),
      runs,
    );
  });
});
