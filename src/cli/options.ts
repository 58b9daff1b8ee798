import { InvalidArgumentError } from "commander";

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
