import { InputError } from "../../errors.js";
import { markov, type MarkovResult } from "./markov.js";
import { resolveOptions } from "./options.js";
import { builtInModel, builtInModelNames, DEFAULT_MODEL_NAMES } from "./registry.js";
import { assertValidTable, totalsOf, type Totals } from "./table.js";
import type { AttributionModel, AttributionOptions, FilledAttributionOptions, ModelResult, PathTable, Unattributed } from "./types.js";

export interface AttributePathsOptions extends AttributionOptions {
  /** Built-in model names or model objects, run in this order; DEFAULT_MODEL_NAMES when absent. */
  readonly models?: readonly (string | AttributionModel)[];
}

export type ChannelValues = Record<string, number>;

export interface ModelCredit {
  readonly conversions: ChannelValues;
  readonly value: ChannelValues;
  readonly unattributed?: Unattributed;
}

export interface MarkovSummary {
  readonly conversionProbability: number;
  readonly removalEffects: ChannelValues;
  readonly valueRemovalEffects: ChannelValues;
}

/** The result of `zhongcao attribute --json`, and of the simulator's attribution stage. */
export interface AttributionReport {
  readonly models: Record<string, ModelCredit>;
  /** Present when the markov model ran. */
  readonly markov?: MarkovSummary;
  readonly totals: Totals;
}

/**
 * Runs models over a path table: the one entry point of the CLI and the
 * simulator. Bad options, unknown models and an invalid table are rejected
 * with every problem listed before any model runs.
 */
export function attributePaths(table: PathTable, options: AttributePathsOptions = {}): AttributionReport {
  const filled = resolveOptions(options);
  const models = resolveModels(options.models ?? DEFAULT_MODEL_NAMES);
  assertValidTable(table);
  if (models.includes(markov) && table.channels.length > MAX_MARKOV_CHANNELS) {
    throw new InputError(
      `markov: ${table.channels.length.toLocaleString("en-US")} channels, more than the exact solve takes (at most ${MAX_MARKOV_CHANNELS.toLocaleString("en-US")}: ` +
        "its time grows with the cube of the channel count); leave markov out of --models, or group channels",
    );
  }

  const credits: Record<string, ModelCredit> = {};
  let markovSummary: MarkovSummary | undefined;
  const totals = totalsOf(table);
  for (const model of models) {
    const result = checkedResult(model, runModel(model, table, filled), table.channels.length, totals);
    credits[model.name] = {
      conversions: byChannel(table.channels, result.conversions),
      value: byChannel(table.channels, result.value),
      ...(result.unattributed === undefined ? {} : { unattributed: { ...result.unattributed } }),
    };
    if (model === markov) {
      const { conversionProbability, removalEffects, valueRemovalEffects } = result as MarkovResult;
      markovSummary = {
        conversionProbability,
        removalEffects: byChannel(table.channels, removalEffects),
        valueRemovalEffects: byChannel(table.channels, valueRemovalEffects),
      };
    }
  }
  return {
    models: credits,
    ...(markovSummary === undefined ? {} : { markov: markovSummary }),
    totals,
  };
}

/**
 * The most channels markov solves. The exact solve is a dense factorisation and inverse of
 * a channels × channels matrix: 1,000 channels take ~3 s on the project's machine, 3,000
 * would take a minute or more.
 */
export const MAX_MARKOV_CHANNELS = 1_000;

/** A model that throws fails the command (exit 1) with its name in the message. */
function runModel(model: AttributionModel, table: PathTable, options: FilledAttributionOptions): ModelResult {
  try {
    return model.attribute(table, options);
  } catch (error) {
    // A model's own verdict on its input (cid without touch times) stays bad input.
    if (error instanceof InputError) throw error;
    throw new Error(`model "${model.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function resolveModels(specs: readonly (string | AttributionModel)[]): AttributionModel[] {
  const problems: string[] = [];
  const models: AttributionModel[] = [];
  for (const spec of specs) {
    const model = typeof spec === "string" ? builtInModel(spec) : spec;
    if (model === undefined) problems.push(`"${spec as string}" is not a model (known: ${builtInModelNames().join(", ")})`);
    else if (models.some((other) => other.name === model.name)) problems.push(`"${model.name}" is listed twice`);
    else models.push(model);
  }
  if (problems.length > 0) throw new InputError("invalid attribution models", problems);
  return models;
}

/**
 * Guards against bring-your-own models returning the wrong shape, or credits that do not
 * add up: per the AttributionModel contract, credited plus unattributed equals the totals.
 */
function checkedResult(model: AttributionModel, result: ModelResult, channelCount: number, totals: Totals): ModelResult {
  const problems: string[] = [];
  for (const key of ["conversions", "value"] as const) {
    const column = (result as Partial<ModelResult> | undefined)?.[key] as ArrayLike<unknown> | undefined;
    if (column?.length !== channelCount) {
      problems.push(`${key}: expected ${channelCount} numbers, one per channel`);
      continue;
    }
    for (let c = 0; c < channelCount; c++) {
      if (typeof column[c] !== "number" || !Number.isFinite(column[c])) problems.push(`${key}[${c}]: not a finite number`);
    }
  }
  const unattributed = (result as Partial<ModelResult> | undefined)?.unattributed as Record<string, unknown> | undefined;
  for (const key of ["conversions", "value"] as const) {
    if (unattributed !== undefined && !(typeof unattributed[key] === "number" && Number.isFinite(unattributed[key]) && unattributed[key] >= 0)) {
      problems.push(`unattributed.${key}: not a finite number ≥ 0`);
    }
  }
  if (problems.length === 0) {
    for (const key of ["conversions", "value"] as const) {
      let credited = result.unattributed?.[key] ?? 0;
      for (const amount of result[key]) credited += amount;
      if (!sumsTo(credited, totals[key])) problems.push(`${key}: credits${result.unattributed ? " and unattributed" : ""} add up to ${credited}, not the total ${totals[key]}`);
    }
  }
  if (problems.length > 0) throw new InputError(`model "${model.name}" returned an invalid result`, problems);
  return result;
}

/** Equal up to the rounding of summing many shares (relative 1e-9). */
function sumsTo(sum: number, total: number): boolean {
  return Math.abs(sum - total) <= 1e-9 * Math.max(1, Math.abs(total));
}

function byChannel(channels: readonly string[], amounts: ArrayLike<number>): ChannelValues {
  return Object.fromEntries(channels.map((channel, c) => [channel, amounts[c]!]));
}
