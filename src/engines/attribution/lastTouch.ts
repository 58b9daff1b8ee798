import { allTo, touchShareModel } from "./touchShares.js";

/** Every conversion goes to the last touch of its journey. */
export const lastTouch = touchShareModel("last_touch", (table, row) => {
  const touches = table.paths[row]!.length;
  return allTo(touches, touches - 1);
});
