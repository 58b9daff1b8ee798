import type { Scenario } from "../config/schema.js";
import { KeyedRandom, streamSeed } from "../random/keyed.js";

/** Creators as columns. Traffic weights realise the scenario's traffic-equity share. */
export interface Creators {
  readonly count: number;
  readonly followers: Uint32Array;
  /** Relative feed traffic; creators under 1,000 followers together get `smallCreatorTrafficShare`. */
  readonly trafficWeight: Float64Array;
}

export const SMALL_CREATOR_FOLLOWERS = 1_000;

export function buildCreators(s: Scenario): Creators {
  const n = s.creators.count;
  const rng = new KeyedRandom(streamSeed(s.seed, "world.creator"));
  const followers = new Uint32Array(n);
  const raw = new Float64Array(n);
  let smallTotal = 0;
  let largeTotal = 0;
  for (let i = 0; i < n; i++) {
    rng.reset(i);
    const small = rng.chance(s.creators.smallCreatorShare);
    followers[i] = small
      ? Math.min(SMALL_CREATOR_FOLLOWERS - 1, Math.floor(rng.logNormal(150, 1.2)))
      : Math.max(SMALL_CREATOR_FOLLOWERS, Math.floor(rng.logNormal(20_000, 1.5)));
    // Reach grows sub-linearly with followers; the tier totals are rescaled below.
    raw[i] = Math.sqrt(followers[i]! + 10) * rng.logNormal(1, 0.5);
    if (small) smallTotal += raw[i]!;
    else largeTotal += raw[i]!;
  }
  const target = s.creators.smallCreatorTrafficShare;
  const smallScale = smallTotal > 0 ? target / smallTotal : 0;
  const largeScale = largeTotal > 0 ? (1 - target) / largeTotal : 0;
  const trafficWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    trafficWeight[i] = raw[i]! * (followers[i]! < SMALL_CREATOR_FOLLOWERS ? smallScale : largeScale);
  }
  return { count: n, followers, trafficWeight };
}
