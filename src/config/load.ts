import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { scenarioSchema, type Scenario } from "./schema.js";

/** The scenario `run` uses when none is given; shipped with the package. */
export const DEFAULT_SCENARIO_PATH = fileURLToPath(new URL("../../scenarios/default.yaml", import.meta.url));

export interface LoadedScenario {
  readonly path: string;
  /** sha256 of the file bytes as read, so a run names exactly what it ran. */
  readonly sha256: string;
  readonly scenario: Scenario;
}

/** Overrides from CLI flags, applied after parsing and validated with the same schema. */
export interface ScenarioOverrides {
  seed?: number;
  users?: number;
  days?: number;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${at ? `${at}.` : ""}${key}: unknown key`);
    }
    return [`${at || "(root)"}: ${issue.message}`];
  });
}

/** Reads YAML or JSON (JSON is YAML), reporting every syntax error with its line. */
function parseText(text: string, path: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      `${path}: not valid YAML/JSON`,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`),
    );
  }
  return doc.toJS() ?? {};
}

function crossFieldProblems(s: Scenario): string[] {
  const problems: string[] = [];
  if (s.brands.experienceScore.min > s.brands.experienceScore.max) {
    problems.push("brands.experienceScore.min: must be ≤ brands.experienceScore.max");
  }
  if (s.brands.dailyAdBudgetYuan.min > s.brands.dailyAdBudgetYuan.max) {
    problems.push("brands.dailyAdBudgetYuan.min: must be ≤ brands.dailyAdBudgetYuan.max");
  }
  if (Object.values(s.categories).every((c) => c.share === 0)) {
    problems.push("categories: at least one category needs share > 0");
  }
  if (s.notes.count < s.brands.count) {
    problems.push(`notes.count: must be ≥ brands.count (${s.brands.count}) so every brand has a note`);
  }
  return problems;
}

/** Validates a parsed document; throws InputError listing every problem with its path. */
export function validateScenario(raw: unknown, where: string, overrides: ScenarioOverrides = {}): Scenario {
  const withOverrides = applyOverrides(raw, overrides);
  const result = scenarioSchema.safeParse(withOverrides);
  if (!result.success) throw new InputError(`${where}: invalid scenario`, formatIssues(result.error.issues));
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new InputError(`${where}: invalid scenario`, problems);
  return result.data;
}

function applyOverrides(raw: unknown, o: ScenarioOverrides): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const doc = structuredClone(raw) as Record<string, Record<string, unknown> | undefined>;
  const section = (key: string) => (doc[key] ??= {});
  if (o.seed !== undefined) (doc as Record<string, unknown>).seed = o.seed;
  if (o.users !== undefined) section("population").users = o.users;
  if (o.days !== undefined) section("simulation").days = o.days;
  return doc;
}

export function loadScenario(path: string = DEFAULT_SCENARIO_PATH, overrides: ScenarioOverrides = {}): LoadedScenario {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read scenario (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const scenario = validateScenario(parseText(bytes.toString("utf8"), path), path, overrides);
  return { path, sha256: createHash("sha256").update(bytes).digest("hex"), scenario };
}
