import { InputError } from "../../errors.js";
import { CreditSheet } from "./table.js";
import type { AttributionModel } from "./types.js";

const DAY_MS = 86_400_000;

/**
 * Click-id attribution: a conversion passed back with a click id goes to the
 * last touch carrying that click id within `windowDays` before the conversion
 * (inclusive at both ends). A conversion with no click id (an own-shop order, a
 * data-alliance match), or whose click is not among its touches in the window,
 * goes to no channel and is counted as unattributed: a click id is evidence, and
 * its absence is not evidence for any other channel.
 */
export const cid: AttributionModel = {
  name: "cid",
  attribute(table, options) {
    const { touchTimes, clickIds, conversionClickIds } = table;
    if (touchTimes === undefined || clickIds === undefined || conversionClickIds === undefined) {
      throw new InputError("cid needs touch times and click ids of touches and conversions (journeys from events); this table has none");
    }
    const windowMs = options.windowDays * DAY_MS;
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
      let credited = -1;
      for (let i = path.length - 1; passedBackWith !== 0 && i >= 0 && credited < 0; i--) {
        const t = times[i]!;
        if (clicks[i] === passedBackWith && t <= convertedAt && t >= convertedAt - windowMs) credited = i;
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
