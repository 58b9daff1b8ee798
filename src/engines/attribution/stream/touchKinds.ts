import { Kind } from "../../../events/enums.js";

/**
 * Event kinds that count as touches of a journey: reads, engagement with a note,
 * searches, ad clicks and link clicks — the moments a user chose to interact.
 * Bare impressions (feed or ad) are left out: being shown a note is not evidence
 * of interest and would swamp every path. Follows are left out too (they are about
 * the creator, not the brand), as are retail steps after a link click (store visit,
 * add to cart: the link click already stands for them) and post-purchase shares.
 */
const TOUCH_KINDS = [
  Kind.read,
  Kind.like,
  Kind.collect,
  Kind.comment,
  Kind.ask_for_link,
  Kind.share,
  Kind.search,
  Kind.ad_click,
  Kind.link_click,
  Kind.blue_link_click,
] as const;

/** Role of each kind code in a journey. */
export const Role = { ignored: 0, touch: 1, conversion: 2 } as const;

/** Lookup by kind code; conversions are observed purchases. */
export const ROLE_BY_KIND: Uint8Array = (() => {
  const roles = new Uint8Array(256);
  for (const kind of TOUCH_KINDS) roles[kind] = Role.touch;
  roles[Kind.purchase] = Role.conversion;
  return roles;
})();
