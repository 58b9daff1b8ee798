import { z } from "zod";
import { CATEGORY_NAMES, type CategoryName } from "./categoryNames.js";

/**
 * The scenario schema: the only place where scenario fields, their ranges and their
 * defaults are written down. Every object is strict, so a misspelt key is an error
 * instead of a silently ignored setting. docs/DOMAIN.md gives the facts the defaults come from.
 */

const share = z.number().min(0).max(1);
const positive = z.number().positive();
const nonNegative = z.number().min(0);
const count = z.number().int().positive();

// Upper bounds. Every count has one, so a typo like 1e11 is a validation error rather than an
// out-of-memory crash halfway through a run. Limits that involve two fields are in load.ts.

/** User ids are uint32 and 0xffffffff means "no user" (events/enums.ts NONE). */
export const MAX_USERS = 0xffff_fffe;
/**
 * Creators, brands and notes have uint32 ids, but every worker rebuilds the whole world at
 * about 90 bytes per entity (measured), so 10^8 (~9 GB per worker) is the most a run can hold.
 */
export const MAX_ENTITIES = 100_000_000;
/**
 * Per user-day, session or search: 1,000 impressions is hours of scrolling, 1,000 sessions one
 * every 90 s. Beyond that a value is a typo, and a huge one exhausts the event builder's memory.
 */
export const MAX_PER_SESSION = 1_000;
/** Day lengths of decay windows: ten years, longer than any run (days are kept in Int32 due-day tables). */
/** The longest run, in days (`simulation.days`). */
const MAX_DAYS = 3650;
const days = positive.max(MAX_DAYS);
/** A timeline switches at most once a day. */
const MAX_SWITCHES = MAX_DAYS;
/**
 * Bounds on money, time and multipliers, far beyond any real scenario: without them a
 * typo such as 1e300 passes validation and turns into Infinity in float32 output columns
 * or in delays.
 */
const MAX_YUAN = 1e9;
/** Money: a cent at least (a smaller floor would let a ratio of two bounds overflow, and round to 0 in float32 columns). */
const yuan = z.number().min(0.01).max(MAX_YUAN);
const MAX_SECONDS = 86_400;
const MAX_MULTIPLIER = 1_000;
/** A log-normal's sigma: at 10 one draw in a thousand is e^31 times its median. */
const MAX_SIGMA = 10;
const multiplier = positive.max(MAX_MULTIPLIER);

/**
 * Weights and category shares are relative, summed where they are drawn: a bound keeps that
 * sum finite (two weights of 1e308 would add up to Infinity).
 */
const MAX_WEIGHT = 1e6;

/**
 * A categorical distribution written as `{name: weight}`; weights are relative (normalised at
 * resolve time). Left out, the whole map takes its defaults; given, it must name every key:
 * a key left out would keep its default weight beside the ones written, so
 * `{after2000: 1, from1995to1999: 0}` would still put a third of users before 1995.
 */
function weights<K extends string>(keys: readonly [K, ...K[]], defaults: Record<K, number>) {
  const weight = z.number({ error: (issue) => (issue.input === undefined ? `required: a map of weights names every one of ${keys.join(", ")}` : undefined) });
  const shape = Object.fromEntries(keys.map((k) => [k, weight.min(0).max(MAX_WEIGHT)])) as Record<K, z.ZodNumber>;
  return z
    .strictObject(shape)
    .default(defaults as never)
    .refine((w) => Object.values(w as Record<string, number>).some((v) => v > 0), { message: "at least one weight must be > 0" });
}

export { CATEGORY_NAMES, type CategoryName } from "./categoryNames.js";


interface CategoryDefaults {
  share: number;
  ctr: number;
  touchToPurchaseDays: number;
  priceYuan: number;
  redcatPilot: boolean;
}

/** A category's fields; each one left out takes that category's built-in value (DEFAULT_CATEGORIES). */
function category(d: CategoryDefaults) {
  return z
    .strictObject({
      /** Share of brands in this category (whole counts, one at least while brands last), and roughly of users' interest in it (drawn by it, tilted by gender). */
      share: nonNegative.max(MAX_WEIGHT).default(d.share),
      /** Feed impression → read probability for image notes (video is `videoCtrMultiplier` ×). */
      ctr: share.default(d.ctr),
      /**
       * Median days from a touch to the purchase it plants (log-normal, `purchase.delaySigma`).
       * The decision cycle, from the first touch of the run of touches that ends in a purchase,
       * runs longer: run.json's `decisionCycles` measures it (README, Calibration).
       */
      touchToPurchaseDays: days.default(d.touchToPurchaseDays),
      /** Median order value in yuan. */
      priceYuan: yuan.default(d.priceYuan),
      /** Red Cat pilot category (eligible from launch). */
      redcatPilot: z.boolean().default(d.redcatPilot),
    })
    .prefault({});
}

const DEFAULT_CATEGORIES: Record<CategoryName, CategoryDefaults> = {
  beauty: { share: 0.26, ctr: 0.04, touchToPurchaseDays: 21, priceYuan: 260, redcatPilot: true },
  fashion: { share: 0.18, ctr: 0.03, touchToPurchaseDays: 5, priceYuan: 220, redcatPilot: false },
  home: { share: 0.12, ctr: 0.015, touchToPurchaseDays: 12, priceYuan: 180, redcatPilot: false },
  fmcg: { share: 0.14, ctr: 0.03, touchToPurchaseDays: 5, priceYuan: 70, redcatPilot: true },
  appliances_3c: { share: 0.1, ctr: 0.02, touchToPurchaseDays: 12, priceYuan: 1500, redcatPilot: false },
  baby: { share: 0.06, ctr: 0.025, touchToPurchaseDays: 70, priceYuan: 200, redcatPilot: false },
  sports_outdoor: { share: 0.08, ctr: 0.025, touchToPurchaseDays: 5, priceYuan: 400, redcatPilot: true },
  health: { share: 0.06, ctr: 0.02, touchToPurchaseDays: 8, priceYuan: 150, redcatPilot: true },
};

const categories = z
  .strictObject(
    Object.fromEntries(CATEGORY_NAMES.map((c) => [c, category(DEFAULT_CATEGORIES[c])])) as Record<CategoryName, ReturnType<typeof category>>,
  )
  .prefault({});

const population = z
  .strictObject({
    users: count.max(MAX_USERS).default(100_000),
    femaleShare: share.default(0.7),
    /** Birth cohorts: 35 % born after 2000, ~50 % after 1995. */
    cohorts: weights(["after2000", "from1995to1999", "before1995"], {
      after2000: 0.35,
      from1995to1999: 0.15,
      before1995: 0.5,
    }),
    /** About half the users live in tier-1/2 cities. */
    cityTiers: weights(["tier1", "tier2", "tier3", "tier4plus"], { tier1: 0.2, tier2: 0.3, tier3: 0.3, tier4plus: 0.2 }),
    searcherShare: share.default(0.7),
    activity: weights(["low", "medium", "high"], { low: 0.5, medium: 0.35, high: 0.15 }),
    /** Mean app sessions per day for each activity level. */
    sessionsPerDay: z
      .strictObject({
        low: nonNegative.max(MAX_PER_SESSION).default(0.15),
        medium: nonNegative.max(MAX_PER_SESSION).default(0.6),
        high: nonNegative.max(MAX_PER_SESSION).default(1.5),
      })
      .prefault({}),
    /** How many categories a user cares about (the rest get a small residual affinity). */
    interestsPerUser: z.number().int().min(1).max(CATEGORY_NAMES.length).default(3),
  })
  .prefault({});

const creators = z
  .strictObject({
    count: count.max(MAX_ENTITIES).default(5_000),
    /** Share of feed traffic that goes to creators with fewer than 1,000 followers. */
    smallCreatorTrafficShare: share.default(0.5),
    /** Share of creators with fewer than 1,000 followers. */
    smallCreatorShare: share.default(0.8),
  })
  .prefault({});

const brands = z
  .strictObject({
    count: count.max(MAX_ENTITIES).default(120),
    /** Probability a brand runs each store. */
    storeShare: z
      .strictObject({ tmall: share.default(0.85), jd: share.default(0.6), red_shop: share.default(0.3) })
      .prefault({}),
    /** Store experience score is drawn uniformly in this range (Red Cat needs ≥ minExperienceScore). */
    experienceScore: z.strictObject({ min: positive.max(5).default(4.0), max: positive.max(5).default(5.0) }).prefault({}),
    /** Daily ad budget is log-uniform between these, in yuan. */
    dailyAdBudgetYuan: z.strictObject({ min: yuan.default(500), max: yuan.default(50_000) }).prefault({}),
  })
  .prefault({});

const notes = z
  .strictObject({
    count: count.max(MAX_ENTITIES).default(20_000),
    videoShare: share.default(0.4),
    sponsoredShare: share.default(0.15),
  })
  .prefault({});

const behaviour = z
  .strictObject({
    impressionsPerSession: positive.max(MAX_PER_SESSION).default(8),
    /** Video notes get this multiple of the category CTR. */
    videoCtrMultiplier: multiplier.default(2),
    /** Share of feed slots that are ads. */
    adLoad: share.default(0.1),
    adCtr: share.default(0.015),
    /** Probability a searcher runs a search in a session. */
    searchPerSession: share.default(0.35),
    searchResultsPerSearch: count.max(MAX_PER_SESSION).default(4),
    /** Search results are read this many times more often than feed impressions. */
    searchCtrMultiplier: multiplier.default(4),
    /** Engagement probabilities given a read. */
    engagement: z
      .strictObject({
        like: share.default(0.015),
        collect: share.default(0.008),
        comment: share.default(0.005),
        ask_for_link: share.default(0.006),
        share: share.default(0.004),
        follow: share.default(0.004),
      })
      .prefault({}),
    /** Median image dwell in seconds (log-normal) and mean video completion fraction. */
    imageDwellMedianSeconds: positive.max(MAX_SECONDS).default(4),
    videoCompletionMean: share.default(0.4),
    /** Probability an ad click on a Red Cat note goes on through the link area to the store. */
    linkClickAfterAdClick: share.default(0.45),
    /** Probability a store visit from a link adds to cart. */
    addToCartAfterVisit: share.default(0.15),
    /** Probability a buyer posts about it afterwards (S). */
    postPurchaseShare: share.default(0.08),
  })
  .prefault({});

const purchase = z
  .strictObject({
    /** Baseline (platform-independent) purchases per user per day, across all brands. */
    baselinePerUserDay: share.default(0.0015),
    /** Probability that a touch of each kind plants a purchase (before the AIPS state multiplier). */
    touchMass: z
      .strictObject({
        read: share.default(0.004),
        like: share.default(0.006),
        collect: share.default(0.02),
        comment: share.default(0.006),
        ask_for_link: share.default(0.06),
        share: share.default(0.01),
        search: share.default(0.006),
        ad_click: share.default(0.03),
        link_click: share.default(0.08),
        blue_link_click: share.default(0.06),
      })
      .prefault({}),
    /** Multiplier of touch mass by the user's latent AIPS state for the brand. */
    stateMultiplier: z
      .strictObject({
        none: nonNegative.max(MAX_MULTIPLIER).default(0.5),
        A: nonNegative.max(MAX_MULTIPLIER).default(0.7),
        I: nonNegative.max(MAX_MULTIPLIER).default(1),
        TI: nonNegative.max(MAX_MULTIPLIER).default(2),
        P: nonNegative.max(MAX_MULTIPLIER).default(0.4),
        S: nonNegative.max(MAX_MULTIPLIER).default(0.4),
      })
      .prefault({}),
    /** Log-normal spread (sigma) of the touch → purchase delay around the category's touchToPurchaseDays. */
    delaySigma: positive.max(MAX_SIGMA).default(0.9),
    /** Link clicks lead to faster purchases: median delay = the category's touchToPurchaseDays × this factor. */
    linkDelayFactor: multiplier.default(0.8),
    /** Share of purchases made on the platform's own shop (when the brand has one), drawn first: a link's store gets the rest of a linked buyer's purchases. */
    redShopShare: share.default(0.06),
    /** Probability a buyer who clicked a store link buys in that store. */
    linkStoreLoyalty: share.default(0.85),
    /**
     * Days after a link click during which its store is the buyer's route and the store tags
     * orders with its click id, like a retailer's attribution cookie (a switch of the platform's
     * policy does not end it; what is passed back follows the regime): after that, the buyer
     * finds the store by search again.
     */
    linkStoreDays: days.default(30),
    /**
     * A planted purchase sends the user to search the brand on a retailer this long after the
     * touch (log-normal: median days and sigma), when that comes before the purchase, at the
     * retailer where a purchase found by search (spillover) is then made; such a purchase has a
     * search of its own just before the order either way. Purchases
     * that come sooner cut the lags short, so the measured lag to a touch's first retailer search
     * (calibration `retail.searchLagDays`, DOMAIN 3–5 d) is shorter: 4.5 days here measure about 4.
     */
    retailSearchLag: z.strictObject({ medianDays: days.default(4.5), sigma: positive.max(MAX_SIGMA).default(0.3) }).prefault({}),
    /** Where off-platform purchases happen, for brands with those stores. */
    retailerWeights: weights(["tmall", "taobao", "jd"], { tmall: 0.45, taobao: 0.25, jd: 0.3 }),
  })
  .prefault({});

const passback = z
  .strictObject({
    /** Median passback delay in hours (log-normal, sigma 1). */
    delayMedianHours: positive.max(720).default(6),
    duplicateRate: share.default(0.02),
    /**
     * Store visits, store searches and add-to-cart are passed back only this many hours
     * after the click; orders for the whole window (DOMAIN: interactions count within 1 h).
     */
    interactionWindowHours: positive.max(720).default(1),
  })
  .prefault({});

/** A list of categories, each at most once. */
const categoryList = z
  .array(z.enum(CATEGORY_NAMES))
  .max(CATEGORY_NAMES.length)
  .refine((list) => new Set(list).size === list.length, { message: "each category at most once" });

/** Retailers with a link-out programme: Red Cat (Tmall) and Red JD. */
export const LINK_STORES = ["tmall", "jd"] as const;
export type LinkStoreName = (typeof LINK_STORES)[number];

const redcat = z
  .strictObject({
    windowDays: z.union([z.literal(7), z.literal(15), z.literal(30)], { error: "must be one of 7, 15, 30" }).default(7),
    minExperienceScore: positive.max(5).default(4.5),
    minDailyBudgetYuan: nonNegative.max(MAX_YUAN).default(5_000),
    categories: categoryList.optional(),
    /**
     * The retailers whose brand stores an ad's link area may lead to: `tmall` (Red Cat, May
     * 2025), `jd` (Red JD, June 2025, "the same with JD"). A brand qualifies at each store it
     * runs, by the same score, budget and category rules; one that qualifies at both splits its
     * link areas by `purchase.retailerWeights`.
     */
    stores: z
      .array(z.enum(LINK_STORES))
      .min(1, { message: "name at least one store (tmall, jd)" })
      .refine((list) => new Set(list).size === list.length, { message: "each store at most once" })
      .default(["tmall"]),
    passback,
  })
  .prefault({});

/** Open links (2020): notes link out to Taobao; the platform sees the click and nothing after. */
const openLinks = z
  .strictObject({
    /** Probability a reader taps a note's outbound link. */
    clickAfterRead: share.default(0.03),
  })
  .prefault({});

/** Blue search links in comments (2025): they open on-platform search results for the product. */
const blueLinks = z
  .strictObject({
    /** Probability a reader taps a blue link under the note. */
    clickAfterRead: share.default(0.04),
  })
  .prefault({});

/** Data-alliance matching (spillover measurement without links), layered on any policy. */
const alliance = z.strictObject({
  /** Share of users covered by the matching sample. */
  sampleRate: share.default(0.5),
  /** A sampled reader's off-platform order counts if they read the brand this many days before. */
  windowDays: z.union([z.literal(15), z.literal(30)], { error: "must be one of 15, 30" }).default(30),
  /** Matching runs in batches: results arrive this many days after the order (median). */
  delayMedianDays: days.default(2),
  /** Pilot industries, whose readers are all matched, whatever the sample (DOMAIN: 100 % in pilot industries). */
  pilotCategories: categoryList.default([]),
});

/** A single link regime: what users can do and what the platform observes. */
const regime = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("open"), open: openLinks }),
  z.strictObject({ type: z.literal("closed") }),
  z.strictObject({ type: z.literal("blue_links"), blueLinks }),
  z.strictObject({ type: z.literal("redcat"), redcat }),
  z.strictObject({ type: z.literal("hybrid"), redcat, blueLinks }),
]);

const switchEntry = z.strictObject({ from: z.iso.date(), policy: regime });

const policy = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("open"), open: openLinks, alliance: alliance.optional() }),
  z.strictObject({ type: z.literal("closed"), alliance: alliance.optional() }),
  z.strictObject({ type: z.literal("blue_links"), blueLinks, alliance: alliance.optional() }),
  z.strictObject({ type: z.literal("redcat"), redcat, alliance: alliance.optional() }),
  z.strictObject({ type: z.literal("hybrid"), redcat, blueLinks, alliance: alliance.optional() }),
  z.strictObject({
    type: z.literal("timeline"),
    /** Dated switches, in date order; before the first one the first regime applies. */
    switches: z
      .array(switchEntry)
      .min(1)
      .max(MAX_SWITCHES)
      .refine((list) => list.every((s, i) => i === 0 || s.from > list[i - 1]!.from), { message: "switch dates must increase" }),
    alliance: alliance.optional(),
  }),
]);

export type RegimeConfig = z.output<typeof regime>;

const aipsTruth = z
  .strictObject({
    /** Days without a strong signal after which true interest fades back to I. */
    tiWindowDays: days.default(30),
    /** Days without engagement (a like, comment, read, click…; impressions are not) after which I fades to A. */
    interestDecayDays: days.default(60),
    /** Days without any signal, impressions included, after which A fades to none. */
    awarenessDecayDays: days.default(90),
    /**
     * Reads of this many distinct notes on one brand within tiWindowDays make true interest
     * (DOMAIN: reading several notes); a read that convinces makes it alone. Each pair keeps
     * this many (note, time) slots, hence the bound (as the engine's distinctReadsForTI).
     */
    readsForTrueInterest: count.max(16).default(3),
    /** Probability a single strong signal reflects true (not passing) interest. */
    strongSignalConviction: share.default(0.6),
  })
  .prefault({});

const aips = z
  .strictObject({
    /** Days a strong signal keeps a user in True Interest (TI per SPU over 30 days). */
    tiWindowDays: count.max(3650).default(30),
    /** An image read with at least this dwell is a strong signal. */
    imageDwellSeconds: positive.max(MAX_SECONDS).default(5),
    /** A video read with at least this completion fraction is a strong signal. */
    videoCompletion: share.default(0.5),
    /** Reads of this many distinct notes on one brand within the TI window make True Interest. */
    distinctReadsForTI: count.max(16).default(3),
    /** Days without engagement after which I fades to A, and without any signal after which A fades to none. */
    interestDecayDays: count.max(3650).default(60),
    awarenessDecayDays: count.max(3650).default(90),
    /** How long after a day ends its snapshot waits for late (passback) events; rounded up to whole days. */
    allowedLatenessHours: z.number().int().min(0).max(720).default(48),
  })
  .prefault({});

/**
 * A conversion lift study the platform runs on its own ads: a random share of users is held
 * out of every ad (ghost ads), and the purchases of the two groups are compared.
 */
const experiment = z
  .strictObject({
    /**
     * Share of users held out of every ad: their ad slots stay empty (no ad impression, click
     * or Red Cat link). 0 runs no experiment. Assignment is by user, from the seed.
     */
    adHoldoutShare: z.number().min(0).lt(1, "must be below 1 (holding out every user leaves no one who sees ads)").default(0),
  })
  .prefault({});

export const scenarioSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' or '-'")
    // It names the default run directory (reports/NAME-SEED), which must fit a file name.
    // A file without one is named after itself (loadScenario); "scenario" only when that gives nothing.
    .max(100)
    .default("scenario"),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
  simulation: z
    .strictObject({
      /**
       * From 1971: times are ms since 1970 and 0 means "no click" in clickTime columns; to 2199, so
       * a run of up to MAX_DAYS stays within years of four digits.
       */
      start: z.iso
        .date()
        .refine((d) => d >= "1971-01-01" && d <= "2199-12-31", "must be a date from 1971-01-01 to 2199-12-31")
        .default("2025-05-07"),
      days: count.max(MAX_DAYS).default(60),
      /**
       * Users per shard: shards are fixed user ranges, independent of worker count. 2,500
       * keeps a shard's per-pair state small: against 10,000, peak RSS is ~45 % lower at two
       * workers and a lone worker is 2–4 % faster (README, Performance).
       */
      shardUsers: count.max(MAX_USERS).default(2_500),
    })
    .prefault({}),
  population,
  creators,
  brands,
  notes,
  categories,
  behaviour,
  purchase,
  policy: policy.prefault({ type: "redcat" }),
  aipsTruth,
  aips,
  experiment,
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
