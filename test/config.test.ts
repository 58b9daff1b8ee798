import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO_PATH, loadScenario, validateScenario, type ScenarioOverrides } from "../src/config/load.js";
import { handOverBytes } from "../src/config/scenarioBytes.js";
import { InputError, MAX_PROBLEMS_LISTED } from "../src/errors.js";
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
        "simulaton: unknown key (did you mean simulation?)",
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it("takes Red Cat's link stores as a list of tmall and jd, each at most once, Tmall alone by default", () => {
    const problemsOf = (redcat: unknown) => {
      try {
        validateScenario({ policy: { type: "redcat", redcat } }, "s.yaml");
      } catch (e) {
        return (e as InputError).problems;
      }
      return [];
    };
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ stores: ["jd", "tmall"] })).toEqual([]);
    expect(problemsOf({ stores: [] })).toEqual(["policy.redcat.stores: name at least one store (tmall, jd)"]);
    expect(problemsOf({ stores: ["jd", "jd"] })).toEqual(["policy.redcat.stores: each store at most once"]);
    expect(problemsOf({ stores: ["tmall", "taobao"] })).toEqual([expect.stringMatching(/^policy\.redcat\.stores\.1: .*"tmall"\|"jd"/)]);
    const scenario = validateScenario({ policy: { type: "hybrid" } }, "s.yaml");
    expect(scenario.policy.type === "hybrid" && scenario.policy.redcat.stores).toEqual(["tmall"]);
  });

  it("takes a lift study's ad holdout as a share below 1, none by default", () => {
    const problemsOf = (experiment: unknown) => {
      try {
        validateScenario({ experiment }, "s.yaml");
      } catch (e) {
        return (e as InputError).problems;
      }
      return [];
    };
    expect(validateScenario({}, "s.yaml").experiment).toEqual({ adHoldoutShare: 0 });
    expect(problemsOf({ adHoldoutShare: 0.1 })).toEqual([]);
    expect(problemsOf({ adHoldoutShare: 1 })).toEqual(["experiment.adHoldoutShare: must be below 1 (holding out every user leaves no one who sees ads)"]);
    expect(problemsOf({ adHoldoutShare: -0.1 })).toEqual([expect.stringMatching(/^experiment\.adHoldoutShare: Too small/)]);
    expect(problemsOf({ holdout: 0.1 })).toEqual([expect.stringMatching(/^experiment\.holdout: unknown key/)]);
  });

  it("shows an empty key (YAML `\"\":`, or `null:`) as \"\", not as nothing", () => {
    expect([...problemsOf({ "": 1, population: { "": 2 } })].sort()).toEqual(['"": unknown key', 'population."": unknown key']);
  });

  it("lists at most 50 problems and cuts long keys, counting the rest", () => {
    const stray = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`stray${i}`, 1]));
    const long = "k".repeat(10_000);
    let problems: readonly string[] = [];
    try {
      validateScenario({ [long]: 1, ...stray }, "generated.yaml");
    } catch (e) {
      problems = (e as InputError).problems;
    }
    expect(problems).toHaveLength(MAX_PROBLEMS_LISTED + 1);
    expect(problems[0]).toBe(`${"k".repeat(80)}… (10000 characters): unknown key`);
    expect(problems.at(-1)).toBe(`… and ${3001 - MAX_PROBLEMS_LISTED} more`);
    // Checks across fields join the same list, under the same cap.
    try {
      validateScenario({ ...stray, notes: { count: 5 }, brands: { count: 50 } }, "generated.yaml");
    } catch (e) {
      problems = (e as InputError).problems;
    }
    expect(problems).toHaveLength(MAX_PROBLEMS_LISTED + 1);
    expect(problems.at(-1)).toBe(`… and ${3001 - MAX_PROBLEMS_LISTED} more`);
  });

  it("reads handed-over bytes of a path in the order they were read (compare f f of a FIFO fed twice)", () => {
    const path = "/nonexistent/fed-twice.yaml";
    handOverBytes(path, Buffer.from("name: first\n"));
    handOverBytes(path, Buffer.from("name: second\n"));
    expect([loadScenario(path), loadScenario(path)].map((l) => l.scenario.name)).toEqual(["first", "second"]);
    // Both used up: the path itself is read next, which here fails.
    expect(() => loadScenario(path)).toThrow(/cannot read scenario/);
  });

  it("refuses values far beyond any real scenario that would turn into Infinity in outputs or delays", () => {
    let problems: readonly string[] = [];
    try {
      validateScenario(
        {
          categories: { beauty: { share: 1, ctr: 0.04, touchToPurchaseDays: 5, priceYuan: 1e300, redcatPilot: true } },
          purchase: { delaySigma: 50, baselinePerUserDay: 2, stateMultiplier: { TI: 1e6 } },
          behaviour: { videoCtrMultiplier: 1e40 },
          policy: { type: "redcat", redcat: { passback: { delayMedianHours: 1e9 } } },
        },
        "huge.yaml",
      );
    } catch (e) {
      problems = (e as InputError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^categories\.beauty\.priceYuan: .*<=1000000000/),
      expect.stringMatching(/^behaviour\.videoCtrMultiplier: .*<=1000/),
      expect.stringMatching(/^purchase\.baselinePerUserDay: .*<=1/),
      expect.stringMatching(/^purchase\.stateMultiplier\.TI: .*<=1000/),
      expect.stringMatching(/^purchase\.delaySigma: .*<=10/),
      expect.stringMatching(/^policy\.redcat\.passback\.delayMedianHours: .*<=720/),
    ]);
  });

  it("names a scenario without `name` after its file, so two such files do not share a default run directory", () => {
    const dir = tempDir();
    const write = (file: string, text: string) => {
      const path = join(dir.path, file);
      writeFileSync(path, text);
      return path;
    };
    try {
      expect(loadScenario(write("My Test.yaml", "seed: 1\n")).scenario.name).toBe("my-test");
      expect(loadScenario(write("b.yml", "seed: 1\n")).scenario.name).toBe("b");
      expect(loadScenario(write("policy.v2.json", "{}")).scenario.name).toBe("policy.v2");
      // Nothing usable in the file name: the schema's default.
      expect(loadScenario(write("_.yaml", "seed: 1\n")).scenario.name).toBe("scenario");
      // A name the file gives wins, and --seed and the like keep the file's name.
      expect(loadScenario(write("c.yaml", "name: chosen\n")).scenario.name).toBe("chosen");
      expect(loadScenario(write("d.yaml", "seed: 1\n"), { seed: 5 }).scenario.name).toBe("d");
    } finally {
      dir.cleanup();
    }
  });

  it.each(["-", "/dev/stdin"])("reads a scenario from standard input given as %s, also when it is a socket (a parent process's pipe)", (path) => {
    const r = spawnSync(process.execPath, ["bin/zhongcao.js", "validate", path], { input: "name: piped\npopulation: {users: 100}\n", encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${path}: valid (scenario piped, policy redcat, sha256 ${createHash("sha256").update("name: piped\npopulation: {users: 100}\n").digest("hex").slice(0, 12)})\n`);
    expect(r.status).toBe(0);
  });

  it("caps YAML syntax errors the same way", () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "dupes.yaml");
      writeFileSync(file, Array.from({ length: 80 }, () => "a: 1").join("\n"));
      expect(() => loadScenario(file)).toThrow(/not valid YAML[\s\S]*… and 29 more$/);
    } finally {
      dir.cleanup();
    }
  });

  it("checks relations between fields", () => {
    expect(() => validateScenario({ brands: { experienceScore: { min: 4.9, max: 4.1 } } }, "x")).toThrow(
      /brands\.experienceScore\.min: must be ≤/,
    );
  });

  it("refuses a creator tier with no creators given traffic, which would leave the feed and ads empty", () => {
    expect(problemsOf({ creators: { smallCreatorShare: 1, smallCreatorTrafficShare: 0 } })).toEqual([
      "creators.smallCreatorTrafficShare: must be 1 when creators.smallCreatorShare is 1 (no larger creators to take traffic)",
    ]);
    expect(problemsOf({ creators: { smallCreatorShare: 0, smallCreatorTrafficShare: 0.5 } })).toEqual([
      "creators.smallCreatorTrafficShare: must be 0 when creators.smallCreatorShare is 0 (no small creators to take traffic)",
    ]);
    expect(problemsOf({ creators: { smallCreatorShare: 0, smallCreatorTrafficShare: 0 } })).toEqual([]);
  });

  it("takes a weight map whole: every key named (a key left out would keep its default beside the others), each weight finite", () => {
    expect(problemsOf({ population: { cohorts: { after2000: 1, from1995to1999: 0 } } })).toEqual([
      "population.cohorts.before1995: required: a map of weights names every one of after2000, from1995to1999, before1995",
    ]);
    expect(problemsOf({ purchase: { retailerWeights: { tmall: 1e308, taobao: 1, jd: 1 } } })).toEqual(["purchase.retailerWeights.tmall: Too big: expected number to be <=1000000"]);
    const whole = validateScenario({ population: { cohorts: { after2000: 1, from1995to1999: 0, before1995: 0 } } }, "x");
    expect(whole.population.cohorts).toEqual({ after2000: 1, from1995to1999: 0, before1995: 0 });
    // Left out, the map is the default.
    expect(validateScenario({}, "x").population.activity).toEqual({ low: 0.5, medium: 0.35, high: 0.15 });
  });

  it("takes money from a cent: a smaller floor overflowed the log-uniform ad budget to Infinity", () => {
    expect(problemsOf({ brands: { dailyAdBudgetYuan: { min: 1e-300, max: 1e9 } }, categories: { beauty: { priceYuan: 0.001 } } })).toEqual([
      "brands.dailyAdBudgetYuan.min: Too small: expected number to be >=0.01",
      "categories.beauty.priceYuan: Too small: expected number to be >=0.01",
    ]);
  });

  it("bounds every count by what the engine can hold", () => {
    const problems = problemsOf({
      population: { users: 1e12, sessionsPerDay: { high: 5000 } },
      brands: { count: 1e11 },
      notes: { count: 1e11 },
      creators: { count: 1e11 },
      behaviour: { searchResultsPerSearch: 1e12, impressionsPerSession: 1e6 },
      aipsTruth: { readsForTrueInterest: 17, tiWindowDays: 1e9 },
      simulation: { shardUsers: 2 ** 32 },
    });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "simulation.shardUsers",
      "population.users",
      "population.sessionsPerDay.high",
      "creators.count",
      "brands.count",
      "notes.count",
      "behaviour.impressionsPerSession",
      "behaviour.searchResultsPerSearch",
      "aipsTruth.tiWindowDays",
      "aipsTruth.readsForTrueInterest",
    ]);
    // The largest values allowed are accepted.
    expect(() => validateScenario({ population: { users: 0xffff_fffe }, simulation: { shardUsers: 10_000 } }, "x")).not.toThrow();
  });

  it("bounds category shares, whose sum must stay finite", () => {
    const categories = (shares: Record<string, number>) =>
      Object.fromEntries(Object.entries(loadScenario().scenario.categories).map(([name, c]) => [name, { ...c, share: shares[name] ?? 0 }]));
    expect(problemsOf({ categories: categories({ beauty: 1e308, fashion: 1e308 }) })).toEqual([
      "categories.beauty.share: Too big: expected number to be <=1000000",
      "categories.fashion.share: Too big: expected number to be <=1000000",
    ]);
    expect(problemsOf({ categories: categories({ beauty: 1e6, fashion: 1 }) })).toEqual([]);
  });

  it("takes start dates from 1971 to 2199: 0 means no click in time columns, and years stay four digits", () => {
    const message = "simulation.start: must be a date from 1971-01-01 to 2199-12-31";
    expect(problemsOf({ simulation: { start: "1969-12-31" } })).toEqual([message]);
    expect(problemsOf({ simulation: { start: "2200-01-01" } })).toEqual([message]);
    expect(problemsOf({ simulation: { start: "1971-01-01" } })).toEqual([]);
    expect(problemsOf({ simulation: { start: "2199-12-31", days: 3650 } })).toEqual([]);
  });

  it("fills a category's fields left out with that category's own built-in values", () => {
    const s = validateScenario({ categories: { beauty: { share: 0 }, fmcg: { ctr: 0.05, priceYuan: 90 } } }, "x");
    const builtIn = validateScenario({}, "x").categories;
    expect(s.categories.beauty).toEqual({ ...builtIn.beauty, share: 0 });
    expect(s.categories.fmcg).toEqual({ ...builtIn.fmcg, ctr: 0.05, priceYuan: 90 });
    expect(s.categories.health).toEqual(builtIn.health);
    expect(builtIn.fmcg).toEqual({ share: 0.14, ctr: 0.03, touchToPurchaseDays: 5, priceYuan: 70, redcatPilot: true });
    // A field given is still checked, and unknown fields are still errors.
    expect(problemsOf({ categories: { beauty: { ctr: 2, colour: "red" } } })).toEqual(["categories.beauty.ctr: Too big: expected number to be <=1", "categories.beauty.colour: unknown key"]);
  });

  it("says what took the place of a key an earlier release had", () => {
    expect(problemsOf({ categories: { fmcg: { decisionCycleDays: 10 } } })).toEqual([expect.stringMatching(/^categories\.fmcg\.decisionCycleDays: unknown key \(now touchToPurchaseDays: /)]);
    // Only where it was a key: elsewhere, and for keys an object has by inheritance, a plain unknown key.
    expect(problemsOf({ purchase: { decisionCycleDays: 10 } })).toEqual(["purchase.decisionCycleDays: unknown key"]);
    expect(problemsOf({ categories: { fmcg: { toString: 1, constructor: 1 } } })).toEqual(["categories.fmcg.toString: unknown key", "categories.fmcg.constructor: unknown key"]);
  });

  it("bounds a shard's (user, brand) pairs and the number of shards", () => {
    expect(problemsOf({ population: { users: 1_000_000 }, simulation: { shardUsers: 1_000_000 }, brands: { count: 1000 }, notes: { count: 1000 } })).toEqual([
      expect.stringMatching(/^simulation\.shardUsers: a shard would hold 1000000000 \(user, brand\) pairs .* at most 67108864/),
    ]);
    // A shard smaller than shardUsers (few users) holds only its users' pairs.
    expect(() => validateScenario({ population: { users: 10 }, brands: { count: 1_000_000 }, notes: { count: 1_000_000 } }, "x")).not.toThrow();
    expect(problemsOf({ population: { users: 2_000_000 }, simulation: { shardUsers: 1 } })).toEqual([
      "simulation.shardUsers: population.users / shardUsers makes 2000000 shards; at most 1000000, so raise shardUsers",
    ]);
  });

  it("refuses a shard whose expected feed impressions alone would outnumber its 2^32 − 1 event ids", () => {
    // 0.51 sessions a user-day at the default activity mix, 8 impressions each: 4.08 a user-day.
    const big = { population: { users: 559_240 }, simulation: { days: 3650, shardUsers: 559_240 } };
    expect(problemsOf(big)).toEqual([
      "simulation.shardUsers: a shard would make about 8.33e+9 feed impressions alone (shard users × days × 4.08 a user-day), more than the 4294967295 event ids a shard has; lower shardUsers",
    ]);
    // The activity mix is a set of weights: doubled, it is the same mix.
    expect(problemsOf({ ...big, population: { ...big.population, activity: { low: 1, medium: 0.7, high: 0.3 } } })).toHaveLength(1);
    // Half the shard fits, and so does the same population in smaller shards.
    expect(problemsOf({ ...big, simulation: { days: 1825, shardUsers: 559_240 } })).toEqual([]);
    expect(problemsOf({ ...big, simulation: { days: 3650, shardUsers: 2500 } })).toEqual([]);
  });

  it("runs the cross-field checks alongside field errors, skipping only checks whose fields are invalid", () => {
    expect(problemsOf({ seed: -1, brands: { count: 500, experienceScore: { min: 5, max: 4 } }, notes: { count: 100 } })).toEqual([
      expect.stringMatching(/^seed: /),
      "brands.experienceScore.min: must be ≤ brands.experienceScore.max",
      "notes.count: must be ≥ brands.count (500) so every brand has a note",
    ]);
    // notes.count is itself invalid, so only its own error is listed; an aborting (non-integer) error elsewhere does not hide the budget check.
    expect(problemsOf({ notes: { count: -1 }, creators: { count: 1.5 }, brands: { dailyAdBudgetYuan: { min: 10, max: 1 } } })).toEqual([
      expect.stringMatching(/^creators\.count: /),
      expect.stringMatching(/^notes\.count: /),
      "brands.dailyAdBudgetYuan.min: must be ≤ brands.dailyAdBudgetYuan.max",
    ]);
    // An unknown key inside a section does not hide checks on its valid siblings.
    expect(problemsOf({ brands: { cuont: 3, experienceScore: { min: 5, max: 4 } } })).toEqual([
      "brands.cuont: unknown key (did you mean count?)",
      "brands.experienceScore.min: must be ≤ brands.experienceScore.max",
    ]);
    // A document that is not a mapping gets one problem, not a cascade.
    expect(problemsOf([1, 2])).toEqual([expect.stringMatching(/^\(root\): /)]);
  });

  it("applies CLI overrides through the same schema", () => {
    expect(validateScenario({}, "x", { users: 7, days: 3, seed: 9 })).toMatchObject({
      seed: 9,
      population: { users: 7 },
      simulation: { days: 3 },
    });
    expect(() => validateScenario({}, "x", { users: 0 })).toThrow(/population\.users/);
    expect(() => validateScenario({}, "x", { users: 1e12 })).toThrow(/population\.users: Too big/);
    // A file valid on its own that the flags make invalid: the message names the flags, not the file alone.
    expect(() => validateScenario({ simulation: { shardUsers: 1 }, population: { users: 10 } }, "s1.yaml", { users: 2_000_000, seed: 3 })).toThrow(
      "s1.yaml with --seed 3 --users 2000000: invalid scenario",
    );
    expect(() => validateScenario({ seed: -1 }, "s2.yaml")).toThrow(/^s2\.yaml: invalid scenario\n/);
    // A section that is there but not a mapping is reported, not written into or replaced.
    for (const [doc, path] of [[{ population: 5 }, "population"], [{ simulation: "abc" }, "simulation"], [{ population: null }, "population"], [{ simulation: null }, "simulation"]] as const) {
      expect(problemsOf(doc, { users: 2000, days: 5 })).toEqual([expect.stringMatching(new RegExp(`^${path}: Invalid input: expected object, received `))]);
    }
  });
});

/** The problems validateScenario reports for `raw`, or [] when it is valid. */
function problemsOf(raw: unknown, overrides: ScenarioOverrides = {}): readonly string[] {
  try {
    validateScenario(raw, "x", overrides);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
}

describe("zhongcao validate", () => {
  it("says on which line of the file each problem was written, and which key a misspelt one may mean", async () => {
    const dir = tempDir();
    const file = join(dir.path, "lines.yaml");
    writeFileSync(
      file,
      ["name: lines", "population:", "  userz: 100", "brandz: { count: 5 }", "creators:", "  smallCreatorShare: 1", "  smallCreatorTrafficShare: 0.2", "simulation:", "  days: -3", "wibble: 1", ""].join("\n"),
    );
    const r = await runCli(["validate", file]);
    expect(r.code).toBe(2);
    // Case is no difference for a suggestion.
    expect(problemsOf({ POPULATON: {} })).toEqual(["POPULATON: unknown key (did you mean population?)"]);
    expect(r.stderr.split("\n").slice(1, -1).sort()).toEqual(
      [
        "  - simulation.days: Too small: expected number to be >0 (line 9)",
        "  - population.userz: unknown key (did you mean users?) (line 3)",
        "  - brandz: unknown key (did you mean brands?) (line 4)",
        "  - wibble: unknown key (line 10)",
        "  - creators.smallCreatorTrafficShare: must be 1 when creators.smallCreatorShare is 1 (no larger creators to take traffic) (line 7)",
      ].sort(),
    );
    dir.cleanup();
    // A value a flag set has no line: the file's line holds what the flag replaced.
    const everyFieldOnLine7 = () => 7;
    expect(() => validateScenario({ population: { users: 100, femaleShare: 2 } }, "x", { users: -5 }, everyFieldOnLine7)).toThrow(
      expect.objectContaining({ problems: [expect.stringMatching(/^population\.users: Too small: expected number to be >0$/), expect.stringMatching(/^population\.femaleShare: .* \(line 7\)$/)] }),
    );
  });

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

  it("rejects an oversized --users before any work starts", async () => {
    const dir = tempDir();
    try {
      const out = join(dir.path, "out");
      const { code, stderr, stdout } = await runCli(["run", "--users", "1000000000000", "--days", "1", "--out", out, "--quiet"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      // The flag is named, not the scenario file it overrides.
      expect(stderr).toContain("--users must be an integer in [1, 4294967294], got '1000000000000'");
      expect(existsSync(out)).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  it("refuses a one-value flag given twice, before any work starts, and lets repeatable flags repeat", async () => {
    const dir = tempDir();
    try {
      const out = join(dir.path, "out");
      for (const [argv, flag] of [
        [["run", "--users", "300", "--days", "2", "--seed", "7", "--seed=8", "--out", out, "--quiet"], "--seed given 2 times"],
        [["run", "--users", "300", "--days", "2", "--out", out, "--out", out, "--quiet"], "--out given 2 times"],
        [["compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--replications", "1", "--replications", "2", "--out", out], "--replications given 2 times"],
        [["attribute", "x.csv", "--models", "linear", "--models", "markov"], "--models given 2 times"],
      ] as const) {
        const { code, stderr, stdout } = await runCli([...argv]);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toBe(`zhongcao: ${flag}; give it once\n`);
        expect(existsSync(out)).toBe(false);
      }
      // --threshold repeats by design.
      const repeated = await runCli(["run", "--users", "300", "--days", "2", "--workers", "0", "--threshold", "events.total>0", "--threshold", "events.total>1", "--out", out, "--quiet"]);
      expect(repeated.code).toBe(0);
    } finally {
      dir.cleanup();
    }
  });

  it("names the file when a YAML alias bomb is refused", async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "laughs.yaml");
      // "Billion laughs": each level is nine aliases of the one before, 9^9 strings in all.
      const lines = [`a: &a [${Array(9).fill("lol").join(", ")}]`];
      for (const [prev, name] of ["ab", "bc", "cd", "de", "ef", "fg", "gh", "hi"]) {
        lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
      }
      writeFileSync(file, `${lines.join("\n")}\n`);
      const { code, stderr } = await runCli(["validate", file]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file}: not valid YAML/JSON`);
      expect(stderr).toMatch(/alias count/);
    } finally {
      dir.cleanup();
    }
  });

  it("rejects an empty scenario file, a bare null and /dev/null", async () => {
    const dir = tempDir();
    try {
      const empty = join(dir.path, "empty.yaml");
      const onlyNull = join(dir.path, "null.yaml");
      const onlyComment = join(dir.path, "comment.yaml");
      writeFileSync(empty, "");
      writeFileSync(onlyNull, "null\n");
      writeFileSync(onlyComment, "# nothing here\n");
      for (const file of [empty, onlyNull, onlyComment, "/dev/null"]) {
        const { code, stderr, stdout } = await runCli(["validate", file]);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toContain(`${file}: empty scenario (expected a YAML mapping)`);
      }
      // An explicit empty mapping is a scenario of defaults, and no path at all is the built-in default.
      const braces = join(dir.path, "braces.yaml");
      writeFileSync(braces, "{}\n");
      expect((await runCli(["validate", braces])).code).toBe(0);
      expect(loadScenario().scenario.name).toBe("default");
    } finally {
      dir.cleanup();
    }
  });

  it.each([
    ["Latin-1 bytes", Buffer.from('name: ok\ndescription: "caf\xe9"\n', "latin1"), "not UTF-8 text (line 2, near byte offset 27); save the scenario as UTF-8"],
    ["UTF-16 text", Buffer.from("\ufeffname: ok\n", "utf16le"), "UTF-16 text; save the scenario as UTF-8"],
    ["an unknown YAML tag", Buffer.from("name: !foo x\n"), "line 1: Unresolved tag: !foo"],
    ["nesting the parser cannot follow", Buffer.from(`a: ${"[".repeat(5000)}\n`), "not valid YAML/JSON\n  - line 1: nested too deeply for a scenario (column "],
    ["a policy without its type", Buffer.from("policy: { redcat: { windowDays: 7 } }\n"), "  - policy.type: missing, or not one of open, closed, blue_links, redcat, hybrid, timeline\n"],
    ["an unclosed list", Buffer.from("seed: [1\nname: x\n"), "  - line 2: Flow sequence in block collection must be sufficiently indented and end with a ] (column 1)\n"],
    ["a category listed twice for Red Cat", Buffer.from("policy: { type: redcat, redcat: { categories: [beauty, beauty] } }\n"), "policy.redcat.categories: each category at most once"],
  ])("rejects %s, naming what is wrong", async (_what, bytes, message) => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "odd.yaml");
      writeFileSync(file, bytes);
      const { code, stderr, stdout } = await runCli(["validate", file]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(file);
      expect(stderr).toContain(message);
    } finally {
      dir.cleanup();
    }
  });

  it("stops reading a scenario past 256 KiB (/dev/zero), and UTF-8 text beyond ASCII is fine", async () => {
    const endless = await runCli(["validate", "/dev/zero"]);
    expect(endless).toEqual({ code: 2, stdout: "", stderr: "zhongcao: /dev/zero: more than 256 KiB; a scenario is a few kilobytes of YAML or JSON\n" });
    const dir = tempDir();
    try {
      const file = join(dir.path, "utf8.yaml");
      writeFileSync(file, "name: utf8\ndescription: 红猫 café 种草\n");
      expect((await runCli(["validate", file])).code).toBe(0);
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
