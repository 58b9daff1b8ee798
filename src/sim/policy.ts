import type { LinkStoreName, RegimeConfig, Scenario } from "../config/schema.js";
import { Platform } from "../events/enums.js";
import type { World } from "../world/world.js";

/** A platform's bit in a brand's `linkStores` mask. */
export const storeBit = (platform: number): number => 1 << platform;
const STORE_PLATFORM: Readonly<Record<LinkStoreName, number>> = { tmall: Platform.tmall, jd: Platform.jd };

/**
 * The scenario's link policy, resolved once: a list of regimes in time order (one for a
 * plain policy, several for a timeline) plus optional alliance matching. A regime says
 * what users can do (open links, blue links, Red Cat link areas for eligible brands) and
 * what the platform observes (CID passback window, delay, duplicates).
 */
export interface Regime {
  readonly type: RegimeConfig["type"];
  /** First moment the regime applies (ms since epoch; -Infinity for the first). */
  readonly fromMs: number;
  /** Probability a reader taps a note's outbound Taobao link (open links). */
  readonly openLinkClick: number;
  /** Probability a reader taps a blue search link under the note. */
  readonly blueLinkClick: number;
  /**
   * Per brand: the stores its ad notes' link areas may lead to, one `storeBit` per platform
   * (Red Cat: Tmall, Red JD: JD); 0 when its ads carry no link area. Passback covers the same.
   */
  readonly linkStores: Uint8Array;
  /** CID passback window in days (0 when nothing is passed back). */
  readonly passbackWindowDays: number;
  readonly passbackDelayMedianHours: number;
  /** Retailer interactions (not orders) are passed back only this many hours after the click. */
  readonly passbackInteractionWindowHours: number;
  readonly duplicateRate: number;
}

export interface Alliance {
  readonly sampleRate: number;
  readonly windowDays: number;
  readonly delayMedianDays: number;
  /** Per brand: 1 when its category is a pilot industry, whose readers are all matched. */
  readonly matchesEveryReader: Uint8Array;
}

export interface LinkPolicy {
  readonly type: Scenario["policy"]["type"];
  readonly regimes: readonly Regime[];
  readonly alliance: Alliance | null;
  /** Widest passback window of any regime (engines use it as the CID lookback). */
  readonly passbackWindowDays: number;
  /** Per brand: the union of its `linkStores` over every regime. */
  readonly linkStores: Uint8Array;
}

export function regimeAt(policy: LinkPolicy, t: number): Regime {
  const r = policy.regimes;
  let i = r.length - 1;
  while (i > 0 && r[i]!.fromMs > t) i--;
  return r[i]!;
}

function resolveRegime(config: RegimeConfig, fromMs: number, world: World): Regime {
  const { brands, categories } = world;
  const linkStores = new Uint8Array(brands.count);
  let passback = { windowDays: 0, delayMedianHours: 0, duplicateRate: 0, interactionWindowHours: 0 };
  if (config.type === "redcat" || config.type === "hybrid") {
    const rc = config.redcat;
    const allowed = inCategories(world, rc.categories ?? categories.names.filter((_, i) => categories.redcatPilot[i] === 1));
    const runs: Readonly<Record<LinkStoreName, Uint8Array>> = { tmall: brands.hasTmall, jd: brands.hasJd };
    for (let b = 0; b < brands.count; b++) {
      const qualifies =
        brands.experienceScore[b]! >= rc.minExperienceScore &&
        brands.dailyAdBudgetYuan[b]! >= rc.minDailyBudgetYuan &&
        allowed[b] === 1;
      if (!qualifies) continue;
      for (const store of rc.stores) if (runs[store][b] === 1) linkStores[b] = linkStores[b]! | storeBit(STORE_PLATFORM[store]);
    }
    passback = { windowDays: rc.windowDays, ...rc.passback };
  }
  return {
    type: config.type,
    fromMs,
    openLinkClick: config.type === "open" ? config.open.clickAfterRead : 0,
    blueLinkClick: config.type === "blue_links" || config.type === "hybrid" ? config.blueLinks.clickAfterRead : 0,
    linkStores,
    passbackWindowDays: passback.windowDays,
    passbackDelayMedianHours: passback.delayMedianHours,
    passbackInteractionWindowHours: passback.interactionWindowHours,
    duplicateRate: passback.duplicateRate,
  };
}

export function resolveLinkPolicy(s: Scenario, world: World): LinkPolicy {
  const p = s.policy;
  const regimes =
    p.type === "timeline"
      ? p.switches.map((sw, i) => resolveRegime(sw.policy, i === 0 ? -Infinity : Date.parse(`${sw.from}T00:00:00Z`), world))
      : [resolveRegime(p, -Infinity, world)];
  const anyRegime = new Uint8Array(world.brands.count);
  for (const r of regimes) for (let b = 0; b < anyRegime.length; b++) anyRegime[b] = anyRegime[b]! | r.linkStores[b]!;
  return {
    type: p.type,
    regimes,
    alliance: p.alliance ? resolveAlliance(p.alliance, world) : null,
    passbackWindowDays: Math.max(...regimes.map((r) => r.passbackWindowDays)),
    linkStores: anyRegime,
  };
}

function resolveAlliance(config: NonNullable<Scenario["policy"]["alliance"]>, world: World): Alliance {
  return { sampleRate: config.sampleRate, windowDays: config.windowDays, delayMedianDays: config.delayMedianDays, matchesEveryReader: inCategories(world, config.pilotCategories) };
}

/** Per brand: 1 when its category is one of `names`. */
function inCategories(world: World, names: readonly string[]): Uint8Array {
  const { brands, categories } = world;
  const listed = new Set(names);
  return Uint8Array.from({ length: brands.count }, (_, b) => (listed.has(categories.names[brands.category[b]!]!) ? 1 : 0));
}

/**
 * Timeline switches dated on or after the run's end never apply (a run shortened with
 * `--days` can leave some behind): said in run.json's warnings rather than dropped silently.
 */
export function unusedSwitchWarnings(s: Scenario): string[] {
  if (s.policy.type !== "timeline") return [];
  const end = new Date(Date.parse(`${s.simulation.start}T00:00:00Z`) + s.simulation.days * 86_400_000).toISOString().slice(0, 10);
  return s.policy.switches
    .slice(1)
    .filter((sw) => sw.from >= end)
    .map((sw) => `policy: the timeline switch to ${sw.policy.type} on ${sw.from} is on or after the run's end (${end}), so it never applies`);
}
