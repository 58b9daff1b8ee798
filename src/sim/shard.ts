import { EVENT_IDS_PER_SHARD } from "../events/eventIds.js";
import type { Scenario } from "../config/schema.js";
import { EventBuilder, type EventBatch } from "../events/batch.js";
import { filled, zeroed } from "../events/zeroed.js";
import { AipsState, Channel, Kind, NONE, Platform, TOUCH_CHANNELS, type ChannelName } from "../events/enums.js";
import { KeyedRandom, keyedUnit, streamSeed } from "../random/keyed.js";
import { buildUsers, sampleCategory, type UserRange } from "../world/users.js";
import type { World } from "../world/world.js";
import { LatentAips } from "./aipsTruth.js";
import { DueToday } from "./dueToday.js";
import { DAY_MS, logNormalDensity } from "./kernel.js";
import { regimeAt, storeBit, type LinkPolicy, type Regime } from "./policy.js";
import { ScheduledQueue, ScheduledType } from "./queue.js";
import { SearchLagHistogram } from "./searchLag.js";
import { AdHoldout } from "./holdout.js";
import { TOUCHES_PER_PAIR, TouchHistory } from "./touchHistory.js";
import { emptyTruth } from "./truth.js";

/** A shard: a fixed contiguous range of user ids. */
export interface ShardSpec {
  readonly index: number;
  readonly firstUser: number;
  readonly userCount: number;
}

/** Counterfactual settings of a simulation (twin runs). */
export interface Counterfactual {
  /** Channel code whose touches plant no purchases (-1 = none). */
  readonly removedChannel: number;
}

export const FACTUAL: Counterfactual = { removedChannel: -1 };

/**
 * Channels a twin run can remove: the touch channels and baseline demand. `shop` and
 * `spillover` are where purchases happen, not what causes them, so removing them would
 * change nothing.
 */
export const REMOVABLE_CHANNELS = [...TOUCH_CHANNELS, "baseline"] as const satisfies readonly ChannelName[];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const TMALL_BIT = storeBit(Platform.tmall);
const JD_BIT = storeBit(Platform.jd);
const STATE_COUNT = 6;
/** Sessions (their slots and search results) end this long before midnight. */
const SESSION_END_BEFORE_MIDNIGHT = 10 * MINUTE;
/** The longest a read's engagement runs: like, collect, comment, ask for link, share, follow. */
const ENGAGEMENT_SPAN = (1 + 1 + 20 + 10 + 5 + 1) * SECOND;


/**
 * Simulates one shard day by day, each user's day in event-time order. Users share no
 * state, so a day runs one user at a time: (1) the user's sessions (how many, when) and
 * baseline demand are drawn; (2) the sessions run in order of their start, a session that
 * would start inside the previous one starting when it ends, and the user's scheduled
 * events (purchase candidates, the first valid one of a pair being its purchase;
 * post-purchase shares) run as the user's clock passes them, before the user's next event,
 * so a purchase sees the pair as it was at that moment (a trip out to a store ends before
 * the user does anything else); (3) the user's events due later that day. Then the latent AIPS
 * state decays. The day's true events come out sorted by time.
 *
 * Every draw is keyed: behaviour by (user, day) and (user, day, session), purchase
 * decisions by the candidate's source event, so the output depends only on (scenario,
 * seed, shard range).
 */
export class ShardSimulator {
  readonly users: UserRange;
  readonly latent: LatentAips;
  readonly truth = emptyTruth();
  /** Latent AIPS counts per day: `aipsDaily[day][brand * 6 + state]`. */
  readonly aipsDaily: Float64Array[] = [];
  /** Hours from a planting touch to the first retailer search it led to. */
  readonly searchLag: SearchLagHistogram;

  private readonly k: number;
  private readonly brandCount: number;
  private readonly startMs: number;
  private readonly endMs: number;
  /**
   * The day's rows. An emit may grow it, which replaces its columns: never hold
   * `builder.cols` (or one of its arrays) across an emit, nor index one with an emit's result
   * in one expression (`cols.x[emit()]` reads the old array first).
   */
  private readonly builder: EventBuilder;
  private readonly queue = new ScheduledQueue();
  private readonly touches: TouchHistory;
  private readonly behaviour: KeyedRandom;
  private readonly decide: KeyedRandom;
  private readonly plant: KeyedRandom;
  private readonly links: KeyedRandom;
  /** The lag and store of the retailer search a planted purchase leads to, keyed by its touch. */
  private readonly retailSearches: KeyedRandom;
  private readonly convictionStream: number;
  private regime: Regime;
  private readonly massByKind = new Float64Array(32);
  private readonly stateMultiplier = new Float64Array(STATE_COUNT);
  private readonly sessionsByActivity: Float64Array;
  private readonly lastPurchase: Float64Array;
  /**
   * Per pair, side by side so a touch reads one cache line: its latest touch (of a kind that
   * can plant) since its previous purchase, 0 for none, and when its current decision cycle
   * started (see `touch`).
   */
  private readonly cycle: Float64Array;
  /** A touch this long after the pair's previous one starts a new decision cycle (the TI window). */
  private readonly cycleGapMs: number;
  private readonly lastLinkClick: Float64Array;
  private readonly lastLinkClickTime: Float64Array;
  /** Platform of the store the pair's last link led to. */
  private readonly lastLinkStore: Uint8Array;
  private readonly brandsByCategory: number[][];
  private readonly baselineShare: Float64Array;
  private readonly slots = new Int32Array(TOUCHES_PER_PAIR);
  /** The first category with brands: where the draws of a category without any go. */
  private readonly fallbackCategory: number;
  /** Per shard user, 1 when a lift study holds the user out of every ad; null without one. */
  private readonly heldOutOfAds: Uint8Array | null;
  private readonly due: DueToday;
  /** The current user's session starts for the day, in order (scratch). */
  private sessionStarts = new Float64Array(16);
  private seq = 0;
  /** End of the day being simulated: none of its events may reach it. */
  private dayEnd = 0;
  /** When the day's sessions (their slots and search results) end. */
  private sessionEnd = 0;

  constructor(
    private readonly s: Scenario,
    private readonly world: World,
    private readonly policy: LinkPolicy,
    readonly shard: ShardSpec,
    private readonly counterfactual: Counterfactual = FACTUAL,
    /** The builder's first capacity in rows; tests make it small to grow it often. */
    builderCapacity?: number,
  ) {
    this.builder = new EventBuilder(builderCapacity);
    this.k = world.categories.names.length;
    this.brandCount = world.brands.count;
    this.startMs = Date.parse(`${s.simulation.start}T00:00:00Z`);
    this.endMs = this.startMs + s.simulation.days * DAY_MS;
    this.users = buildUsers(s, world.categories, shard.firstUser, shard.userCount);
    const pairs = shard.userCount * this.brandCount;
    this.latent = new LatentAips(pairs, s, this.brandCount);
    this.touches = new TouchHistory(pairs);
    this.due = new DueToday(this.queue, this.brandCount);
    this.lastPurchase = filled(Float64Array, pairs, -Infinity);
    this.cycle = zeroed(Float64Array, 2 * pairs);
    this.cycleGapMs = s.aipsTruth.tiWindowDays * DAY_MS;
    this.lastLinkClick = zeroed(Float64Array, pairs);
    this.lastLinkClickTime = zeroed(Float64Array, pairs);
    this.lastLinkStore = zeroed(Uint8Array, pairs);
    this.behaviour = new KeyedRandom(streamSeed(s.seed, "behaviour"));
    // Draws that depend on the policy or plant purchases use streams keyed by the event
    // (user, time, kind), so twin runs under another policy or without a channel keep every
    // other draw, and event time, unchanged.
    this.decide = new KeyedRandom(streamSeed(s.seed, "purchase"));
    this.plant = new KeyedRandom(streamSeed(s.seed, "purchase.plant"));
    this.links = new KeyedRandom(streamSeed(s.seed, "links"));
    this.retailSearches = new KeyedRandom(streamSeed(s.seed, "retailSearch"));
    this.searchLag = new SearchLagHistogram(this.endMs);
    this.regime = policy.regimes[0]!;
    this.heldOutOfAds = new AdHoldout(s).flags(shard.firstUser, shard.userCount);
    this.convictionStream = streamSeed(s.seed, "aips.conviction");
    // Touch kinds that can plant a purchase are exactly the scenario's `touchMass` keys.
    for (const [kind, mass] of Object.entries(s.purchase.touchMass)) this.massByKind[Kind[kind as keyof typeof Kind]] = mass;
    const m = s.purchase.stateMultiplier;
    this.stateMultiplier.set([m.none, m.A, m.I, m.TI, m.P, m.S]);
    const spd = s.population.sessionsPerDay;
    this.sessionsByActivity = Float64Array.of(spd.low, spd.medium, spd.high);
    this.brandsByCategory = Array.from({ length: this.k }, () => [] as number[]);
    for (let b = 0; b < this.brandCount; b++) this.brandsByCategory[world.brands.category[b]!]!.push(b);
    this.fallbackCategory = this.brandsByCategory.findIndex((list) => list.length > 0);
    // A brand's slice of a user's baseline demand for its category, used in credit shares.
    this.baselineShare = new Float64Array(this.brandCount);
    for (let b = 0; b < this.brandCount; b++) {
      this.baselineShare[b] = 1 / this.brandsByCategory[world.brands.category[b]!]!.length;
    }
  }

  get days(): number {
    return this.s.simulation.days;
  }

  /** Simulates day `day` (0-based; call in order) and returns its true events sorted by time. */
  simulateDay(day: number): EventBatch {
    const dayStart = this.startMs + day * DAY_MS;
    this.dayEnd = dayStart + DAY_MS;
    this.sessionEnd = this.dayEnd - SESSION_END_BEFORE_MIDNIGHT;
    this.regime = regimeAt(this.policy, dayStart);
    this.latent.beginDay();
    this.due.load(dayStart + DAY_MS);
    this.usersDay(day, dayStart);
    const counts = new Float64Array(this.brandCount * STATE_COUNT);
    this.latent.endOfDay(day, dayStart + DAY_MS, counts);
    this.aipsDaily.push(counts);
    return this.builder.takeSortedByTime(dayStart);
  }

  private nextId(): number {
    // Past 2^32 a shard's ids would run into the next shard's: say so rather than reuse them.
    if (this.seq >= EVENT_IDS_PER_SHARD - 1) idsExhausted(this.shard.index);
    return this.shard.index * EVENT_IDS_PER_SHARD + ++this.seq;
  }

  private emit(time: number, kind: number, user: number, channel: number, platform: number): number {
    return this.builder.add(this.nextId(), time, kind, user, channel, platform);
  }

  // ---- (1) behaviour ---------------------------------------------------------------

  /**
   * The day's hot loop in a method of its own: V8 compiles it on-stack, and code after
   * the loop in the same function (run once a day, so without type feedback) would throw
   * that compiled code away every day.
   */
  private usersDay(day: number, dayStart: number): void {
    for (let u = 0; u < this.users.count; u++) this.userDay(u, day, dayStart);
  }

  private userDay(u: number, day: number, dayStart: number): void {
    this.due.startUser(u);
    const rng = this.behaviour.reset(this.shard.firstUser + u, day);
    const sessions = rng.poisson(this.sessionsByActivity[this.users.activity[u]!]!);
    if (sessions > this.sessionStarts.length) this.sessionStarts = new Float64Array(sessions * 2);
    const starts = this.sessionStarts;
    for (let s = 0; s < sessions; s++) {
      // Evening-heavy day: 60 % of sessions between 19:00 and 24:00.
      const hour = rng.chance(0.6) ? 19 + 5 * rng.next() : 7 + 12 * rng.next();
      insertSorted(starts, s, dayStart + hour * 3_600_000);
    }
    if (rng.chance(this.s.purchase.baselinePerUserDay)) this.scheduleBaseline(u, dayStart, rng);
    let clock = dayStart;
    for (let s = 0; s < sessions; s++) clock = this.session(u, day, s, Math.max(starts[s]!, clock));
    this.runDue(dayStart + DAY_MS);
  }

  /** One session: a stream of feed and ad slots, maybe a search at the end. Returns when it ended. */
  private session(u: number, day: number, index: number, start: number): number {
    const rng = this.behaviour.reset(this.shard.firstUser + u, day, index + 1);
    const b = this.s.behaviour;
    let t = start;
    const sessionEnd = this.sessionEnd;
    const impressions = rng.poisson(b.impressionsPerSession);
    // Sessions end before midnight so a day's events stay inside the day.
    for (let i = 0; i < impressions && t < sessionEnd; i++) {
      t += rng.exponential(8 * SECOND) + SECOND;
      const cat = sampleCategory(this.users, this.k, u, rng.next());
      if (rng.chance(b.adLoad)) t = this.adSlot(u, cat, t, rng);
      else t = this.feedSlot(u, cat, t, rng, Channel.organic_feed, 1);
    }
    // A session that ran past its end has no search: one clamped back to the end would
    // start before the session's last events.
    if (t < sessionEnd && this.users.searcher[u] === 1 && rng.chance(b.searchPerSession)) t = this.search(u, t, rng);
    return t;
  }

  private feedSlot(u: number, cat: number, t: number, rng: KeyedRandom, channel: number, ctrBoost: number): number {
    const sampler = this.world.notes.feedByCategory[cat];
    if (!sampler) return t;
    return this.showNote(u, sampler.sample(rng.next()), t, rng, channel, ctrBoost);
  }

  /** An impression of a note, maybe a read and engagement after it. Returns the new clock. */
  private showNote(u: number, note: number, t: number, rng: KeyedRandom, channel: number, ctrBoost: number): number {
    const { notes, brands, categories } = this.world;
    const brand = notes.brand[note]!;
    const pair = u * this.brandCount + brand;
    const impression = this.noteEvent(Kind.impression, u, note, t, channel);
    // State changes at the stored (whole-ms) time, as `touch` does.
    this.latent.exposure(pair, this.builder.cols.time[impression]!);
    const video = notes.isVideo[note] === 1;
    const state = this.latent.state[pair]!;
    const interestBoost = state >= AipsState.TI ? 1.5 : 1;
    const ctr = categories.ctr[brands.category[brand]!]! * (video ? this.s.behaviour.videoCtrMultiplier : 1);
    if (!rng.chance(Math.min(1, ctr * ctrBoost * interestBoost))) return t;
    t += 2 * SECOND;
    const read = this.noteEvent(Kind.read, u, note, t, channel);
    const b = this.s.behaviour;
    const dwell = video ? Math.min(1, rng.exponential(b.videoCompletionMean)) : rng.logNormal(b.imageDwellMedianSeconds, 0.8);
    this.builder.cols.dwell[read] = dwell;
    const strongRead = video ? dwell >= 0.5 : dwell >= 5;
    this.touch(pair, read, Kind.read, channel, strongRead);
    const back = this.linksUnderNote(u, note, pair, this.builder.cols.time[read]!);
    // A user who followed a link engages, if at all, once back from the store, and not
    // after the day's end.
    t = Math.max(t + (video ? 30 : dwell) * SECOND, back);
    // (−1: times are stored rounded to the ms, and the last must stay before midnight.)
    if (t + ENGAGEMENT_SPAN >= this.dayEnd - 1) return t;
    const e = b.engagement;
    const boost = state >= AipsState.TI ? 2 : 1;
    if (rng.chance(e.like * boost)) this.engage(Kind.like, u, note, pair, (t += SECOND), channel, false);
    if (rng.chance(e.collect * boost)) this.engage(Kind.collect, u, note, pair, (t += SECOND), channel, true);
    if (rng.chance(e.comment * boost)) this.engage(Kind.comment, u, note, pair, (t += 20 * SECOND), channel, false);
    if (rng.chance(e.ask_for_link * boost)) this.engage(Kind.ask_for_link, u, note, pair, (t += 10 * SECOND), channel, true);
    if (rng.chance(e.share * boost)) this.engage(Kind.share, u, note, pair, (t += 5 * SECOND), channel, true);
    if (rng.chance(e.follow)) this.noteEvent(Kind.follow, u, note, (t += SECOND), channel);
    return t;
  }

  private engage(kind: number, u: number, note: number, pair: number, t: number, channel: number, strong: boolean): void {
    const row = this.noteEvent(kind, u, note, t, channel);
    this.touch(pair, row, kind, channel, strong);
  }

  /**
   * Every event of a user's sessions comes through here (or runs due events itself, as
   * `search` does), so the user's scheduled purchases due before it run first: they see
   * the pair as it was at their time.
   */
  private noteEvent(kind: number, u: number, note: number, t: number, channel: number): number {
    if (this.due.nextTime < t) this.runDue(t);
    const row = this.emit(t, kind, this.shard.firstUser + u, channel, Platform.red);
    const c = this.builder.cols;
    c.note[row] = note;
    c.brand[row] = this.world.notes.brand[note]!;
    c.creator[row] = this.world.notes.creator[note]!;
    return row;
  }

  private adSlot(u: number, cat: number, t: number, rng: KeyedRandom): number {
    const sampler = this.world.notes.adsByCategory[cat];
    if (!sampler) return this.feedSlot(u, cat, t, rng, Channel.organic_feed, 1);
    const note = sampler.sample(rng.next());
    if (this.heldOutOfAds !== null && this.heldOutOfAds[u] === 1) {
      // A ghost ad: the slot stays empty. Its click draw is made and thrown away, so the rest
      // of the session draws the numbers it would have drawn with the ad.
      rng.next();
      return t;
    }
    const brand = this.world.notes.brand[note]!;
    const pair = u * this.brandCount + brand;
    const impression = this.noteEvent(Kind.ad_impression, u, note, t, Channel.ad);
    this.latent.exposure(pair, this.builder.cols.time[impression]!);
    if (!rng.chance(this.s.behaviour.adCtr)) return t;
    t += 2 * SECOND;
    const click = this.noteEvent(Kind.ad_click, u, note, t, Channel.ad);
    const clickId = this.builder.cols.id[click]!;
    this.builder.cols.clickId[click] = clickId;
    this.touch(pair, click, Kind.ad_click, Channel.ad, false);
    const clickTime = this.builder.cols.time[click]!;
    let back = clickTime;
    const stores = this.regime.linkStores[brand]!;
    if (stores !== 0) {
      const rng = this.links.reset(this.shard.firstUser + u, clickTime, Kind.ad_click);
      if (rng.chance(this.s.behaviour.linkClickAfterAdClick)) back = this.followLink(u, note, pair, clickId, clickTime + 3 * SECOND, this.linkStore(stores, rng));
    }
    return Math.max(t + 10 * SECOND, back);
  }

  /**
   * Open links and blue links under a note the user just read (policy permitting).
   * Returns when the user is back on the note: the read's time, or the last event of the
   * trip out.
   */
  private linksUnderNote(u: number, note: number, pair: number, readTime: number): number {
    const user = this.shard.firstUser + u;
    const r = this.regime;
    let back = readTime;
    if (r.openLinkClick > 0 && this.links.reset(user, readTime, Kind.link_click).chance(r.openLinkClick)) {
      const link = this.noteEvent(Kind.link_click, u, note, readTime + 5 * SECOND, Channel.link);
      back = this.followLink(u, note, pair, this.builder.cols.id[link]!, readTime + 5 * SECOND, Platform.taobao, link);
    }
    if (r.blueLinkClick > 0 && this.links.reset(user, readTime, Kind.blue_link_click).chance(r.blueLinkClick)) {
      const blue = this.noteEvent(Kind.blue_link_click, u, note, Math.max(readTime + 7 * SECOND, back + 2 * SECOND), Channel.blue_link);
      this.touch(pair, blue, Kind.blue_link_click, Channel.blue_link, true);
      back = Math.max(back, this.builder.cols.time[blue]!);
    }
    return back;
  }

  /**
   * A link out to a store: the click (tagged with `clickId`) and the store visit, maybe an
   * add-to-cart, with draws keyed by the click, so the session's own draws are unchanged.
   * Red Cat links come from an ad click (its CID); open links are their own click. Returns
   * the time of the trip's last event, when the user is back on the platform.
   */
  private followLink(u: number, note: number, pair: number, clickId: number, t: number, store: number, linkRow = -1): number {
    const link = linkRow >= 0 ? linkRow : this.noteEvent(Kind.link_click, u, note, t, Channel.link);
    const linkTime = this.builder.cols.time[link]!;
    this.builder.cols.clickId[link] = clickId;
    this.lastLinkClick[pair] = clickId;
    this.lastLinkClickTime[pair] = linkTime;
    this.lastLinkStore[pair] = store;
    this.touch(pair, link, Kind.link_click, Channel.link, true);
    const rng = this.links.reset(this.shard.firstUser + u, linkTime, Kind.store_visit);
    // The trip ends with the day (a late-night visit's cart is the day's last moment).
    const lastMoment = this.dayEnd - 1;
    t = Math.min(t + 4 * SECOND, lastMoment);
    const visit = this.retailEvent(Kind.store_visit, u, pair, t, Channel.link, store, clickId);
    this.builder.cols.note[visit] = note;
    if (rng.chance(this.s.behaviour.addToCartAfterVisit)) {
      t = Math.min(t + rng.exponential(2 * MINUTE), lastMoment);
      const cart = this.retailEvent(Kind.add_to_cart, u, pair, t, Channel.link, store, clickId);
      this.builder.cols.note[cart] = note;
    }
    return t;
  }

  private retailEvent(kind: number, u: number, pair: number, t: number, channel: number, platform: number, clickId: number): number {
    const row = this.emit(t, kind, this.shard.firstUser + u, channel, platform);
    const c = this.builder.cols;
    c.brand[row] = pair % this.brandCount;
    c.clickId[row] = clickId;
    return row;
  }

  private search(u: number, t: number, rng: KeyedRandom): number {
    const brand = this.searchBrand(u, rng);
    t += rng.exponential(20 * SECOND) + SECOND;
    if (this.due.nextTime < t) this.runDue(t);
    const row = this.emit(t, Kind.search, this.shard.firstUser + u, Channel.search, Platform.red);
    this.builder.cols.brand[row] = brand;
    const pair = u * this.brandCount + brand;
    this.latent.exposure(pair, this.builder.cols.time[row]!);
    this.touch(pair, row, Kind.search, Channel.search, true);
    const results = this.s.behaviour.searchResultsPerSearch;
    const sampler = this.world.notes.byBrand[brand]!;
    // Results are looked at until the session's end, like a session's slots.
    for (let i = 0; i < results && t < this.sessionEnd; i++) {
      t += rng.exponential(5 * SECOND) + SECOND;
      t = this.showNote(u, sampler.sample(rng.next()), t, rng, Channel.search, this.s.behaviour.searchCtrMultiplier);
    }
    return t;
  }

  /** Half of searches are for a brand the user is already interested in, if any. */
  private searchBrand(u: number, rng: KeyedRandom): number {
    const base = u * this.brandCount;
    if (rng.chance(0.5)) {
      const start = rng.int(this.brandCount);
      for (let i = 0; i < this.brandCount; i++) {
        const b = (start + i) % this.brandCount;
        if (this.latent.state[base + b]! >= AipsState.I) return b;
      }
    }
    return this.randomBrandFor(u, rng);
  }

  private randomBrandFor(u: number, rng: KeyedRandom): number {
    let brands = this.brandsByCategory[sampleCategory(this.users, this.k, u, rng.next())]!;
    if (brands.length === 0) brands = this.brandsByCategory[this.fallbackCategory]!;
    return brands[rng.int(brands.length)]!;
  }

  /**
   * Baseline purchase candidates per day for (shard-local user `u`, `brand`): the user's
   * daily rate times the chance its draw lands on the brand (the brand's category, or a
   * category without brands when the brand's is where those go, then one of its brands).
   */
  baselineRate(u: number, brand: number): number {
    const cdf = this.users.affinityCdf;
    const of = (c: number) => cdf[u * this.k + c]! - (c > 0 ? cdf[u * this.k + c - 1]! : 0);
    const category = this.world.brands.category[brand]!;
    let affinity = of(category);
    if (category === this.fallbackCategory) {
      for (let c = 0; c < this.k; c++) if (this.brandsByCategory[c]!.length === 0) affinity += of(c);
    }
    return this.s.purchase.baselinePerUserDay * affinity * this.baselineShare[brand]!;
  }

  // ---- purchase candidates -----------------------------------------------------------

  /**
   * Records a touch: it moves the latent state, joins the pair's touch history and, with
   * probability mass × state multiplier, plants one purchase candidate at a delay drawn
   * from the category's touchToPurchaseDays kernel.
   */
  private touch(pair: number, row: number, kind: number, channel: number, strong: boolean): void {
    const id = this.builder.cols.id[row]!;
    const user = this.builder.cols.user[row]!;
    // The stored (whole-ms) event time, so truth refers to exactly what the events say.
    const t = this.builder.cols.time[row]!;
    const readNote = kind === Kind.read ? this.builder.cols.note[row]! : NONE;
    if (strong) this.latent.strong(pair, t, keyedUnit(this.convictionStream, user, t, kind) < this.s.aipsTruth.strongSignalConviction, readNote);
    else this.latent.light(pair, t, readNote);
    // A decision cycle starts at the first touch (of a kind that can plant; a removed channel's
    // too, since it still happened) after the pair's previous purchase or after a TI window
    // without one: a cycle is a run of touches no window apart.
    if (this.massByKind[kind]! > 0) {
      // No touch since the previous purchase (0) is a gap too.
      if (t - this.cycle[2 * pair]! > this.cycleGapMs) this.cycle[2 * pair + 1] = t;
      this.cycle[2 * pair] = t;
    }
    const mass = Math.min(1, this.massByKind[kind]! * this.stateMultiplier[this.latent.state[pair]!]!);
    // A removed channel's touches still happen but plant nothing (the counterfactual twin).
    if (mass <= 0 || channel === this.counterfactual.removedChannel) return;
    const rng = this.plant.reset(user, t, kind);
    const brand = pair % this.brandCount;
    const cycle = this.world.categories.touchToPurchaseDays[this.world.brands.category[brand]!]!;
    const isLink = kind === Kind.link_click || kind === Kind.blue_link_click;
    const median = isLink ? cycle * this.s.purchase.linkDelayFactor : cycle;
    this.touches.add(pair, id, t, mass, median, kind, channel);
    if (!rng.chance(mass)) return;
    const due = Math.round(t + rng.logNormal(median, this.s.purchase.delaySigma) * DAY_MS);
    // The wish to buy sends the user to search the brand on a retailer days later, if that
    // comes first: the retailer where a purchase found by search will then be made.
    const lag = this.s.purchase.retailSearchLag;
    const searchRng = this.retailSearches.reset(user, t, kind);
    const searchAt = Math.round(t + searchRng.logNormal(lag.medianDays, lag.sigma) * DAY_MS);
    const searchStore = this.pickRetailer(brand, searchRng.next());
    const searchesEarly = searchAt < due && searchAt < this.endMs;
    if (searchesEarly) this.scheduleRetailSearch(pair, searchAt, id, t, searchStore);
    if (due >= this.endMs) return;
    const slot = this.queue.allocate(due, ScheduledType.purchase, pair);
    const q = this.queue;
    q.searchedEarly[slot] = searchesEarly ? 1 : 0;
    q.searchStore[slot] = searchStore;
    q.sourceId[slot] = id;
    q.sourceTime[slot] = t;
    q.sourceKind[slot] = kind;
    q.sourceChannel[slot] = channel;
    q.sourceMass[slot] = mass;
    q.sourceMedianDays[slot] = median;
    q.sourceCycleStart[slot] = this.cycle[2 * pair + 1]!;
    this.schedule(slot);
  }

  /** Baseline demand: a purchase the platform did not cause, at a uniform time of the day. */
  private scheduleBaseline(u: number, dayStart: number, rng: KeyedRandom): void {
    const brand = this.randomBrandFor(u, rng);
    const t = Math.round(dayStart + rng.next() * DAY_MS);
    if (this.counterfactual.removedChannel === Channel.baseline) return;
    const slot = this.queue.allocate(t, ScheduledType.purchase, u * this.brandCount + brand);
    const q = this.queue;
    q.sourceId[slot] = 0;
    q.sourceTime[slot] = t;
    q.sourceKind[slot] = Kind.purchase;
    q.sourceChannel[slot] = Channel.baseline;
    q.sourceMass[slot] = 0;
    q.sourceMedianDays[slot] = 0;
    q.sourceCycleStart[slot] = 0;
    q.searchedEarly[slot] = 0;
    this.schedule(slot);
  }

  private scheduleRetailSearch(pair: number, t: number, touchId: number, touchTime: number, store: number): void {
    const slot = this.queue.allocate(t, ScheduledType.retailSearch, pair);
    this.queue.sourceId[slot] = touchId;
    this.queue.sourceTime[slot] = touchTime;
    this.queue.searchStore[slot] = store;
    this.schedule(slot);
  }

  // ---- (2) scheduled events ----------------------------------------------------------

  /** A filled slot: due later today it waits with the current user's events, else in the queue. */
  private schedule(slot: number): void {
    if (!this.due.takesToday(slot)) this.queue.commit(slot);
  }

  /** Runs the current user's scheduled events due before `until`, in time order. */
  private runDue(until: number): void {
    const q = this.queue;
    for (let slot = this.due.nextBefore(until); slot >= 0; slot = this.due.nextBefore(until)) {
      const type = q.type[slot];
      if (type === ScheduledType.purchase) this.resolveCandidate(slot);
      else if (type === ScheduledType.retailSearch) this.retailSearch(slot);
      else this.postPurchaseShare(slot);
      q.release(slot);
    }
  }

  /** The first candidate of a pair to fall due after its last purchase is the next purchase. */
  private resolveCandidate(slot: number): void {
    const q = this.queue;
    const pair = q.pair[slot]!;
    const t = q.time[slot]!;
    const previousPurchase = this.lastPurchase[pair]!;
    if (q.sourceTime[slot]! <= previousPurchase) return;
    // Steps before the order stay inside the order's day so days are emitted in time order.
    const dayStart = this.startMs + Math.floor((t - this.startMs) / DAY_MS) * DAY_MS;
    this.lastPurchase[pair] = t;
    const u = Math.floor(pair / this.brandCount);
    const brand = pair - u * this.brandCount;
    const user = this.shard.firstUser + u;
    // Keyed by the global user, not the shard-local pair, so the shard size changes no draw.
    const rng = this.decide.reset(user, t, brand);
    const { brands } = this.world;

    // Where the purchase happens: own shop, the store a link led to, or a retailer found by search.
    let platform: number;
    let channel: number;
    const linkCid = this.liveLinkClick(pair, t);
    if (brands.hasRedShop[brand] === 1 && rng.chance(this.s.purchase.redShopShare)) {
      platform = Platform.red_shop;
      channel = Channel.shop;
    } else if (linkCid !== 0 && rng.chance(this.s.purchase.linkStoreLoyalty)) {
      platform = this.lastLinkStore[pair]!;
      channel = Channel.link;
    } else {
      // Drawn either way, so the draws after it stay the same.
      const found = this.pickRetailer(brand, rng.next());
      // A buyer who searched the brand on a retailer after the touch buys there.
      platform = q.searchedEarly[slot] === 1 ? q.searchStore[slot]! : found;
      channel = Channel.spillover;
    }
    // The retailer tags any order in the linked store with the pair's last CID (last-click), while it lasts.
    const clickId = linkCid !== 0 && platform === this.lastLinkStore[pair] ? linkCid : 0;
    // Steps tagged with a click come after it.
    const earliest = clickId === 0 ? dayStart : Math.max(dayStart, Math.min(t, this.lastLinkClickTime[pair]! + SECOND));
    const before = (draw: number) => Math.max(earliest, t - draw);
    if (channel === Channel.link) {
      this.retailEvent(Kind.store_visit, u, pair, before(rng.exponential(10 * MINUTE) + MINUTE), channel, platform, clickId);
      if (rng.chance(0.5)) this.retailEvent(Kind.add_to_cart, u, pair, before(rng.exponential(2 * MINUTE) + 1), channel, platform, clickId);
    } else if (channel === Channel.spillover) {
      const search = this.retailEvent(Kind.retail_search, u, pair, before(rng.exponential(5 * MINUTE) + SECOND), channel, platform, clickId);
      this.builder.cols.cause[search] = q.sourceId[slot]!;
      if (q.sourceId[slot] !== 0 && q.searchedEarly[slot] === 0) this.searchLag.record(q.sourceTime[slot]!, this.builder.cols.time[search]!);
    }
    const row = this.retailEvent(Kind.purchase, u, pair, t, channel, platform, clickId);
    const value = Math.round(brands.priceYuan[brand]! * rng.logNormal(1, 0.25) * 100) / 100;
    this.builder.cols.value[row] = value;
    this.builder.cols.cause[row] = q.sourceId[slot]!;
    this.latent.purchase(pair, t);
    this.recordTruth(row, slot, user, brand, platform, channel, Math.fround(value), clickId, previousPurchase);
    // The pair's next touch starts a new decision cycle.
    this.cycle[2 * pair] = 0;

    if (rng.chance(this.s.behaviour.postPurchaseShare)) {
      const share = this.queue.allocate(Math.round(t + rng.logNormal(3, 0.6) * DAY_MS), ScheduledType.postPurchaseShare, pair);
      this.schedule(share);
    }
  }

  /** The store an ad's link area leads to: the brand's only one, or Tmall or JD by the retailers' weights. */
  private linkStore(stores: number, rng: KeyedRandom): number {
    if (stores === TMALL_BIT) return Platform.tmall;
    if (stores === JD_BIT) return Platform.jd;
    const w = this.s.purchase.retailerWeights;
    // Weights of 0 for both (only taobao's must be above 0) split evenly.
    const [tmall, both] = w.tmall + w.jd > 0 ? [w.tmall, w.tmall + w.jd] : [1, 2];
    return rng.next() * both < tmall ? Platform.tmall : Platform.jd;
  }

  /** The click id of the pair's last link: its store is the route, and tags orders, for linkStoreDays after the click. */
  private liveLinkClick(pair: number, t: number): number {
    return t - this.lastLinkClickTime[pair]! <= this.s.purchase.linkStoreDays * DAY_MS ? this.lastLinkClick[pair]! : 0;
  }

  /**
   * A search for the brand on a retailer, days after the touch that planted a wish to buy it
   * (its cause), in the store where a purchase found by search will be made. None when the
   * pair bought since the touch: the wish is spent, and its purchase candidate will be dropped.
   * The retailer tags a search in the store a link led to with the link's click id, as it tags
   * orders there. It moves no latent state: it follows the interest, and the platform sees it
   * only through passback.
   */
  private retailSearch(slot: number): void {
    const q = this.queue;
    const pair = q.pair[slot]!;
    if (this.lastPurchase[pair]! >= q.sourceTime[slot]!) return;
    const t = q.time[slot]!;
    const u = Math.floor(pair / this.brandCount);
    const platform = q.searchStore[slot]!;
    const linkCid = this.liveLinkClick(pair, t);
    const clickId = linkCid !== 0 && platform === this.lastLinkStore[pair] ? linkCid : 0;
    const row = this.retailEvent(Kind.retail_search, u, pair, t, Channel.spillover, platform, clickId);
    this.builder.cols.cause[row] = q.sourceId[slot]!;
    this.searchLag.record(q.sourceTime[slot]!, t);
  }

  private pickRetailer(brand: number, uniform: number): number {
    const w = this.s.purchase.retailerWeights;
    const tmall = this.world.brands.hasTmall[brand] === 1 ? w.tmall : 0;
    const jd = this.world.brands.hasJd[brand] === 1 ? w.jd : 0;
    const total = tmall + jd + w.taobao;
    const x = uniform * total;
    if (x < tmall) return Platform.tmall;
    if (x < tmall + jd) return Platform.jd;
    return Platform.taobao;
  }

  /**
   * The purchase's true cause and credit shares. The intensity behind a purchase holds the
   * touches since the pair's previous purchase (`after`): candidates planted before it were
   * dropped when it happened (resolveCandidate), so earlier touches have no term.
   */
  private recordTruth(row: number, slot: number, user: number, brand: number, platform: number, channel: number, value: number, clickId: number, after: number): void {
    const q = this.queue;
    const c = this.builder.cols;
    const { purchases, credits } = this.truth;
    const purchaseId = c.id[row]!;
    const t = c.time[row]!;
    purchases.id.push(purchaseId);
    purchases.user.push(user);
    purchases.brand.push(brand);
    purchases.time.push(t);
    purchases.platform.push(platform);
    purchases.channel.push(channel);
    purchases.value.push(value);
    purchases.clickId.push(clickId);
    purchases.clickTime.push(clickId === 0 ? 0 : this.lastLinkClickTime[q.pair[slot]!]!);
    purchases.cause.push(q.sourceId[slot]!);
    purchases.causeKind.push(q.sourceKind[slot]!);
    purchases.causeChannel.push(q.sourceChannel[slot]!);
    purchases.causeTime.push(q.sourceTime[slot]!);

    // Credit shares: each alive term of the intensity at t, over their sum.
    const pair = q.pair[slot]!;
    const sigma = this.s.purchase.delaySigma;
    const u = Math.floor(pair / this.brandCount);
    // The twin without baseline demand plants none, so its intensity has no baseline term either.
    const baseline = this.counterfactual.removedChannel === Channel.baseline ? 0 : this.baselineRate(u, brand);
    const n = this.touches.slotsOf(pair, this.slots);
    const h = this.touches;
    // Live touches the ring let go of have no term here: the purchase says so.
    purchases.creditTruncated.push(h.droppedTime(pair) > after ? 1 : 0);
    // A touch-caused purchase ends the cycle its cause was part of, even if a gap started
    // another since; baseline demand's is the cycle going on, if any: none when the pair had
    // no touch since its previous purchase, or none within a TI window before this one.
    const currentCycle = t - this.cycle[2 * pair]! <= this.cycleGapMs ? this.cycle[2 * pair + 1]! : 0;
    purchases.cycleStart.push(q.sourceId[slot] !== 0 ? q.sourceCycleStart[slot]! : currentCycle);
    let total = baseline;
    let causeSeen = q.sourceId[slot] === 0;
    const terms = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const s = this.slots[i]!;
      if (h.time[s]! >= t || h.time[s]! <= after) continue;
      terms[i] = h.mass[s]! * logNormalDensity((t - h.time[s]!) / DAY_MS, h.medianDays[s]!, sigma);
      total += terms[i]!;
      if (h.id[s] === q.sourceId[slot]) causeSeen = true;
    }
    // The cause's touch may have left the ring; its term still belongs in the intensity.
    if (!causeSeen) {
      terms[n] = q.sourceMass[slot]! * logNormalDensity((t - q.sourceTime[slot]!) / DAY_MS, q.sourceMedianDays[slot]!, sigma);
      total += terms[n];
    }
    if (!(total > 0)) total = 1;
    const push = (touch: number, kind: number, channel: number, share: number) => {
      if (share <= 0) return;
      credits.purchase.push(purchaseId);
      credits.touch.push(touch);
      credits.touchKind.push(kind);
      credits.touchChannel.push(channel);
      credits.share.push(share);
    };
    push(0, Kind.purchase, Channel.baseline, baseline / total);
    for (let i = 0; i < n; i++) {
      const s = this.slots[i]!;
      push(h.id[s]!, h.kind[s]!, h.channel[s]!, terms[i]! / total);
    }
    if (!causeSeen) push(q.sourceId[slot]!, q.sourceKind[slot]!, q.sourceChannel[slot]!, terms[n]! / total);
  }

  private postPurchaseShare(slot: number): void {
    const pair = this.queue.pair[slot]!;
    const t = this.queue.time[slot]!;
    const u = Math.floor(pair / this.brandCount);
    const row = this.emit(t, Kind.post_purchase_share, this.shard.firstUser + u, Channel.organic_feed, Platform.red);
    this.builder.cols.brand[row] = pair % this.brandCount;
    this.latent.postPurchaseShare(pair, t);
  }
}

/** Out of line, so the per-event id check stays a compare in the hot path. */
function idsExhausted(shard: number): never {
  throw new Error(`shard ${shard} emitted 2^32 − 1 events, the most its event ids can number: lower simulation.shardUsers`);
}

/** Puts `value` into `sorted[0..n)` (ascending), making it `sorted[0..n]`. */
function insertSorted(sorted: Float64Array, n: number, value: number): void {
  let at = n;
  while (at > 0 && sorted[at - 1]! > value) {
    sorted[at] = sorted[at - 1]!;
    at--;
  }
  sorted[at] = value;
}
