import { InputError } from "../../errors.js";
import { CreditSheet } from "./table.js";
import { OWN_SHOP_ORDER, type AttributionModel } from "./types.js";

const DAY_MS = 86_400_000;
/** The platform ties an order in its own shop to its last click within 7 days (DOMAIN). */
export const OWN_SHOP_WINDOW_DAYS = 7;

/**
 * Click-id attribution. A conversion a retailer passed back with a click id goes to the
 * last touch carrying that click id within `windowDays` before it; an order in the
 * platform's own shop goes to the last touch that carried any click id within
 * OWN_SHOP_WINDOW_DAYS (both windows inclusive at both ends). Anything else (no click id,
 * as for a data-alliance match, or no such touch) goes to no channel and is counted as
 * unattributed: a click id is evidence, and its absence is not evidence for any other channel.
 */
export const cid: AttributionModel = {
  name: "cid",
  attribute(table, options) {
    const { touchTimes, clickIds, conversionClickIds } = table;
    if (touchTimes === undefined || clickIds === undefined || conversionClickIds === undefined) {
      throw new InputError("cid needs touch times and click ids of touches and conversions (journeys from events); this table has none");
    }
    const sheet = new CreditSheet(table.channels);
    let unattributedConversions = 0;
    let unattributedValue = 0;
    for (let p = 0; p < table.paths.length; p++) {
      const conversions = table.conversions[p]!;
      if (conversions === 0) continue;
      const path = table.paths[p]!;
      const times = touchTimes[p]!;
      const clicks = clickIds[p]!;
      const convertedAt = table.conversionTimes?.[p] ?? times[path.length - 1]!;
      const passedBackWith = conversionClickIds[p]!;
      const ownShop = passedBackWith === OWN_SHOP_ORDER;
      const from = convertedAt - (ownShop ? OWN_SHOP_WINDOW_DAYS : options.windowDays) * DAY_MS;
      let credited = -1;
      for (let i = path.length - 1; passedBackWith !== 0 && i >= 0 && credited < 0; i--) {
        const t = times[i]!;
        const evidence = ownShop ? clicks[i] !== 0 : clicks[i] === passedBackWith;
        if (evidence && t <= convertedAt && t >= from) credited = i;
      }
      if (credited >= 0) {
        sheet.give(path[credited]!, 1, conversions, table.value[p]!);
      } else {
        unattributedConversions += conversions;
        unattributedValue += table.value[p]!;
      }
    }
    return { ...sheet.result(), unattributed: { conversions: unattributedConversions, value: unattributedValue } };
  },
};
