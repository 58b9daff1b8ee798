import { touchShareModel } from "./touchShares.js";

const DAY_MS = 86_400_000;

/**
 * Touch weights halve every half-life back from the conversion, normalised
 * per journey. Without touch times the age of touch i of n (0-based) is
 * n-1-i touches and the half-life is in touches; with times the age is the
 * time before the last touch and the half-life is in days. Normalising makes
 * the reference point cancel, so measuring from the last touch rather than
 * the conversion gives the same shares and keeps every exponent <= 0.
 */
export const timeDecay = touchShareModel("time_decay", (table, row, options) => {
  const touches = table.paths[row]!.length;
  const times = table.touchTimes?.[row];
  const ages = new Float64Array(touches);
  let halfLife: number;
  if (times === undefined) {
    for (let i = 0; i < touches; i++) ages[i] = touches - 1 - i;
    halfLife = options.halfLifeTouches;
  } else {
    const last = times[touches - 1]!;
    for (let i = 0; i < touches; i++) ages[i] = last - times[i]!;
    halfLife = options.halfLifeDays * DAY_MS;
  }
  let sum = 0;
  const shares = ages.map((age) => {
    const weight = 2 ** (-age / halfLife);
    sum += weight;
    return weight;
  });
  return shares.map((weight) => weight / sum);
});
