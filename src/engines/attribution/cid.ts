import { InputError } from "../../errors.js";
import { CreditSheet } from "./table.js";
import type { AttributionModel } from "./types.js";

const DAY_MS = 86_400_000;

/**
 * Click-id attribution: each conversion goes to the last touch that carried a
 * click id and happened within `windowDays` before the conversion (inclusive
 * at both ends). A conversion with no such touch goes to no channel and is
 * counted as unattributed, because a click id is evidence and its absence is
 * not evidence for any other channel.
 */
export const cid: AttributionModel = {
  name: "cid",
  attribute(table, options) {
    const { touchTimes, clickIds } = table;
    if (touchTimes === undefined || clickIds === undefined) {
      throw new InputError("cid needs touch times and click-id flags (journeys from events); this table has none");
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
      let credited = -1;
      for (let i = path.length - 1; i >= 0 && credited < 0; i--) {
        const t = times[i]!;
        if (clicks[i] !== 0 && t <= convertedAt && t >= convertedAt - windowMs) credited = i;
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
