import { InvalidArgumentError } from "commander";
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

/** `text` as a decimal number in (0, max], or NaN. */
export function positiveDecimal(text: string, max: number): number {
  const trimmed = text.trim();
  const n = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  return n > 0 && n <= max ? n : Number.NaN;
}
