import { describe, expect, it } from "vitest";
import type { AttributionReport } from "../../../src/engines/attribution/attributePaths.js";
import { scoreAttribution } from "../../../src/engines/attribution/stream/accuracy.js";
import type { JourneyCounts } from "../../../src/engines/attribution/stream/journeyLog.js";
import { Channel, Kind, TOUCH_CHANNELS } from "../../../src/events/enums.js";
import { emptyTruth } from "../../../src/sim/truth.js";

const COUNTS: JourneyCounts = {
  observedConversions: 10,
  journeyConversions: 10,
  untouchedConversions: 0,
  nullJourneys: 0,
  touches: 20,
  expiredTouches: 0,
  lateTouches: 0,
  lateConversions: 0,
  shortenedConversions: 0,
  duplicatesDropped: 0,
};

/** Ten true purchases: search holds 90 % of the touch credit, the organic feed 10 %. */
function truth() {
  const t = emptyTruth();
  for (let i = 1; i <= 10; i++) {
    t.purchases.id.push(i);
    t.purchases.causeChannel.push(i === 10 ? Channel.organic_feed : Channel.search);
    for (const [channel, share] of [
      [Channel.search, 0.9],
      [Channel.organic_feed, 0.1],
    ] as const) {
      t.credits.purchase.push(i);
      t.credits.touch.push(100 + i);
      t.credits.touchKind.push(Kind.read);
      t.credits.touchChannel.push(channel);
      t.credits.share.push(share);
    }
  }
  return t;
}

function report(models: Record<string, Record<string, number>>): AttributionReport {
  return {
    models: Object.fromEntries(Object.entries(models).map(([name, conversions]) => [name, { conversions, value: {} }])),
    totals: { conversions: 10, value: 0, nulls: 0 },
  };
}

describe("scoreAttribution", () => {
  it("scores a model that credited nothing as unscored, not as a split of nothing", () => {
    const { rows, summary } = scoreAttribution(report({ wrong: { organic_feed: 10 }, none: {} }), truth(), COUNTS);
    expect(summary.models.wrong!.channelShareMAE).toBeCloseTo((0.9 + 0.9) / TOUCH_CHANNELS.length, 12);
    expect(summary.models.none!.channelShareMAE).toBeNull();
    expect(Object.values(summary.models.none!.channelShares).every((share) => share === null)).toBe(true);
    expect(summary.models.none!.capturedShare).toBe(0);
    const noneRows = rows.model.flatMap((model, i) => (model === "none" ? [rows.shareError[i]!] : []));
    expect(noneRows.length).toBe(TOUCH_CHANNELS.length);
    expect(noneRows.every(Number.isNaN)).toBe(true);
  });

  it("gives ratios of nothing as NaN (null in run.json), not 0: true shares without touch-caused purchases, shares of no purchases", () => {
    const baselineOnly = emptyTruth();
    for (let i = 1; i <= 3; i++) {
      baselineOnly.purchases.id.push(i);
      baselineOnly.purchases.causeChannel.push(Channel.baseline);
      baselineOnly.credits.purchase.push(i);
      baselineOnly.credits.touch.push(0);
      baselineOnly.credits.touchKind.push(Kind.purchase);
      baselineOnly.credits.touchChannel.push(Channel.baseline);
      baselineOnly.credits.share.push(1);
    }
    const { summary } = scoreAttribution(report({ m: { search: 3 } }), baselineOnly, COUNTS);
    expect(summary.trueTouchCausedConversions).toBe(0);
    expect(Object.values(summary.trueChannelShares).every(Number.isNaN)).toBe(true);
    expect(summary.trueBaselineCreditShare).toBe(1);
    // A model's error needs true shares to be off from.
    expect(summary.models.m!.channelShareMAE).toBeNull();
    expect(summary.models.m!.capturedShare).toBe(1);
    const nothing = scoreAttribution(report({ m: {} }), emptyTruth(), COUNTS).summary;
    expect(nothing.models.m!.capturedShare).toBeNaN();
    expect(nothing.trueBaselineCreditShare).toBeNaN();
  });

  it("averages over every touch channel, so channels a policy leaves at 0 on both sides do not move the error", () => {
    const seen = scoreAttribution(report({ m: { search: 5, organic_feed: 5 } }), truth(), COUNTS);
    const withLinks = scoreAttribution(report({ m: { search: 5, organic_feed: 5, link: 0, blue_link: 0 } }), truth(), COUNTS);
    expect(Object.keys(seen.summary.models.m!.channelShares)).toEqual([...TOUCH_CHANNELS]);
    expect(seen.summary.models.m!.channelShareMAE).toBeCloseTo((0.4 + 0.4) / TOUCH_CHANNELS.length, 12);
    expect(withLinks.summary.models.m!.channelShareMAE).toBe(seen.summary.models.m!.channelShareMAE);
  });
});
