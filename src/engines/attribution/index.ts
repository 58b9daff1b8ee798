export { attributePaths } from "./attributePaths.js";
export type { AttributePathsOptions, AttributionReport, ChannelValues, MarkovSummary, ModelCredit } from "./attributePaths.js";
export { cid, OWN_SHOP_WINDOW_DAYS } from "./cid.js";
export { firstTouch } from "./firstTouch.js";
export { lastTouch } from "./lastTouch.js";
export { linear } from "./linear.js";
export { isAttributionModel, loadModel } from "./loadModel.js";
export { markov, markovRemovalEffects } from "./markov.js";
export type { MarkovRemoval, MarkovResult } from "./markov.js";
export { resolveOptions } from "./options.js";
export { parsePathCsv, PATH_CSV_HEADER } from "./pathCsv.js";
export type { PathCsvOptions } from "./pathCsv.js";
export { positionBased } from "./positionBased.js";
export { BUILT_IN_MODELS, builtInModel, builtInModelNames, DEFAULT_MODEL_NAMES } from "./registry.js";
export { shapley } from "./shapley.js";
export { syntheticPathTable } from "./synthetic.js";
export { tableProblems, totalsOf } from "./table.js";
export type { Totals } from "./table.js";
export { timeDecay } from "./timeDecay.js";
export { OWN_SHOP_ORDER } from "./types.js";
export type {
  AttributionModel,
  AttributionOptions,
  FilledAttributionOptions,
  ModelResult,
  PathTable,
  Unattributed,
} from "./types.js";
