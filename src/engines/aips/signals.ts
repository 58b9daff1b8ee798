import { Kind, NONE, type KindName } from "../../events/enums.js";
import type { AipsOptions } from "./options.js";

/**
 * What one observed row says about its (user, brand) pair, as bit flags. Every row that
 * reaches the pair is an exposure (awareness); the flags add what else it shows.
 */
export const Signal = {
  /** Light engagement: interest (I). */
  engage: 1,
  /** A strong signal: true interest (TI) for the TI window. */
  strong: 2,
  /** A read of a note: counts towards distinct reads. */
  read: 4,
  /** An observed purchase (P). */
  purchase: 8,
  /** A post-purchase share (S once a purchase is observed). */
  share: 16,
  /** Not a signal about a brand. */
  ignore: 0xff,
} as const;

const { engage, strong, read, purchase, share } = Signal;

/** Flags per kind; reads become strong by dwell, which `classify` checks. */
const FLAGS: Partial<Record<KindName, number>> = {
  impression: 0,
  ad_impression: 0,
  read: engage | read,
  like: engage,
  comment: engage,
  follow: engage,
  ad_click: engage,
  collect: engage | strong,
  ask_for_link: engage | strong,
  share: engage | strong,
  search: engage | strong,
  link_click: engage | strong,
  blue_link_click: engage | strong,
  store_visit: engage | strong,
  retail_search: engage | strong,
  add_to_cart: engage | strong,
  purchase,
  // Without an observed purchase the platform cannot confirm the sale: it is a share, a strong signal.
  post_purchase_share: engage | strong | share,
};

const BY_KIND = new Uint8Array(256).fill(Signal.ignore);
for (const [kind, flags] of Object.entries(FLAGS)) BY_KIND[Kind[kind as KindName]] = flags;

/** Flags of one row. A read is strong when its image dwell or video completion reaches the threshold. */
export function classify(kind: number, dwell: number, note: number, isVideo: Uint8Array, o: AipsOptions): number {
  const flags = BY_KIND[kind]!;
  if (kind !== Kind.read) return flags;
  if (note === NONE) return engage;
  const deep = isVideo[note] === 1 ? dwell >= o.videoCompletion : dwell >= o.imageDwellSeconds;
  return deep ? flags | strong : flags;
}
