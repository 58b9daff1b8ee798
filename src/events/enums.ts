/**
 * The one place where event kinds, channels and platforms are enumerated.
 * Generator, engines and Arrow schemas all read these tables, so a new value is
 * added here and nowhere else. Codes are the array index and fit in a uint8.
 */

export const KINDS = [
  "impression",
  "read",
  "like",
  "collect",
  "comment",
  "ask_for_link",
  "share",
  "follow",
  "search",
  "ad_impression",
  "ad_click",
  "link_click",
  "blue_link_click",
  "store_visit",
  "retail_search",
  "add_to_cart",
  "purchase",
  "post_purchase_share",
] as const;
export type KindName = (typeof KINDS)[number];

export const CHANNELS = [
  "organic_feed",
  "search",
  "ad",
  "link",
  "blue_link",
  "shop",
  "spillover",
  "baseline",
] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Channels whose touches plant purchases: what a twin run removes to measure incrementality. */
export const TOUCH_CHANNELS = ["organic_feed", "search", "ad", "link", "blue_link"] as const satisfies readonly ChannelName[];
export type TouchChannelName = (typeof TOUCH_CHANNELS)[number];

export const PLATFORMS = ["red", "tmall", "taobao", "jd", "red_shop"] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** AIPS states, ordered by depth; `none` means the user never met the brand. */
export const AIPS_STATES = ["none", "A", "I", "TI", "P", "S"] as const;
export type AipsStateName = (typeof AIPS_STATES)[number];

function codes<T extends string>(names: readonly T[]): Readonly<Record<T, number>> {
  return Object.freeze(Object.fromEntries(names.map((n, i) => [n, i])) as Record<T, number>);
}

export const Kind = codes(KINDS);
export const Channel = codes(CHANNELS);
export const Platform = codes(PLATFORMS);
export const AipsState = codes(AIPS_STATES);

/** Sentinel for "no key" in uint32 key columns (user, note, brand, creator, clickId). */
export const NONE = 0xffffffff;
