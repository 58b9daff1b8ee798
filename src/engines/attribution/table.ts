import { InputError } from "../../errors.js";
import type { ModelResult, PathTable } from "./types.js";

export interface Totals {
  readonly conversions: number;
  readonly value: number;
  readonly nulls: number;
}

export function totalsOf(table: PathTable): Totals {
  let conversions = 0;
  let value = 0;
  let nulls = 0;
  for (let p = 0; p < table.paths.length; p++) {
    conversions += table.conversions[p]!;
    value += table.value[p]!;
    nulls += table.nulls[p]!;
  }
  return { conversions, value, nulls };
}


/**
 * Every problem of a table, each with its path (`paths[3][1]`), so that a
 * caller building tables from events learns all of them at once.
 */
export function tableProblems(table: PathTable): string[] {
  const problems: string[] = [];
  const rows = table.paths.length;
  const channelCount = table.channels.length;
  if (new Set(table.channels).size !== channelCount) problems.push("channels: names must be distinct");
  for (const key of ["conversions", "value", "nulls"] as const) {
    if (table[key].length !== rows) problems.push(`${key}: has ${table[key].length} rows, paths has ${rows}`);
  }
  for (const key of ["touchTimes", "clickIds", "conversionTimes", "conversionClickIds"] as const) {
    const column = table[key];
    if (column !== undefined && column.length !== rows) problems.push(`${key}: has ${column.length} rows, paths has ${rows}`);
  }
  if (problems.length > 0) return problems;

  for (let p = 0; p < rows; p++) {
    const path = table.paths[p]!;
    if (path.length === 0) problems.push(`paths[${p}]: empty path`);
    for (let i = 0; i < path.length; i++) {
      const c = path[i]!;
      if (!(Number.isInteger(c) && c >= 0 && c < channelCount)) {
        problems.push(`paths[${p}][${i}]: ${c} is not a channel index (0..${channelCount - 1})`);
      }
    }
    for (const key of ["conversions", "value", "nulls"] as const) {
      const x = table[key][p]!;
      if (!(Number.isFinite(x) && x >= 0)) problems.push(`${key}[${p}]: must be a finite number >= 0, got ${x}`);
    }
    if (table.conversions[p] === 0 && table.value[p] !== 0) problems.push(`value[${p}]: value without conversions`);
    const times = table.touchTimes?.[p];
    if (times !== undefined) {
      if (times.length !== path.length) problems.push(`touchTimes[${p}]: ${times.length} times for ${path.length} touches`);
      for (let i = 0; i < times.length; i++) {
        if (!Number.isFinite(times[i]!)) problems.push(`touchTimes[${p}][${i}]: not a finite time`);
        else if (i > 0 && times[i]! < times[i - 1]!) problems.push(`touchTimes[${p}][${i}]: earlier than the touch before`);
      }
    }
    const clicks = table.clickIds?.[p];
    if (clicks !== undefined && clicks.length !== path.length) {
      problems.push(`clickIds[${p}]: ${clicks.length} click ids for ${path.length} touches`);
    }
    const conversionTime = table.conversionTimes?.[p];
    if (conversionTime !== undefined && !Number.isFinite(conversionTime)) problems.push(`conversionTimes[${p}]: not a finite time`);
  }
  return problems;
}

export function assertValidTable(table: PathTable): void {
  const problems = tableProblems(table);
  if (problems.length > 0) throw new InputError("invalid path table", problems);
}

/** Accumulates credit per channel; models hand out shares of each row's totals. */
export class CreditSheet {
  readonly conversions: Float64Array;
  readonly value: Float64Array;

  constructor(readonly channels: readonly string[]) {
    this.conversions = new Float64Array(channels.length);
    this.value = new Float64Array(channels.length);
  }

  give(channel: number, share: number, conversions: number, value: number): void {
    this.conversions[channel]! += share * conversions;
    this.value[channel]! += share * value;
  }

  result(): ModelResult {
    return { channels: this.channels, conversions: this.conversions, value: this.value };
  }
}
