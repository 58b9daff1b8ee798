import seedrandom from "seedrandom";
import type { PathTable } from "./types.js";

const MAX_PATH_LENGTH = 12;

/**
 * A deterministic table of `rows` distinct paths over `channelCount`
 * channels, for the Markov scale test and the bench suite. Channels differ
 * in popularity, conversion pull and basket value, so every model has
 * something to tell apart; the same arguments always give the same table.
 */
export function syntheticPathTable(rows = 100_000, channelCount = 50, seed = "zhongcao-attribution"): PathTable {
  const random = seedrandom.alea(seed);
  const channels = Array.from({ length: channelCount }, (_, c) => `ch${String(c).padStart(3, "0")}`);
  const popularity = channels.map((_, c) => 1 / Math.sqrt(c + 1));
  const cumulative = new Float64Array(channelCount);
  popularity.reduce((sum, weight, c) => (cumulative[c] = sum + weight), 0);
  const totalPopularity = cumulative[channelCount - 1]!;
  const pull = channels.map(() => 0.01 + 0.15 * random());
  const basket = channels.map((_, c) => 40 + 10 * (c % 7));
  const pick = (): number => {
    const u = random() * totalPopularity;
    let c = 0;
    while (c < channelCount - 1 && cumulative[c]! < u) c++;
    return c;
  };

  const seen = new Set<string>();
  const paths: number[][] = [];
  const conversions = new Float64Array(rows);
  const value = new Float64Array(rows);
  const nulls = new Float64Array(rows);
  while (paths.length < rows) {
    const length = Math.min(MAX_PATH_LENGTH, 1 + Math.floor(-Math.log(1 - random()) * 3));
    const path = Array.from({ length }, pick);
    const key = path.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    const row = paths.length;
    paths.push(path);
    let miss = 1;
    for (const c of new Set(path)) miss *= 1 - pull[c]!;
    const journeys = 1 + Math.floor(-Math.log(1 - random()) * 10);
    let converted = 0;
    for (let j = 0; j < journeys; j++) if (random() < 1 - miss) converted++;
    conversions[row] = converted;
    nulls[row] = journeys - converted;
    value[row] = converted * basket[path[length - 1]!]!;
  }
  return { channels, paths, conversions, value, nulls };
}
