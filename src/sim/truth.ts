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
  /** 1 when touches after the pair's previous purchase fell out of its touch ring, so their terms (the cause's excepted) are missing from the credit. */
  creditTruncated: number[];
  /**
   * Start of the purchase's decision cycle: the first of the run of touches (since the pair's
   * previous purchase, none a TI window after the one before) that holds its cause; for
   * baseline demand, the run going on at the purchase; 0 when there is none.
   */
  cycleStart: number[];
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
      cycleStart: [],
    },
    credits: { purchase: [], touch: [], touchKind: [], touchChannel: [], share: [] },
  };
}
