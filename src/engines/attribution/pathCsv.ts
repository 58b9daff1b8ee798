import { InputError } from "../../errors.js";
import type { PathTable } from "./types.js";
import { DECIMAL } from "../../decimal.js";

/** ChannelAttribution's column names, required in this order. */
export const PATH_CSV_HEADER = ["path", "total_conversions", "total_conversion_value", "total_null"] as const;
const CHANNEL_SEPARATOR = ">";

export interface PathCsvOptions {
  /** Field separator, one character; `;` by default. */
  readonly sep?: string;
  /** Names the input in error messages. */
  readonly source?: string;
}

/**
 * Parses a ChannelAttribution path CSV: `path;total_conversions;
 * total_conversion_value;total_null`, channels in a path separated by `>`.
 * Fields may be double-quoted. Repeated paths stay separate rows; every
 * model gives the same result either way. Blank lines are skipped. Every
 * problem is reported with its 1-based line number.
 */
export function parsePathCsv(text: string, options: PathCsvOptions = {}): PathTable {
  const sep = options.sep ?? ";";
  const source = options.source ?? "path CSV";
  if (sep.length !== 1 || sep === CHANNEL_SEPARATOR || sep === '"' || sep === "\n" || sep === "\r") {
    throw new InputError(`${source}: the field separator must be one character other than '>', '"' and a newline, got "${sep}"`);
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const header = splitFields(lines[0] ?? "", sep);
  if (header === undefined || header.map((f) => f.trim()).join("\u0000") !== PATH_CSV_HEADER.join("\u0000")) {
    throw new InputError(`${source}: invalid path CSV`, [
      `line 1: header must be ${PATH_CSV_HEADER.join(sep)} (separator "${sep}"), got "${lines[0] ?? ""}"`,
    ]);
  }

  const problems: string[] = [];
  const channels: string[] = [];
  const channelIndex = new Map<string, number>();
  const paths: number[][] = [];
  const conversions: number[] = [];
  const value: number[] = [];
  const nulls: number[] = [];
  const columnTotals = [0, 0, 0];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const at = `line ${i + 1}`;
    const fields = splitFields(line, sep);
    if (fields === undefined) {
      problems.push(`${at}: unterminated quote`);
      continue;
    }
    if (fields.length !== PATH_CSV_HEADER.length) {
      problems.push(`${at}: expected ${PATH_CSV_HEADER.length} fields separated by "${sep}", got ${fields.length}`);
      continue;
    }
    const [pathField, conversionsField, valueField, nullsField] = fields as [string, string, string, string];
    const rowProblems: string[] = [];
    const names = pathField.split(CHANNEL_SEPARATOR).map((name) => name.trim());
    // A blank step is a typo (`a >  > b`), not a touch to drop silently.
    if (names.every((name) => name === "")) rowProblems.push(`${at}: empty path`);
    else if (names.includes("")) rowProblems.push(`${at}: empty step in path "${pathField.trim()}"`);
    const rowConversions = parseAmount(conversionsField, PATH_CSV_HEADER[1], at, rowProblems);
    const rowValue = parseAmount(valueField, PATH_CSV_HEADER[2], at, rowProblems);
    const rowNulls = parseAmount(nullsField, PATH_CSV_HEADER[3], at, rowProblems);
    if (rowConversions === 0 && rowValue !== undefined && rowValue !== 0) {
      rowProblems.push(`${at}: ${PATH_CSV_HEADER[2]} ${rowValue} without conversions`);
    }
    if (rowProblems.length > 0 || rowConversions === undefined || rowValue === undefined || rowNulls === undefined) {
      problems.push(...rowProblems);
      continue;
    }
    const overflowing = addToTotals(columnTotals, [rowConversions, rowValue, rowNulls]);
    if (overflowing !== undefined) {
      const limit = MAX_COLUMN_TOTALS[overflowing]!;
      const count = limit === Number.MAX_SAFE_INTEGER;
      problems.push(
        `${at}: the ${PATH_CSV_HEADER[overflowing + 1]} column adds up to more than ${count ? limit.toLocaleString("en-US") : String(limit)} here, ` +
          (count ? "past which counts are not exact" : "too close to the largest number for the models' sums"),
      );
      // Later rows would only repeat the same complaint.
      break;
    }
    paths.push(
      names.map((name) => {
        let index = channelIndex.get(name);
        if (index === undefined) {
          index = channels.length;
          channelIndex.set(name, index);
          channels.push(name);
        }
        return index;
      }),
    );
    conversions.push(rowConversions);
    value.push(rowValue);
    nulls.push(rowNulls);
  }
  if (problems.length > 0) throw new InputError(`${source}: invalid path CSV`, problems);
  return {
    channels,
    paths,
    conversions: Float64Array.from(conversions),
    value: Float64Array.from(value),
    nulls: Float64Array.from(nulls),
  };
}

/**
 * The largest total each column (conversions, value, nulls) may reach. Counts: beyond 2^53
 * adding one is lost, and models sum them. Value is money in any currency, never exact in
 * floating point anyway: its sums need only stay far from overflowing.
 */
const MAX_COLUMN_TOTALS = [Number.MAX_SAFE_INTEGER, 1e300, Number.MAX_SAFE_INTEGER] as const;

/** Adds one row's amounts to the running totals; the index of a column that passed its limit, if any. */
function addToTotals(totals: number[], amounts: readonly number[]): number | undefined {
  for (let c = 0; c < totals.length; c++) {
    totals[c]! += amounts[c]!;
    if (totals[c]! > MAX_COLUMN_TOTALS[c]!) return c;
  }
  return undefined;
}


/** A non-negative finite number, or undefined after recording why not. */
function parseAmount(field: string, column: string, at: string, problems: string[]): number | undefined {
  const trimmed = field.trim();
  const amount = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(amount)) {
    problems.push(`${at}: ${column} "${trimmed}" is not a number`);
    return undefined;
  }
  if (amount < 0) {
    problems.push(`${at}: ${column} ${trimmed} is negative`);
    return undefined;
  }
  return amount;
}

/** Splits one line on `sep`, honouring double quotes ("" escapes a quote); undefined if a quote is left open. */
function splitFields(line: string, sep: string): string[] | undefined {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field.trim() === "") {
      field = "";
      quoted = true;
    } else if (ch === sep) {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
