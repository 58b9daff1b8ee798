import { cid } from "./cid.js";
import { firstTouch } from "./firstTouch.js";
import { lastTouch } from "./lastTouch.js";
import { linear } from "./linear.js";
import { markov } from "./markov.js";
import { positionBased } from "./positionBased.js";
import { shapley } from "./shapley.js";
import { timeDecay } from "./timeDecay.js";
import type { AttributionModel } from "./types.js";

export const BUILT_IN_MODELS: readonly AttributionModel[] = [
  firstTouch,
  lastTouch,
  linear,
  positionBased,
  timeDecay,
  markov,
  shapley,
  cid,
];

/** What runs when no model is named: every model that path CSV input can feed (cid needs click ids). */
export const DEFAULT_MODEL_NAMES: readonly string[] = [
  "first_touch",
  "last_touch",
  "linear",
  "position_based",
  "time_decay",
  "markov",
  "shapley",
];

export function builtInModel(name: string): AttributionModel | undefined {
  return BUILT_IN_MODELS.find((model) => model.name === name);
}

export function builtInModelNames(): string[] {
  return BUILT_IN_MODELS.map((model) => model.name);
}
