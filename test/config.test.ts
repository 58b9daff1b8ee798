import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO_PATH, loadScenario, validateScenario } from "../src/config/load.js";
import { InputError } from "../src/errors.js";
import { runCli, tempDir } from "./helpers.js";

describe("scenario validation", () => {
  it("accepts the shipped default scenario and fills every default", () => {
    const { scenario, sha256 } = loadScenario(DEFAULT_SCENARIO_PATH);
    expect(scenario.population.users).toBeGreaterThanOrEqual(100_000);
    expect(scenario.simulation.days).toBeGreaterThanOrEqual(60);
    expect(scenario.policy.type).toBe("redcat");
    expect(scenario.aipsTruth.tiWindowDays).toBe(30);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lists every problem with its path, unknown keys included", () => {
    const bad = {
      population: { users: -5, femaleShare: 1.5 },
      policy: { type: "redcat", redcat: { windowDays: 10 } },
      simulaton: {},
    };
    let problems: readonly string[] = [];
    try {
      validateScenario(bad, "bad.yaml");
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      problems = (e as InputError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^population\.users: /),
        expect.stringMatching(/^population\.femaleShare: /),
        "policy.redcat.windowDays: must be one of 7, 15, 30",
        "simulaton: unknown key",
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it("checks relations between fields", () => {
    expect(() => validateScenario({ brands: { experienceScore: { min: 4.9, max: 4.1 } } }, "x")).toThrow(
      /brands\.experienceScore\.min: must be ≤/,
    );
  });

  it("applies CLI overrides through the same schema", () => {
    expect(validateScenario({}, "x", { users: 7, days: 3, seed: 9 })).toMatchObject({
      seed: 9,
      population: { users: 7 },
      simulation: { days: 3 },
    });
    expect(() => validateScenario({}, "x", { users: 0 })).toThrow(/population\.users/);
  });
});

describe("zhongcao validate", () => {
  it("prints all three errors of a file with three errors and exits 2", async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "three.yaml");
      writeFileSync(file, "population:\n  users: 0\npolicy:\n  type: redcat\n  redcat:\n    windowDays: 8\nbrands:\n  cuont: 3\n");
      const { code, stderr, stdout } = await runCli(["validate", file]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain("population.users:");
      expect(stderr).toContain("policy.redcat.windowDays: must be one of 7, 15, 30");
      expect(stderr).toContain("brands.cuont: unknown key");
      expect(stderr.match(/^ {2}- /gm)).toHaveLength(3);
    } finally {
      dir.cleanup();
    }
  });

  it("reports YAML syntax errors with their line", async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "broken.yaml");
      writeFileSync(file, "population:\n  users: 10\n  users: 11\n");
      const { code, stderr } = await runCli(["validate", file]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/line 3/);
    } finally {
      dir.cleanup();
    }
  });

  it("accepts a valid file and a missing file is bad input", async () => {
    expect((await runCli(["validate", DEFAULT_SCENARIO_PATH])).code).toBe(0);
    const missing = await runCli(["validate", "/nonexistent/scenario.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("/nonexistent/scenario.yaml: cannot read scenario (ENOENT)");
  });
});
