import { InvalidArgumentError, type Command } from "commander";
import { InputError } from "../errors.js";
import { DECIMAL } from "../decimal.js";

/** Commander parser for integer flags; a bad value is a usage error (exit 2) naming the flag. */
export function integer(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be an integer in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

/** Commander parser for a share that must stay below 1 (`--ad-holdout`); a bad value is a usage error (exit 2) naming the flag. */
export function shareBelowOne(flag: string): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    const n = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${flag} must be a decimal from 0 up to but not including 1, got '${value}'`);
    return n;
  };
}

/** `text` as a decimal number in (0, max], or NaN. */
export function positiveDecimal(text: string, max: number): number {
  const trimmed = text.trim();
  const n = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  return n > 0 && n <= max ? n : Number.NaN;
}

/**
 * Refuses a one-value flag given more than once (`--seed 7 --seed 8`): Commander keeps the
 * last, so a script that appends flags to a base command line would run what it did not
 * ask for. Flags meant to repeat (an array default: `--threshold`, `--model`), variadic
 * ones and switches are left alone. `tokens` are the command's own, after its name.
 */
export function refuseRepeatedFlags(command: Command, tokens: readonly string[]): void {
  const end = tokens.indexOf("--");
  const given = end < 0 ? tokens : tokens.slice(0, end);
  for (const option of command.options) {
    const takesValue = option.required || option.optional;
    if (!takesValue || option.variadic || Array.isArray(option.defaultValue) || option.long === undefined) continue;
    const long = option.long;
    const uses = given.filter((t) => t === long || t.startsWith(`${long}=`) || (option.short !== undefined && t === option.short));
    if (uses.length > 1) throw new InputError(`${long} given ${uses.length} times; give it once`);
  }
}
