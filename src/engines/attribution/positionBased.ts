import { touchShareModel } from "./touchShares.js";

const END_SHARE = 0.4;
const MIDDLE_SHARE = 0.2;

/**
 * 40% to the first touch, 40% to the last, 20% spread over the touches in
 * between. Without a middle the ends split everything: one touch gets all,
 * two touches get half each.
 */
export const positionBased = touchShareModel("position_based", (table, row) => {
  const touches = table.paths[row]!.length;
  if (touches === 1) return [1];
  if (touches === 2) return [0.5, 0.5];
  const shares = new Float64Array(touches).fill(MIDDLE_SHARE / (touches - 2));
  shares[0] = END_SHARE;
  shares[touches - 1] = END_SHARE;
  return shares;
});
