import { allTo, touchShareModel } from "./touchShares.js";

/** Every conversion goes to the first touch of its journey. */
export const firstTouch = touchShareModel("first_touch", (table, row) => allTo(table.paths[row]!.length, 0));
