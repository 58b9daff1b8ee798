import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { basename } from "node:path";
import { closest, distance as editDistance } from "fastest-levenshtein";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { EVENT_IDS_PER_SHARD } from "../events/eventIds.js";
import { ACTIVITY_LEVELS } from "../world/users.js";
import { lineLocator, withLine, type LineOf } from "./lines.js";
import { handedOverBytes, MAX_SCENARIO_BYTES, readAtMost, utf8Text } from "./scenarioBytes.js";
import { CATEGORY_NAMES, scenarioSchema, type Scenario } from "./schema.js";

/** The scenario `run` uses when none is given; shipped with the package. */
export const DEFAULT_SCENARIO_PATH = fileURLToPath(new URL("../../scenarios/default.yaml", import.meta.url));

export interface LoadedScenario {
  readonly path: string;
  /** sha256 of the file bytes as read, so a run names exactly what it ran. */
  readonly sha256: string;
  readonly scenario: Scenario;
}

/** A scenario as read from its file, with what it takes to make variants of it (`withOverrides`). */
export interface ScenarioFile extends LoadedScenario {
  /** The file as parsed, before validation and overrides. */
  readonly document: unknown;
  /** The overrides `scenario` was validated with. */
  readonly overrides: ScenarioOverrides;
  /** The file's bytes as read: a run started again gets these, not a second read (cli/relaunch.ts). */
  readonly bytes: Buffer;
}

/** Overrides from CLI flags, applied after parsing and validated with the same schema. */
export interface ScenarioOverrides {
  seed?: number;
  users?: number;
  days?: number;
  /** `experiment.adHoldoutShare`: a lift study on a scenario that has none. */
  adHoldout?: number;
}

/** What a scenario file adds to its problems: where each was written, and the keys a misspelt one may have meant. */
export interface IssueContext {
  readonly lineOf?: LineOf;
  readonly keysAt?: (path: readonly PropertyKey[]) => readonly string[];
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext = {}): string[] {
  const { lineOf } = context;
  return issues.flatMap((issue) => {
    const at = issue.path.map(String).map(clip).join(".");
    if (issue.code === "unrecognized_keys") {
      const known = context.keysAt?.(issue.path) ?? [];
      return issue.keys.map((key) => withLine(`${at ? `${at}.` : ""}${clip(key)}: unknown key${renamedKey(issue.path, key) ?? didYouMean(key, known)}`, [...issue.path, key], lineOf));
    }
    // A tagged union (policy) whose tag is missing or unknown: say so in the scenario's words.
    const options = issue.code === "invalid_union" && "discriminator" in issue ? (issue as { options?: unknown }).options : undefined;
    if (Array.isArray(options)) return [withLine(`${at || "(root)"}: missing, or not one of ${options.map(String).join(", ")}`, issue.path, lineOf)];
    return [withLine(`${at || "(root)"}: ${issue.message}`, issue.path, lineOf)];
  });
}

/** ` (now …)` when `key` at `path` is a key of an earlier release: a category's decisionCycleDays. */
function renamedKey(path: readonly PropertyKey[], key: string): string | undefined {
  if (key !== "decisionCycleDays" || path.length !== 2 || path[0] !== "categories") return undefined;
  return " (now touchToPurchaseDays: the median days from the touch that plants a purchase to it; the decision cycle from a cycle's first touch runs longer, see run.json's purchases.decisionCycles)";
}

/** ` (did you mean population?)` when one known key is a typo's distance away. */
function didYouMean(key: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  // Case counts as no difference: POPULATION means population.
  const lower = known.map((k) => k.toLowerCase());
  const near = closest(key.toLowerCase(), lower);
  return editDistance(key.toLowerCase(), near) <= Math.max(2, Math.floor(near.length / 4)) ? ` (did you mean ${known[lower.indexOf(near)]}?)` : "";
}

const MAX_KEY_SHOWN = 80;

/** A key as it is shown in a problem: long ones cut, with their length. */
function clip(key: string): string {
  // An empty key (YAML `"":`, or `null:`, which becomes one) would vanish from the path.
  if (key === "") return '""';
  return key.length <= MAX_KEY_SHOWN ? key : `${key.slice(0, MAX_KEY_SHOWN)}… (${key.length} characters)`;
}

/** Reads YAML or JSON (JSON is YAML), reporting every syntax error with its line. */
function parseText(text: string, path: string): { value: unknown; lineOf: LineOf } {
  const lineCounter = new LineCounter();
  // logLevel "error": yaml would print its warnings itself; they are reported here instead.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: "error", lineCounter });
  // A warning here is an unknown tag (`!foo`), whose value would be read as if untagged.
  const problems = [...doc.errors, ...doc.warnings];
  const line = (e: (typeof problems)[number]) => `line ${e.linePos?.[0]?.line ?? "?"}`;
  // The parser recurses per level of nesting; past the stack it reports that, then every level again.
  const tooDeep = problems.find((e) => e.message.startsWith("Maximum call stack size exceeded"));
  if (tooDeep) throw new InputError(`${path}: not valid YAML/JSON`, [`${line(tooDeep)}: nested too deeply for a scenario (column ${tooDeep.linePos?.[0]?.col ?? "?"})`]);
  if (problems.length > 0) {
    throw new InputError(
      `${path}: not valid YAML/JSON`,
      // The parser's first line repeats the position the line number gives ("… at line 2, column 1:").
      problems.map((e) => `${line(e)}: ${e.message.split("\n")[0]!.replace(/ at line \d+, column (\d+):$/, " (column $1)")}`),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // Resolving aliases can fail too, e.g. the alias-count guard against "billion laughs".
    throw new InputError(`${path}: not valid YAML/JSON`, [error instanceof Error ? error.message : String(error)]);
  }
  // An empty file (or a bare `null`) would otherwise run the all-defaults scenario by accident.
  if (value === null || value === undefined) throw new InputError(`${path}: empty scenario (expected a YAML mapping)`);
  return { value, lineOf: lineLocator(doc, lineCounter) };
}

/**
 * A shard keeps typed arrays indexed by (user, brand) pair. The widest is the AIPS engine's
 * PairSignals record, up to 37 uint32 per pair (distinctReadsForTI 16), and a typed array holds
 * at most 2^32 elements, so 2^26 pairs is the largest power of two that fits. At about 176 bytes
 * per pair across simulator and engine (more with aipsTruth.readsForTrueInterest or
 * aips.distinctReadsForTI raised: 16 and 8 bytes a slot) that is already ~10 GB per shard; more
 * shards cost nothing.
 */
export const MAX_SHARD_PAIRS = 2 ** 26;
/**
 * Each shard is an object and a pool task, and event ids are shard index × 2^32 + sequence
 * (EVENT_IDS_PER_SHARD), exact in a double only below 2^21 shards; a million is far more than
 * any run needs.
 */
export const MAX_SHARDS = 1_000_000;

/** A relation between fields: it runs only when every field it `reads` is itself valid. */
interface CrossCheck {
  readonly reads: readonly string[];
  readonly problem: (value: (path: string) => number) => string | undefined;
}

const CROSS_CHECKS: readonly CrossCheck[] = [
  {
    reads: ["brands.experienceScore.min", "brands.experienceScore.max"],
    problem: (v) =>
      v("brands.experienceScore.min") > v("brands.experienceScore.max") ? "brands.experienceScore.min: must be ≤ brands.experienceScore.max" : undefined,
  },
  {
    reads: ["brands.dailyAdBudgetYuan.min", "brands.dailyAdBudgetYuan.max"],
    problem: (v) =>
      v("brands.dailyAdBudgetYuan.min") > v("brands.dailyAdBudgetYuan.max") ? "brands.dailyAdBudgetYuan.min: must be ≤ brands.dailyAdBudgetYuan.max" : undefined,
  },
  {
    reads: CATEGORY_NAMES.map((c) => `categories.${c}.share`),
    problem: (v) => (CATEGORY_NAMES.every((c) => v(`categories.${c}.share`) === 0) ? "categories: at least one category needs share > 0" : undefined),
  },
  {
    // A tier without creators cannot take traffic: the feed and ads would lose that share and
    // the run go on without a word (every note weighted 0 when all traffic is the empty tier's).
    reads: ["creators.smallCreatorShare", "creators.smallCreatorTrafficShare"],
    problem: (v) => {
      const creators = v("creators.smallCreatorShare");
      const traffic = v("creators.smallCreatorTrafficShare");
      if (creators === 0 && traffic > 0) return "creators.smallCreatorTrafficShare: must be 0 when creators.smallCreatorShare is 0 (no small creators to take traffic)";
      if (creators === 1 && traffic < 1) return "creators.smallCreatorTrafficShare: must be 1 when creators.smallCreatorShare is 1 (no larger creators to take traffic)";
      return undefined;
    },
  },
  {
    reads: ["notes.count", "brands.count"],
    problem: (v) =>
      v("notes.count") < v("brands.count") ? `notes.count: must be ≥ brands.count (${v("brands.count")}) so every brand has a note` : undefined,
  },
  {
    reads: ["simulation.shardUsers", "population.users", "brands.count"],
    problem: (v) => {
      const pairs = Math.min(v("simulation.shardUsers"), v("population.users")) * v("brands.count");
      return pairs > MAX_SHARD_PAIRS
        ? `simulation.shardUsers: a shard would hold ${pairs} (user, brand) pairs (shard users × brands.count); at most ${MAX_SHARD_PAIRS}, so lower shardUsers`
        : undefined;
    },
  },
  {
    // The expected feed impressions alone, so a scenario is refused only when it certainly
    // would not fit; the simulator stops a shard that runs out of ids all the same.
    reads: ["simulation.shardUsers", "population.users", "simulation.days", "population.activity", "population.sessionsPerDay", "behaviour.impressionsPerSession"],
    problem: (v) => {
      const weight = ACTIVITY_LEVELS.reduce((sum, l) => sum + v(`population.activity.${l}`), 0);
      const sessions = ACTIVITY_LEVELS.reduce((sum, l) => sum + (v(`population.activity.${l}`) / weight) * v(`population.sessionsPerDay.${l}`), 0);
      const impressions = Math.min(v("simulation.shardUsers"), v("population.users")) * v("simulation.days") * sessions * v("behaviour.impressionsPerSession");
      return impressions >= EVENT_IDS_PER_SHARD
        ? `simulation.shardUsers: a shard would make about ${impressions.toExponential(2)} feed impressions alone (shard users × days × ${(sessions * v("behaviour.impressionsPerSession")).toPrecision(3)} a user-day), more than the ${EVENT_IDS_PER_SHARD - 1} event ids a shard has; lower shardUsers`
        : undefined;
    },
  },
  {
    reads: ["simulation.shardUsers", "population.users"],
    problem: (v) => {
      const shards = Math.ceil(v("population.users") / v("simulation.shardUsers"));
      return shards > MAX_SHARDS
        ? `simulation.shardUsers: population.users / shardUsers makes ${shards} shards; at most ${MAX_SHARDS}, so raise shardUsers`
        : undefined;
    },
  },
];

/** Every field default, for cross checks on a document whose other fields are invalid. */
const DEFAULTS: unknown = scenarioSchema.parse({});

function at(doc: unknown, path: string): unknown {
  let value = doc;
  for (const key of path.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/**
 * Runs the cross-field checks on the document (defaults filled in), skipping a check when a
 * field it reads has an issue of its own, so `validate` lists both kinds of problem at once.
 */
function crossFieldProblems(doc: unknown, issues: readonly z.core.$ZodIssue[], lineOf: LineOf | undefined): string[] {
  const bad = issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : [i.path])).map((p) => p.map(String).join("."));
  const overlaps = (a: string, b: string) => a === "" || a === b || b.startsWith(`${a}.`) || a.startsWith(`${b}.`);
  const valid = (path: string) => !bad.some((b) => overlaps(b, path));
  // Numbers have no transforms, so a valid field's parsed value is its raw value or its default.
  const value = (path: string) => (at(doc, path) ?? at(DEFAULTS, path)) as number;
  // Each problem starts with the path of the field it blames.
  return CROSS_CHECKS.flatMap((c) => (c.reads.every(valid) ? (c.problem(value) ?? []) : [])).map((p) => withLine(p, p.slice(0, p.indexOf(":")).split("."), lineOf));
}

/** The keys a mapping at `path` may hold, as the defaults spell them out (policy sections: the default policy's). */
function keysAt(path: readonly PropertyKey[]): readonly string[] {
  const node = path.length === 0 ? DEFAULTS : at(DEFAULTS, path.map(String).join("."));
  return isMapping(node) ? Object.keys(node) : [];
}

/** Validates a parsed document; throws InputError listing every problem with its path. */
export function validateScenario(raw: unknown, where: string, overrides: ScenarioOverrides = {}, lineOf?: LineOf): Scenario {
  const withOverrides = applyOverrides(raw, overrides);
  const result = scenarioSchema.safeParse(withOverrides);
  const issues = result.success ? [] : result.error.issues;
  // A value a flag set is not the file's: its line would point at what the flag replaced.
  const flagged = new Set(OVERRIDE_PATHS.filter(([key]) => overrides[key] !== undefined).map(([, path]) => path));
  const lineInFile: LineOf = (path) => (flagged.has(path.map(String).join(".")) ? undefined : lineOf?.(path));
  const problems = [...formatIssues(issues, { lineOf: lineInFile, keysAt }), ...crossFieldProblems(withOverrides, issues, lineInFile)];
  if (!result.success || problems.length > 0) throw new InputError(`${where}${withFlags(overrides)}: invalid scenario`, problems);
  return result.data;
}

/** Where each override writes in the scenario, and the flag that sets it. */
const OVERRIDE_PATHS: readonly (readonly [keyof ScenarioOverrides, string, string])[] = [
  ["seed", "seed", "--seed"],
  ["users", "population.users", "--users"],
  ["days", "simulation.days", "--days"],
  ["adHoldout", "experiment.adHoldoutShare", "--ad-holdout"],
];

/** The flags that changed the file, for a message: a problem may be theirs (` with --users 2000000`). */
function withFlags(o: ScenarioOverrides): string {
  const flags = OVERRIDE_PATHS.filter(([k]) => o[k] !== undefined).map(([k, , flag]) => `${flag} ${o[k]}`);
  return flags.length === 0 ? "" : ` with ${flags.join(" ")}`;
}

function applyOverrides(raw: unknown, o: ScenarioOverrides): unknown {
  if (!isMapping(raw)) return raw;
  const doc = structuredClone(raw);
  // An absent section is made; one that is present but not a mapping (null, a number) is
  // left for validation to report, rather than replaced or written into.
  const set = (section: string, key: string, value: number) => {
    if (doc[section] === undefined) doc[section] = {};
    const target = doc[section];
    if (isMapping(target)) target[key] = value;
  };
  if (o.seed !== undefined) doc.seed = o.seed;
  if (o.users !== undefined) set("population", "users", o.users);
  if (o.days !== undefined) set("simulation", "days", o.days);
  if (o.adHoldout !== undefined) set("experiment", "adHoldoutShare", o.adHoldout);
  return doc;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The name a scenario file without `name` gets: its file name without extension, made to
 * fit the name's pattern (`My Test.yaml` → `my-test`), so two unnamed files do not share a
 * default run directory (reports/NAME-SEED) and replace each other's results. A pipe or a
 * name with nothing usable in it gets the schema's default.
 */
function nameFromPath(path: string): string | undefined {
  if (path === "-" || /^\/(dev|proc)\//.test(path)) return undefined;
  const name = basename(path)
    .replace(/\.(ya?ml|json)$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 100);
  return name === "" ? undefined : name;
}

function withFileName(document: unknown, path: string): unknown {
  const name = nameFromPath(path);
  return isMapping(document) && document.name === undefined && name !== undefined ? { ...document, name } : document;
}

export function loadScenario(path: string = DEFAULT_SCENARIO_PATH, overrides: ScenarioOverrides = {}): ScenarioFile {
  let bytes: Buffer;
  try {
    // "-" is standard input, as for most command-line tools (see readAtMost).
    bytes = handedOverBytes(path) ?? readAtMost(path, MAX_SCENARIO_BYTES);
  } catch (error) {
    throw new InputError(`${path}: cannot read scenario (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes.length > MAX_SCENARIO_BYTES) throw new InputError(`${path}: more than ${MAX_SCENARIO_BYTES / 2 ** 10} KiB; a scenario is a few kilobytes of YAML or JSON`);
  const { value: document, lineOf } = parseText(utf8Text(bytes, path), path);
  const scenario = validateScenario(withFileName(document, path), path, overrides, lineOf);
  return { path, sha256: createHash("sha256").update(bytes).digest("hex"), scenario, document, overrides, bytes };
}

/**
 * The overrides that changed something: a flag that repeats the file's own value (or the
 * default it leaves in place) is left out, so `run s.yaml --seed 42` of a file with seed 42
 * records what `run s.yaml` does.
 */
export function changedOverrides(file: ScenarioFile): ScenarioOverrides {
  const paths = Object.fromEntries(OVERRIDE_PATHS.map(([key, path]) => [key, path])) as Record<keyof ScenarioOverrides, string>;
  const changed: ScenarioOverrides = {};
  for (const key of Object.keys(paths) as (keyof ScenarioOverrides)[]) {
    const value = file.overrides[key];
    if (value !== undefined && value !== (at(file.document, paths[key]) ?? at(DEFAULTS, paths[key]))) changed[key] = value;
  }
  return changed;
}

/**
 * The same file with more overrides on top of its own, validated again. Commands that run
 * a scenario several times (compare's replications and probes) make their variants here,
 * so a file edited while they run cannot mix two versions under one sha256.
 */
export function withOverrides(loaded: ScenarioFile, more: ScenarioOverrides): ScenarioFile {
  const overrides = { ...loaded.overrides, ...more };
  return { ...loaded, scenario: validateScenario(withFileName(loaded.document, loaded.path), loaded.path, overrides), overrides };
}
