import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../../errors.js";
import { builtInModel } from "./registry.js";
import type { AttributionModel } from "./types.js";

export function isAttributionModel(candidate: unknown): candidate is AttributionModel {
  if (typeof candidate !== "object" || candidate === null) return false;
  const { name, attribute } = candidate as Record<string, unknown>;
  return typeof name === "string" && name.length > 0 && typeof attribute === "function";
}

/**
 * Loads a bring-your-own model: a module, resolved against `baseDir`, whose
 * default export implements AttributionModel. Any failure is an InputError
 * naming the file.
 */
export async function loadModel(file: string, baseDir: string = process.cwd()): Promise<AttributionModel> {
  const url = pathToFileURL(resolve(baseDir, file)).href;
  let loaded: unknown;
  try {
    loaded = await import(url);
  } catch (error) {
    throw new InputError(`attribution model ${file}: cannot load module`, [error instanceof Error ? error.message : String(error)]);
  }
  const model = (loaded as { default?: unknown }).default;
  if (!isAttributionModel(model)) {
    throw new InputError(
      `attribution model ${file}: the default export must be an object { name: string; attribute(table, options) }`,
    );
  }
  if (builtInModel(model.name) !== undefined) {
    throw new InputError(`attribution model ${file}: name "${model.name}" is taken by a built-in model`);
  }
  return model;
}
