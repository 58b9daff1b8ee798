import { DAY_MS, HOUR_MS } from "./kernel.js";

/** Lags are counted for touches at least this long before the run's end, and binned up to it. */
export const SEARCH_LAG_HORIZON_DAYS = 30;
/** Whole hours 0 … 24 × horizon − 1, then one bin for longer lags. */
export const SEARCH_LAG_BINS = SEARCH_LAG_HORIZON_DAYS * 24 + 1;

/**
 * How long after a touch that plants a purchase the user first searches the brand on a
 * retailer (DOMAIN: 3–5 d), as counts of whole hours. Only touches a horizon before the run's
 * end are counted, so every lag up to the horizon had its chance to happen inside the run;
 * longer lags share the last bin, and those running past the run's end are missing from it.
 */
export class SearchLagHistogram {
  readonly hours = new Float64Array(SEARCH_LAG_BINS);
  private readonly lastCountedTouch: number;

  constructor(runEndMs: number) {
    this.lastCountedTouch = runEndMs - SEARCH_LAG_HORIZON_DAYS * DAY_MS;
  }

  record(touchTime: number, searchTime: number): void {
    if (touchTime > this.lastCountedTouch) return;
    const bin = Math.min(SEARCH_LAG_BINS - 1, Math.floor((searchTime - touchTime) / HOUR_MS));
    this.hours[bin] = this.hours[bin]! + 1;
  }
}

/** The median lag in days, the middle of its hour (of the last bin: just past the horizon), or null when none was counted. */
export function medianLagDays(hours: Float64Array): { medianDays: number | null; searches: number } {
  const searches = hours.reduce((a, b) => a + b, 0);
  let bin = 0;
  for (let below = hours[0]!; below < searches / 2; below += hours[bin]!) bin++;
  return { medianDays: searches === 0 ? null : (bin + 0.5) / 24, searches };
}
