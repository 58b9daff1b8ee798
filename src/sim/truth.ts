/**
 * Ground truth collected while simulating: one row per purchase (its true cause) and one
 * row per (purchase, touch) credit share. Purchases are rare next to events, so plain
 * growable arrays are enough here.
 */
export interface TruthPurchases {
  id: number[];
  user: number[];
  brand: number[];
  time: number[];
  platform: number[];
  channel: number[];
  value: number[];
  clickId: number[];
  /** Time of the tagged click; 0 when there is none. */
  clickTime: number[];
  /** Event id of the causing touch; 0 = baseline demand. */
  cause: number[];
  causeKind: number[];
  causeChannel: number[];
  causeTime: number[];
  /** 1 when touches older than the pair's touch ring, but after its previous purchase, had no term in the credit. */
  creditTruncated: number[];
}

export interface TruthCredits {
  purchase: number[];
  touch: number[];
  touchKind: number[];
  touchChannel: number[];
  share: number[];
}

export function emptyTruth(): { purchases: TruthPurchases; credits: TruthCredits } {
  return {
    purchases: {
      id: [],
      user: [],
      brand: [],
      time: [],
      platform: [],
      channel: [],
      value: [],
      clickId: [],
      clickTime: [],
      cause: [],
      causeKind: [],
      causeChannel: [],
      causeTime: [],
      creditTruncated: [],
    },
    credits: { purchase: [], touch: [], touchKind: [], touchChannel: [], share: [] },
  };
}
