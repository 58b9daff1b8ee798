import { describe, expect, it } from "vitest";
import { incrementalMetrics } from "../src/compare/incrementality.js";

const twins = { organic_feed: 90, search: 70, ad: 100, link: 100, blue_link: 101 };

describe("incrementalMetrics", () => {
  it("splits the positive lift over channels and scores each model's credit shares against it", () => {
    const run = {
      "purchases.true": 100,
      "accuracy.attribution.models.m.channelShares.search": 0.5,
      "accuracy.attribution.models.m.channelShares.ad": 0.5,
      "accuracy.attribution.models.none.channelShares.search": Number.NaN,
    };
    const out = incrementalMetrics(run, twins);
    // Lifts 10, 30, 0, 0, −1: the negative one counts as none.
    expect(out["incremental.blue_link"]).toBe(-1);
    expect(out["incremental.liftShare.organic_feed"]).toBeCloseTo(0.25, 12);
    expect(out["incremental.liftShare.search"]).toBeCloseTo(0.75, 12);
    expect(out["incremental.liftShare.blue_link"]).toBe(0);
    // |0 − 0.25| + |0.5 − 0.75| + |0.5 − 0| over five channels.
    expect(out["incremental.liftShareMAE.m"]).toBeCloseTo(1 / 5, 12);
    // A model that credited nothing has no shares to score: not measured (NaN), so compare lists it as such.
    expect(out["incremental.liftShareMAE.none"]).toBeNaN();
  });

  it("gives lift shares and errors as not measured (NaN) when no channel lifts purchases", () => {
    const out = incrementalMetrics({ "purchases.true": 100, "accuracy.attribution.models.m.channelShares.search": 1 }, { organic_feed: 100, search: 100, ad: 101, link: 100, blue_link: 100 });
    expect(out["incremental.ad"]).toBe(-1);
    expect(out["incremental.liftShare.search"]).toBeNaN();
    expect(out["incremental.liftShareMAE.m"]).toBeNaN();
    expect(Object.values(out).filter(Number.isNaN)).toHaveLength(6);
  });
});
