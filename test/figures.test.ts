import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../src/config/schema.js";
import { calibrationWarning, type RunManifest } from "../src/report/manifest.js";
import { SEARCH_LAG_BINS } from "../src/sim/searchLag.js";

/** The manifest of a run of the small test scenario with `overrides`, inline, nothing kept on disk. */
async function manifestOf(overrides: ScenarioInput): Promise<RunManifest> {
  const { runScenario } = await import("../src/run/runScenario.js");
  const { smallScenario, tempDir } = await import("./helpers.js");
  const dir = tempDir();
  try {
    const { manifest } = await runScenario({ path: "test", sha256: "0".repeat(64), scenario: smallScenario(overrides) }, { outDir: dir.path + "/run", events: false, report: false, workers: 0 });
    return manifest;
  } finally {
    dir.cleanup();
  }
}

describe("run.json warnings", () => {
  it("says calibration bounds in six significant digits, not a float's rounding tail", () => {
    expect(calibrationWarning({ metric: "feed.ctr.image.health", value: 0.02834, min: 0.013000000000000001, max: 0.027000000000000003, ok: false, source: "" })).toBe(
      "calibration feed.ctr.image.health = 0.0283 outside [0.013, 0.027]",
    );
  });
});

describe("world warnings", () => {
  it("name categories that got no brand, and a creator tier with traffic share but no note", async () => {
    const { validateScenario } = await import("../src/config/load.js");
    const { buildWorld, worldWarnings } = await import("../src/world/world.js");
    // Five brands for eight categories: the five largest quotas get one each.
    const few = validateScenario({ brands: { count: 5 }, notes: { count: 200 } }, "x");
    const world = buildWorld(few);
    const brandless = world.categories.names.filter((_, k) => !world.brands.category.includes(k));
    expect(brandless).toEqual(["baby", "sports_outdoor", "health"]);
    expect(worldWarnings(few, world)).toEqual([
      "world: categories baby, sports_outdoor, health got no brand of the 5 (brands.count, fewer than the categories with a share): users' feed slots for them show nothing; raise brands.count",
    ]);
    const zero = { share: 0 };
    const one = validateScenario(
      { brands: { count: 1 }, categories: { beauty: { share: 1 }, fashion: { share: 1 }, home: zero, fmcg: zero, appliances_3c: zero, baby: zero, sports_outdoor: zero, health: zero } },
      "x",
    );
    expect(worldWarnings(one, buildWorld(one))).toEqual([
      "world: category fashion got no brand of the 1 (brands.count, fewer than the categories with a share): users' feed slots for it show nothing; raise brands.count",
    ]);
    // Two creators, each small with a chance of 1 %: most likely no small creator, so no small creator's note.
    const tiny = validateScenario({ creators: { count: 2, smallCreatorShare: 0.01, smallCreatorTrafficShare: 0.5 } }, "x");
    const tinyWorld = buildWorld(tiny);
    expect(Array.from(tinyWorld.creators.followers).every((f) => f >= 1000)).toBe(true);
    expect(worldWarnings(tiny, tinyWorld)).toEqual(["world: no small creator has a note, so creators.smallCreatorTrafficShare (0.5) cannot hold: the other tier takes all traffic"]);
    expect(worldWarnings(validateScenario({}, "x"), buildWorld(validateScenario({}, "x")))).toEqual([]);
  });
});

describe("calibration of the default scenario", () => {
  it("holds every figure it checks within its target, at 5,000 users over 45 days", async () => {
    const { loadScenario } = await import("../src/config/load.js");
    const { runScenario } = await import("../src/run/runScenario.js");
    const { tempDir } = await import("./helpers.js");
    const dir = tempDir();
    try {
      const { manifest } = await runScenario(loadScenario(undefined, { users: 5000, days: 45 }), { outDir: dir.path + "/run", events: false, report: false, workers: 0 });
      const missed = manifest.calibration.filter((r) => !r.ok).map((r) => `${r.metric} = ${r.value} outside [${r.min}, ${r.max}]`);
      expect(missed).toEqual([]);
      // Every figure but the late link orders (too few clicks 30 days before the end) and the decision cycles (the run is too short) is measured at this size.
      expect(manifest.calibration.map((r) => r.metric)).toEqual(
        expect.arrayContaining(["feed.ctr.image.beauty", "feed.ctr.image.fashion", "feed.ctr.image.home", "feed.ctr.videoOverImage", "engagement.interactionRate", "traffic.smallCreatorShare", "purchases.ownShopShare", "retail.searchLagDays"]),
      );
      expect(manifest.warnings.filter((w) => w.startsWith("calibration"))).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});

describe("calibration of a run too small to measure some figures", () => {
  it("leaves out what it cannot measure (no purchases) instead of failing it as NaN", async () => {
    const manifest = await manifestOf({ population: { users: 100 }, simulation: { days: 2, shardUsers: 100 } });
    expect(manifest.purchases.total).toBe(0);
    expect(manifest.calibration.length).toBeGreaterThan(0);
    expect(manifest.calibration.map((r) => r.metric)).not.toContain("purchases.ownShopShare");
    expect(manifest.calibration.every((r) => Number.isFinite(r.value))).toBe(true);
    expect(manifest.warnings.filter((w) => w.includes("NaN"))).toEqual([]);
  });

  it("keeps a share's target inside [0, 1] however wide twenty users' sampling error makes it", async () => {
    const manifest = await manifestOf({ population: { users: 20 }, simulation: { days: 1, shardUsers: 20 } });
    const shares = manifest.calibration.filter((r) => r.metric.startsWith("users."));
    expect(shares.length).toBe(5);
    for (const r of shares) expect([r.metric, r.min >= 0 && r.max <= 1]).toEqual([r.metric, true]);
    expect(shares.some((r) => r.min === 0 || r.max === 1)).toBe(true);
  });
});

describe("calibration targets follow the scenario", () => {
  it("checks population shares against what the scenario sets, not DOMAIN's defaults, and widens small runs' rates by sampling error", async () => {
    const { runScenario } = await import("../src/run/runScenario.js");
    const { smallScenario, tempDir } = await import("./helpers.js");
    const dir = tempDir();
    try {
      const scenario = smallScenario({
        population: {
          users: 4000,
          femaleShare: 0.5,
          cohorts: { after2000: 0.1, from1995to1999: 0.45, before1995: 0.45 },
          cityTiers: { tier1: 0.5, tier2: 0.4, tier3: 0.05, tier4plus: 0.05 },
        },
        simulation: { days: 3, shardUsers: 1000 },
      });
      const { manifest } = await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: dir.path + "/run", events: false, report: false, workers: 0 });
      const of = (metric: string) => manifest.calibration.find((r) => r.metric === metric)!;
      const centre = (metric: string) => (of(metric).min + of(metric).max) / 2;
      expect(centre("users.femaleShare")).toBeCloseTo(0.5, 9);
      expect(centre("users.bornAfter2000")).toBeCloseTo(0.1, 9);
      expect(centre("users.bornAfter1995")).toBeCloseTo(0.55, 9);
      expect(centre("users.tier1or2City")).toBeCloseTo(0.9, 9);
      expect(of("users.femaleShare").source).toBe("scenario 50 % (DOMAIN: 70 % female)");
      for (const metric of ["users.femaleShare", "users.bornAfter2000", "users.bornAfter1995", "users.tier1or2City"]) expect(of(metric).ok).toBe(true);
      // A few thousand impressions: DOMAIN's 3–5 % for beauty widens by four standard errors.
      const beauty = of("feed.ctr.image.beauty");
      expect(beauty.min).toBeLessThan(0.03);
      expect(beauty.max).toBeGreaterThan(0.05);
    } finally {
      dir.cleanup();
    }
  });
});

describe("numbers in the HTML reports", () => {
  it("prints whole units from 1,000 up, so a rounded mean never looks exact", async () => {
    const { formatNumber } = await import("../src/report/html/page.js");
    expect(formatNumber(70438.5)).toBe("70,439");
    expect(formatNumber(198686.5)).toBe("198,687");
    expect(formatNumber(21350)).toBe("21,350");
    expect(formatNumber(156.38)).toBe("156.4");
    expect(formatNumber(0.97254)).toBe("0.9725");
    expect(formatNumber(0.00012)).toBe("1.20e-4");
    expect(formatNumber(Number.NaN)).toBe("n/a");
  });
});

describe("calibration of link and own-shop purchases", () => {
  it("counts link orders of clicks made linkStoreDays before the run's end only, and own-shop orders over touch-caused purchases", async () => {
    const { calibrate } = await import("../src/report/calibration.js");
    const { smallScenario } = await import("./helpers.js");
    const { Channel, Platform } = await import("../src/events/enums.js");
    const { DAY_MS } = await import("../src/sim/kernel.js");
    const s = smallScenario({ simulation: { days: 60 } });
    expect(s.purchase.linkStoreDays).toBe(30);
    const start = Date.parse(`${s.simulation.start}T00:00:00Z`);
    const purchases = { id: [] as number[], time: [] as number[], platform: [] as number[], channel: [] as number[], clickId: [] as number[], clickTime: [] as number[], causeChannel: [] as number[] };
    const add = (clickDay: number, lagDays: number, causeChannel: number = Channel.link, platform: number = Platform.tmall) => {
      const clickTime = start + clickDay * DAY_MS;
      purchases.id.push(purchases.id.length + 1);
      purchases.time.push(clickTime + lagDays * DAY_MS);
      purchases.platform.push(platform);
      purchases.channel.push(platform === Platform.red_shop ? Channel.shop : Channel.link);
      purchases.clickId.push(platform === Platform.red_shop ? 0 : 1);
      purchases.clickTime.push(platform === Platform.red_shop ? 0 : clickTime);
      purchases.causeChannel.push(causeChannel);
    };
    // Clicks of the run's first 30 days: 40 late orders of 100.
    for (let i = 0; i < 100; i++) add(i % 30, i < 40 ? 10 : 2);
    // Clicks exactly linkStoreDays before the end have had every order they can tag: counted.
    for (let i = 0; i < 10; i++) add(30, 2);
    // Later clicks can only have had early orders so far: not counted.
    for (let i = 0; i < 100; i++) add(30.5 + (i % 29), 1);
    // Own shop: 5 touch-caused orders, and 300 baseline ones that do not dilute the share.
    for (let i = 0; i < 5; i++) add(0, 1, Channel.organic_feed, Platform.red_shop);
    for (let i = 0; i < 300; i++) add(0, 1, Channel.baseline, Platform.red_shop);
    const zeros = new Float64Array(64);
    const combined = {
      users: { total: 0, female: 0, after2000: 0, after1995: 0, tier12: 0, searchers: 0 },
      tally: { feedImpressions: zeros, feedReads: zeros, byKind: zeros, interactions: 0, smallCreatorImpressions: 0 },
    searchLagHours: new Float64Array(SEARCH_LAG_BINS),
      purchases,
    };
    const rows = calibrate(s, combined as never, [], { burnInDays: 0, horizonDays: 0, byCategory: {} });
    const of = (metric: string) => rows.find((r) => r.metric === metric)!;
    expect(of("purchases.linkAfterDay7").value).toBeCloseTo(40 / 110, 12);
    // Over the 215 touch-caused orders (210 link orders and 5 in the shop).
    expect(of("purchases.ownShopShare").value).toBeCloseTo(5 / 215, 12);
  });
});

describe("economics of a run whose ad spend rounds to nothing", () => {
  it("gives no ROI (null in run.json), not 0", async () => {
    const { economics } = await manifestOf({ population: { users: 1 }, simulation: { days: 1, shardUsers: 1 } });
    expect(economics.adSpendYuan).toBe(0);
    expect(economics.trueRoi).toBeNull();
    expect(economics.observedRoi).toBeNull();
  });
});
