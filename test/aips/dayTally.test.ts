import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DayTally } from "../../src/engines/aips/dayTally.js";
import { MET, STATE } from "../../src/engines/aips/pairSignals.js";
import { CELLS, STATES } from "../../src/engines/aips/partial.js";
import { zeroed } from "../../src/events/zeroed.js";
import { markPair, pairBits } from "../../src/events/pairBits.js";

const BRANDS = 3;
const PAIRS = 7 * BRANDS;
const CATEGORY = Uint8Array.of(0, 1, 1);

/**
 * Per day and pair: engine state (null = not met yet), true state, and whether the pair is
 * in the day's change sets although nothing changed (the sets may be supersets). Once met,
 * the engine stays met.
 */
const daysArb = fc
  .array(fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 5 })), fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: PAIRS, maxLength: PAIRS }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((days) => {
    const met = new Array<boolean>(PAIRS).fill(false);
    return days.map((pairs) =>
      pairs.map(([engine, truth, extra], p) => {
        met[p] = met[p]! || engine !== null;
        return { engine: met[p] ? MET | (engine ?? 0) : 0, truth, extra };
      }),
    );
  });

describe("DayTally", () => {
  it("matches a full recount of every day", () => {
    fc.assert(
      fc.property(daysArb, (days) => {
        const tally = new DayTally(PAIRS, CATEGORY, 2);
        let truthBefore = zeroed(Uint8Array, PAIRS);
        const engineBefore = zeroed(Uint8Array, PAIRS);
        const engineChanged = pairBits(PAIRS);
        const expectedConfusion = new Float64Array(2 * CELLS);
        const truthMet = new Array<boolean>(PAIRS).fill(false);
        days.forEach((pairs, day) => {
          const engine = zeroed(Uint8Array, PAIRS);
          const truth = zeroed(Uint8Array, PAIRS);
          const truthChanged = pairBits(PAIRS);
          pairs.forEach((p, i) => {
            engine[i] = p.engine;
            truth[i] = p.truth;
            if (p.engine !== engineBefore[i] || p.extra) markPair(engineChanged, i);
            if (p.truth !== truthBefore[i] || p.extra) markPair(truthChanged, i);
          });
          engineBefore.set(engine);
          tally.add(day, engine, engineChanged, truth, truthBefore, truthChanged);
          expect(engineChanged.every((word) => word === 0)).toBe(true);

          const engineCounts = new Uint32Array(BRANDS * STATES);
          const truthCounts = new Uint32Array(BRANDS * STATES);
          const newTi = new Uint32Array(BRANDS);
          const flows = new Map<number, number>();
          pairs.forEach((p, i) => {
            const brand = i % BRANDS;
            const e = p.engine & STATE;
            const eBefore = day === 0 ? 0 : days[day - 1]![i]!.engine & STATE;
            if (p.engine !== 0) engineCounts[brand * STATES + e]!++;
            if (e !== eBefore) flows.set(brand * CELLS + eBefore * STATES + e, (flows.get(brand * CELLS + eBefore * STATES + e) ?? 0) + 1);
            truthMet[i] = truthMet[i]! || p.truth !== 0;
            if (truthMet[i]) truthCounts[brand * STATES + p.truth]!++;
            if (p.truth === 3 && truthBefore[i]! < 3) newTi[brand]!++;
            if ((p.truth | e) !== 0) expectedConfusion[CATEGORY[brand]! * CELLS + p.truth * STATES + e]!++;
          });
          expect(tally.engineCounts[day]).toEqual(engineCounts);
          expect(tally.truthCounts[day]).toEqual(truthCounts);
          expect(tally.truthNewTi[day]).toEqual(newTi);
          const dayFlows = new Map<number, number>();
          tally.flows.day.forEach((d, i) => {
            if (d === day) dayFlows.set(tally.flows.cell[i]!, tally.flows.users[i]!);
          });
          expect(dayFlows).toEqual(flows);
          truthBefore = truth;
        });
        expect(tally.confusion).toEqual(expectedConfusion);
      }),
      { numRuns: 200 },
    );
  });
});
