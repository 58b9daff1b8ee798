import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AipsOptions } from "../../src/engines/aips/options.js";
import { PairSignals } from "../../src/engines/aips/pairSignals.js";

const OPTIONS: AipsOptions = {
  tiWindowSeconds: 86_400,
  interestDecaySeconds: 86_400,
  awarenessDecaySeconds: 86_400,
  imageDwellSeconds: 5,
  videoCompletion: 0.5,
  distinctReadsForTI: 3,
  lagDays: 1,
};

function drained(signals: PairSignals): number[] {
  const visited: number[] = [];
  signals.drainChanged((pair) => visited.push(pair));
  return visited;
}

describe("PairSignals.drainChanged", () => {
  it("visits every pair applied to since the last drain once, in pair order, at word edges too", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }).chain((pairCount) => fc.tuple(fc.constant(pairCount), fc.array(fc.array(fc.nat(pairCount - 1)), { maxLength: 4 }))), ([pairCount, rounds]) => {
        const signals = new PairSignals(pairCount, OPTIONS);
        for (const pairs of rounds) {
          for (const pair of pairs) signals.apply(pair, 10, 0, 0);
          expect(drained(signals)).toEqual([...new Set(pairs)].sort((a, b) => a - b));
        }
        expect(drained(signals)).toEqual([]);
      }),
    );
  });

  it("reaches the top bit of a word", () => {
    const signals = new PairSignals(64, OPTIONS);
    for (const pair of [63, 31, 32, 0]) signals.apply(pair, 10, 0, 0);
    expect(drained(signals)).toEqual([0, 31, 32, 63]);
  });
});
