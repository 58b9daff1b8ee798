import type { Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { Command } from "commander";
import {
  attributePaths,
  builtInModel,
  builtInModelNames,
  DEFAULT_MODEL_NAMES,
  loadModel,
  OWN_SHOP_WINDOW_DAYS,
  parsePathCsv,
  resolveOptions,
  type AttributionModel,
  type AttributionReport,
} from "../engines/attribution/index.js";
import { cannotRead, readInputFile } from "../arrow/readInput.js";
import { utf8Text } from "../config/scenarioBytes.js";
import { counted } from "../plural.js";
import { positiveDecimal } from "./options.js";
import { journeySettings, journeysFromEvents, type JourneyCounts } from "../engines/attribution/stream/index.js";
import { DEFAULT_LOOKBACK_DAYS } from "../engines/attribution/stream/settings.js";
import { InputError } from "../errors.js";

interface AttributeFlags {
  readonly models?: string;
  readonly sep?: string;
  readonly null: boolean;
  readonly halfLife?: string;
  readonly lookbackDays?: string;
  readonly windowDays?: string;
  readonly model: string[];
  readonly json?: boolean;
}

/** `zhongcao attribute INPUT`: attribution models over a ChannelAttribution path CSV or observed events. */
export function registerAttribute(program: Command): void {
  program
    .command("attribute")
    .description("Run attribution models over a ChannelAttribution path CSV or the events of a run")
    .argument(
      "<input>",
      "path CSV with header path;total_conversions;total_conversion_value;total_null (- reads it from standard input), or an events part file / run directory from `run --events`",
    )
    .option("--models <list>", `comma-separated models: ${builtInModelNames().join(", ")} (default: all; all but cid on path CSV)`)
    .option("--sep <char>", "path CSV: field separator, one character; \\t for tab (default \";\")")
    .option("--no-null", "Markov without the null state: only converting paths build the chain")
    .option("--half-life <h>", "time_decay half-life in touches (in days for journeys with times)")
    .option("--lookback-days <n>", "events input: days of touches before a conversion that form its journey (default 30; with cid at least 7, its own-shop click window)")
    .option("--window-days <n>", "events input: cid click-id window in days (default: the window the run used, its policy's passback window, recorded in the parts; 7 for parts without it)")
    .option("--model <file>", "module whose default export implements AttributionModel; repeatable", collect, [])
    .option("--json", "print one JSON document instead of tables")
    .action(async (input: string, flags: AttributeFlags) => {
      process.stdout.write(await runAttribute(input, flags));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runAttribute(given: string, flags: AttributeFlags): Promise<string> {
  // "-" is standard input, as for run and validate: a path CSV piped in.
  const input = given === "-" ? "/dev/stdin" : given;
  const events = await isEventsInput(input);
  const { names, sep, halfLife, lookbackDays, windowDays } = parseFlags(flags, events);
  const custom: AttributionModel[] = [];
  for (const file of flags.model) custom.push(await loadModel(file));
  if (events) {
    const journeys = await journeysFromEvents(input, journeySettings(lookbackDays === undefined ? {} : { lookbackDays }));
    const cidWindowDays = windowDays ?? cidWindowAfterReading(journeys.cidWindowDays, lookbackDays ?? DEFAULT_LOOKBACK_DAYS, names.includes("cid"), input);
    const report = attributePaths(journeys.table, {
      models: [...names, ...custom],
      noNull: !flags.null,
      ...(halfLife === undefined ? {} : { halfLife }),
      windowDays: cidWindowDays,
    });
    if (flags.json === true) return `${JSON.stringify({ ...report, journeys: journeys.counts })}\n`;
    return renderReport(report) + renderJourneys(journeys.counts);
  }
  const bytes = await readInputFile(input, MAX_PATH_CSV_BYTES, "a path CSV");
  // Only regular files are told by their first bytes before reading (isEventsInput); a pipe is told here.
  if (bytes.subarray(0, ARROW_MAGIC.length).equals(ARROW_MAGIC)) {
    throw new InputError(`${input}: Arrow IPC bytes from a pipe; attribute reads events parts from files: name a part file or the run directory`);
  }
  const table = parsePathCsv(utf8Text(bytes, input, "the path CSV"), { sep, source: input });
  // A header alone is almost always the wrong file or an export that failed: say so rather than print empty tables.
  if (table.paths.length === 0) throw new InputError(`${input}: no paths after the header; nothing to attribute`);
  const report = attributePaths(table, {
    models: [...names, ...custom],
    noNull: !flags.null,
    ...(halfLife === undefined ? {} : { halfLife }),
  });
  return flags.json === true ? `${JSON.stringify(report)}\n` : renderReport(report);
}

/**
 * Without --window-days, cid credits with the window the run did, recorded in its parts (the
 * default for parts without it); that window must fit in the look-back as a given one must.
 */
function cidWindowAfterReading(recorded: number | undefined, lookback: number, cid: boolean, input: string): number {
  const window = recorded ?? resolveOptions().windowDays;
  if (cid && window > lookback) {
    const which = recorded === undefined ? "cid's default window" : `the run's cid window (recorded in ${input})`;
    throw new InputError(
      `--lookback-days: ${which} of ${window} days is longer than the look-back (${lookback} days), so clicks in between would go uncounted; ` +
        "set --lookback-days to at least the window, --window-days to at most --lookback-days, or leave cid out of --models",
    );
  }
  return window;
}

interface ParsedFlags {
  names: string[];
  sep: string;
  halfLife: number | undefined;
  lookbackDays: number | undefined;
  windowDays: number | undefined;
}

/** Checks every flag before any work, reporting all bad ones at once. Events feed cid too, so it runs by default there. */
function parseFlags(flags: AttributeFlags, events: boolean): ParsedFlags {
  const problems: string[] = [];
  const defaults = events ? builtInModelNames() : DEFAULT_MODEL_NAMES;
  const names = flags.models === undefined ? [...defaults] : flags.models.split(",").map((n) => n.trim());
  for (const name of names) {
    if (builtInModel(name) === undefined) {
      problems.push(`--models: unknown model "${name}" (known: ${builtInModelNames().join(", ")})`);
    }
  }
  // No commander default, so that a --sep given for events input can be told apart and refused.
  const sep = flags.sep === undefined ? ";" : flags.sep === "\\t" ? "\t" : flags.sep;
  if (flags.sep !== undefined && events) problems.push("--sep: applies to path CSV input only; events files are Arrow");
  else if (sep.length !== 1) problems.push(`--sep: must be one character, got "${flags.sep}"`);
  let halfLife: number | undefined;
  if (flags.halfLife !== undefined) {
    halfLife = positiveDecimal(flags.halfLife, MAX_HALF_LIFE);
    if (Number.isNaN(halfLife)) problems.push(`--half-life: must be a decimal number in (0, ${MAX_HALF_LIFE}], got "${flags.halfLife}"`);
  }
  const lookbackDays = eventsOnlyDays("--lookback-days", flags.lookbackDays, events, problems);
  const windowDays = eventsOnlyDays("--window-days", flags.windowDays, events, problems);
  problems.push(...optionsWithoutTheirModel(flags, names, events));
  // Journeys hold touches within the look-back only: a click before it cannot reach cid. The
  // window a run recorded in its parts is checked once they are read (cidWindowAfterReading).
  if (events && names.includes("cid")) {
    const lookback = lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
    if (lookback < OWN_SHOP_WINDOW_DAYS) {
      problems.push(
        `--lookback-days: cid ties an order in the platform's own shop to a click within ${OWN_SHOP_WINDOW_DAYS} days, longer than the look-back (${lookback} days), ` +
          `so clicks in between would go uncounted; set --lookback-days to at least ${OWN_SHOP_WINDOW_DAYS}, or leave cid out of --models`,
      );
    }
    if (windowDays !== undefined && windowDays > lookback) {
      problems.push(
        `--window-days: cid's window (${windowDays} days) is longer than the look-back (${lookback} days), so clicks in between would go uncounted; ` +
          "set --window-days to at most --lookback-days, or leave cid out of --models",
      );
    }
  }
  if (problems.length > 0) throw new InputError("invalid flags for attribute", problems);
  return { names, sep, halfLife, lookbackDays, windowDays };
}

/** Days of look-back or window: at most the longest run (`--days`). */
const MAX_DAYS = 3650;
/** A half-life longer than this weighs every touch of any journey alike. */
const MAX_HALF_LIFE = 1e6;

/** Far above a real path CSV (a million paths take tens of MiB), and below V8's longest string. */
const MAX_PATH_CSV_BYTES = 256 * 2 ** 20;

/** The built-in model each model option is for. */
const OPTION_MODELS = [
  ["--half-life", "halfLife", "time_decay"],
  ["--window-days", "windowDays", "cid"],
] as const;

/**
 * Options given for a built-in model that will not run would be ignored silently. A
 * bring-your-own model receives every option, so with one any option may apply.
 */
function optionsWithoutTheirModel(flags: AttributeFlags, names: readonly string[], events: boolean): string[] {
  if (flags.model.length > 0) return [];
  // On path CSV, --window-days is refused for the input already.
  const given = OPTION_MODELS.filter(([flag, key]) => flags[key] !== undefined && (events || flag !== "--window-days"));
  const problems = given.filter(([, , model]) => !names.includes(model)).map(([flag, , model]) => `${flag}: applies to the ${model} model, which --models leaves out`);
  if (!flags.null && !names.includes("markov")) problems.push("--no-null: applies to the markov model, which --models leaves out");
  return problems;
}

/** A day count that only events input has a use for: path CSV journeys carry no times. */
function eventsOnlyDays(flag: string, text: string | undefined, events: boolean, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const days = positiveDecimal(text, MAX_DAYS);
  if (!events) problems.push(`${flag}: applies to events input only; path CSV journeys have no times`);
  else if (Number.isNaN(days)) problems.push(`${flag}: must be a decimal number of days in (0, ${MAX_DAYS}], got "${text}"`);
  return days;
}

/**
 * A directory or an Arrow file holds events; anything else is read as path CSV. An Arrow file
 * is known by its name or, whatever its name, by the magic bytes it starts with.
 */
async function isEventsInput(input: string): Promise<boolean> {
  let info: Stats;
  try {
    info = await stat(input);
  } catch (error) {
    throw cannotRead(input, error);
  }
  if (info.isDirectory() || /\.(arrow|feather|ipc)$/i.test(input)) return true;
  // Only a regular file is peeked at: a pipe's first bytes would be gone for the CSV reader.
  return info.isFile() && (await startsWithArrowMagic(input));
}

const ARROW_MAGIC = Buffer.from("ARROW1");

async function startsWithArrowMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(ARROW_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(ARROW_MAGIC);
  } finally {
    await handle.close();
  }
}

function renderJourneys(counts: JourneyCounts): string {
  return (
    `\nJourneys: ${counts.journeyConversions} converting, ${counts.nullJourneys} without conversion; ` +
    `${counts.observedConversions} observed ${counts.observedConversions === 1 ? "conversion" : "conversions"} (${counts.untouchedConversions} without a touch in the look-back), ` +
    `${counted(counts.lateTouches + counts.lateConversions, "event")} too late, ` +
    (counts.shortenedConversions > 0 ? `${counted(counts.shortenedConversions, "conversion")} with a shortened path (late), ` : "") +
    `${counted(counts.duplicatesDropped, "duplicate")} dropped\n`
  );
}

function renderReport(report: AttributionReport): string {
  const modelNames = Object.keys(report.models);
  const channels = Object.keys(Object.values(report.models)[0]?.conversions ?? {});
  const fixed = (x: number): string => x.toFixed(4);
  const rows = channels.map((channel) => [channel, ...modelNames.map((m) => fixed(report.models[m]!.conversions[channel]!))]);
  const unattributed = modelNames.map((m) => report.models[m]!.unattributed);
  if (unattributed.some((u) => u !== undefined)) {
    rows.push(["(unattributed)", ...unattributed.map((u) => (u === undefined ? "" : fixed(u.conversions)))]);
  }
  const { totals } = report;
  let out = `Conversions by channel\n${renderTable(["channel", ...modelNames], rows)}`;
  // Money in yuan and fen: values of a run's purchases are float32, whose widening shows as noise past the cents.
  out += `\nTotals: ${counted(totals.conversions, "conversion")}, value ${totals.value.toFixed(2)}, ${counted(totals.nulls, "null")}\n`;
  if (report.markov !== undefined) {
    const { conversionProbability, removalEffects, valueRemovalEffects } = report.markov;
    const effects = channels.map((c) => [c, removalEffects[c]!.toFixed(6), valueRemovalEffects[c]!.toFixed(6)]);
    out += `\nMarkov removal effects (P(conversion) = ${conversionProbability.toFixed(6)})\n`;
    out += renderTable(["channel", "conversions", "value"], effects);
  }
  return out;
}

/** Left-aligned first column, right-aligned numbers. */
function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => row[col]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
