import { InputError } from "../../errors.js";
import type { AttributionOptions, FilledAttributionOptions } from "./types.js";

const DEFAULT_HALF_LIFE_TOUCHES = 1;
const DEFAULT_HALF_LIFE_DAYS = 7;
const DEFAULT_WINDOW_DAYS = 7;

/** Applies every default once, so that no model re-checks or defaults again. */
export function resolveOptions(options: AttributionOptions = {}): FilledAttributionOptions {
  const problems: string[] = [];
  for (const key of ["halfLife", "windowDays"] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      problems.push(`${key}: must be a number > 0, got ${value}`);
    }
  }
  if (problems.length > 0) throw new InputError("invalid attribution options", problems);
  return {
    halfLifeTouches: options.halfLife ?? DEFAULT_HALF_LIFE_TOUCHES,
    halfLifeDays: options.halfLife ?? DEFAULT_HALF_LIFE_DAYS,
    noNull: options.noNull ?? false,
    windowDays: options.windowDays ?? DEFAULT_WINDOW_DAYS,
  };
}
