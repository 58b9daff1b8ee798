import { touchShareModel } from "./touchShares.js";

/** Each of the n touches gets 1/n, repeated channels once per touch. */
export const linear = touchShareModel("linear", (table, row) => {
  const touches = table.paths[row]!.length;
  return new Float64Array(touches).fill(1 / touches);
});
