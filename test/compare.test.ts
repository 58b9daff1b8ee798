import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareScenarios, type CompareResult } from "../src/compare/compare.js";
import { MetricNames } from "../src/compare/metricNames.js";
import { loadScenario } from "../src/config/load.js";
import { runsPerReplication } from "../src/compare/runCount.js";
import { meanInterval } from "../src/compare/stats.js";
import { writeCompare } from "../src/cli/compare.js";
import { holds, parseThreshold } from "../src/compare/thresholds.js";
import { runCli, tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());
const SMALL = ["--users", "1500", "--days", "20", "--workers", "0", "--quiet"];

describe("compare statistics", () => {
  it("gives the t interval of paired differences", () => {
    // mean 2, sample sd 1, n 4: half-width = t(0.975, 3) · 1/2 = 3.182446 / 2
    const ci = meanInterval([1, 2, 3, 2].map((x) => x), 0.95);
    const sd = Math.sqrt(2 / 3);
    expect(ci.mean).toBe(2);
    expect(ci.high - ci.mean).toBeCloseTo((3.182446305284263 * sd) / 2, 9);
    expect(meanInterval([5, 5, 5])).toEqual({ mean: 5, low: 5, high: 5, n: 3 });
    expect(Number.isNaN(meanInterval([1]).low)).toBe(true);
    // Identical values are that value exactly, with no width (summing 0.1 three times drifts).
    expect(meanInterval([0.1, 0.1, 0.1])).toEqual({ mean: 0.1, low: 0.1, high: 0.1, n: 3 });
  });

  it("parses k6-style thresholds", () => {
    expect(parseThreshold("purchases.observed>10")).toMatchObject({ metric: "purchases.observed", statistic: "mean", op: ">", value: 10 });
    expect(parseThreshold("low(economics.trueRoi) >= -0.5")).toMatchObject({ metric: "economics.trueRoi", statistic: "low", op: ">=", value: -0.5 });
    expect(holds(parseThreshold("x<1"), 0.5)).toBe(true);
    expect(holds(parseThreshold("x<=1"), 1.5)).toBe(false);
    expect(() => parseThreshold("x ~ 3")).toThrow(/--threshold 'x ~ 3'/);
    // Numbers as written elsewhere: a sign, a leading dot, a signed exponent; never Infinity.
    expect(["x<+1", "x<.5", "x<1e+3", "x>-0"].map((t) => parseThreshold(t).value)).toEqual([1, 0.5, 1000, -0]);
    expect(() => parseThreshold("x<1e400")).toThrow("--threshold 'x<1e400': 1e400 is beyond the largest number");
  });
});

describe("zhongcao compare", () => {
  it("closed vs Red Cat: differences with CIs, zero-width where the policy cannot act", async () => {
    const out = join(dir.path, "cmp");
    const r = await runCli(["compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--replications", "5", "--json", "--out", out, ...SMALL]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CompareResult;
    expect(result.replications).toBe(5);
    // Closed-loop runs this small observe so few journeys that some replication's models credit nothing.
    expect(result.warnings).toEqual([expect.stringMatching(/^(1 metric measured in some runs only is|\d+ metrics measured in some runs only are) not compared \(e\.g\. a model that credited nothing has no shares; /)]);
    expect(result.notMeasuredInEveryRun).toContain("accuracy.attribution.models.last_touch.channelShares.link");
    const metric = (name: string) => result.metrics.find((m) => m.metric === name)!;
    // Common random numbers: users and baseline demand are identical in every twin pair.
    expect(metric("users").diff).toEqual({ mean: 0, low: 0, high: 0, n: 5 });
    expect(metric("purchases.trueCause.baseline").diff.high - metric("purchases.trueCause.baseline").diff.low).toBe(0);
    // Red Cat makes link purchases exist and be observed.
    const link = metric("purchases.trueCause.link").diff;
    expect(link.mean).toBeGreaterThan(0);
    expect(metric("purchases.observed").diff.mean).toBeGreaterThan(0);
    // No link credit exists under the closed loop: its share is 0 there, and compared with Red Cat's.
    const trueLink = "accuracy.attribution.trueChannelShares.link";
    expect(metric(trueLink).a).toEqual({ mean: 0, low: 0, high: 0, n: 5 });
    expect(metric(trueLink).b.mean).toBeGreaterThan(0);
    // A model's shares from a replication where it credited nothing are not averaged in as 0s.
    expect(result.metrics.some((m) => m.metric.startsWith("accuracy.attribution.models.last_touch.channelShares."))).toBe(false);
    expect(existsSync(join(out, "compare.json"))).toBe(true);
    const written = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as CompareResult & { tool: string };
    expect(written.metrics).toHaveLength(result.metrics.length);
    // The mark that lets a later compare replace this directory (see checkOutputDir).
    expect(written.tool).toBe("zhongcao");
  });

  it("fails with exit 3 when a threshold does not hold, and judges a metric that is zero in every run at a difference of 0", async () => {
    const args = ["compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--replications", "2", "--out", join(dir.path, "gate"), ...SMALL];
    const failing = await runCli([...args, "--threshold", "purchases.observed<0"]);
    expect(failing.code).toBe(3);
    expect(failing.stdout).toContain("FAIL purchases.observed<0");
    // No blue links under either policy: zero in every run, so B − A is exactly 0. A threshold
    // that 0 meets holds; one it misses fails.
    // cid credits nothing under the closed loop, so its shares are not measured in every run:
    // a threshold on one cannot be shown to hold, and fails (it is not judged as 0).
    const cidShare = "accuracy.attribution.models.cid.channelShares.link>=0";
    const zero = await runCli([...args, "--json", "--threshold", "purchases.observed.blue_link<=0", "--threshold", "high(purchases.observed.blue_link)>0", "--threshold", cidShare]);
    expect(zero.code).toBe(3);
    expect(zero.stderr).toContain("2 threshold(s) failed: high(purchases.observed.blue_link)>0 (zero in every run)");
    // Still one JSON document, and the comparison is kept.
    const doc = JSON.parse(zero.stdout) as { thresholds: { ok: boolean; actual: number | null; reason: string }[]; zeroInEveryRun: string[] };
    expect(doc.thresholds).toEqual([
      { threshold: "purchases.observed.blue_link<=0", actual: 0, ok: true, reason: "zero in every run" },
      { threshold: "high(purchases.observed.blue_link)>0", actual: 0, ok: false, reason: "zero in every run" },
      { threshold: cidShare, actual: null, ok: false, reason: "not measured in every run" },
    ]);
    expect(existsSync(join(dir.path, "gate", "compare.json"))).toBe(true);
  });

  it("rejects low()/high() thresholds with one replication, where no interval exists, before any run", async () => {
    const out = join(dir.path, "one-rep");
    const r = await runCli(["compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--replications", "1", "--threshold", "low(purchases.true)>-100", "--threshold", "purchases.true>0", "--out", out, ...SMALL]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("zhongcao: --threshold 'low(purchases.true)>-100': low() and high() are bounds of a confidence interval, which needs --replications 2 or more\n");
    expect(existsSync(out)).toBe(false);
  });

  it("does not ask for more replications because a setting differs by the same amount in every one", async () => {
    const out = join(dir.path, "settings");
    const setting = "accuracy.attribution.settings.cidWindowDays";
    const r = await runCli([
      ...["compare", "scenarios/redcat-2025.yaml", "scenarios/hybrid-2025.yaml", "--users", "600", "--days", "5", "--replications", "2", "--workers", "0", "--quiet", "--json"],
      ...["--threshold", `low(${setting})>=8`, "--out", out],
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CompareResult & { thresholds: { reason?: string; actual: number }[] };
    const window = result.metrics.find((m) => m.metric === setting)!;
    expect(window.diff).toMatchObject({ mean: 8, low: 8, high: 8 });
    expect(result.warnings.join("\n")).not.toContain("settings");
    // Its bound is what the scenarios set, not a sign of too few replications: no reason beside the verdict, no call for more in the report.
    expect(result.thresholds).toEqual([{ threshold: `low(${setting})>=8`, actual: 8, ok: true }]);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('<span class="ok">set by the scenarios</span>');
  });

  it("refuses standard input for both scenarios, which can be read once", async () => {
    const r = await runCli(["compare", "-", "/dev/stdin", "--out", join(dir.path, "stdin-twice"), ...SMALL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("zhongcao: compare - /dev/stdin: both scenarios would come from standard input, which is read once; give at least one as a file\n");
  });

  it("rejects an unknown --threshold metric with exit 2 before any replication runs", async () => {
    const out = join(dir.path, "unknown");
    // After the replications, an unreported name fails the gate with exit 3; exit 2 and this
    // message come only from the check made before them (against a tiny probe run).
    const r = await runCli([
      "compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--replications", "2", "--users", "300", "--days", "2",
      "--workers", "0", "--quiet", "--out", out,
      "--threshold", "purchases.nope<1", "--threshold", "accuracy.aips.byCategory.toys.accuracy>0", "--threshold", "incremental.link>0",
      "--threshold", "purchases.observed.link>0", "--threshold", "high(accuracy.aips.byCategory.baby.tiRecall)<1",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown metric in --threshold");
    expect(r.stderr).toContain("purchases.nope: not a metric compare reports (near it: purchases.true, purchases.observed, ");
    expect(r.stderr).toContain("accuracy.aips.byCategory.toys.accuracy: not a metric compare reports (near it: accuracy.aips.byCategory.<category>.accuracy");
    expect(r.stderr).toContain("incremental.link: incremental metrics need --incrementality");
    // Known names, including channel- and category-keyed ones, are not listed.
    expect(r.stderr).not.toContain("purchases.observed.link:");
    expect(r.stderr).not.toContain("baby");
    expect(existsSync(out)).toBe(false);
  });

  it("--incrementality measures each channel's true incremental purchases with twin runs", async () => {
    const r = await runCli(["compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--replications", "1", "--incrementality", "--json", "--out", join(dir.path, "incr"), ...SMALL]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CompareResult;
    const metric = (name: string) => result.metrics.find((m) => m.metric === name);
    // No links under the closed loop; under Red Cat removing the link channel loses purchases.
    expect(metric("incremental.link")!.a.mean).toBe(0);
    expect(metric("incremental.link")!.b.mean).toBeGreaterThan(0);
    expect(metric("incremental.search")!.a.mean).toBeGreaterThan(0);
    // What the attribution models credited sits in the same table.
    expect(metric("accuracy.attribution.models.last_touch.conversionsCredited")).toBeDefined();
    // Under the closed loop nothing carries a click id: cid credits nothing, so its lift error is not compared.
    expect(metric("incremental.liftShareMAE.cid")).toBeUndefined();
    expect(result.notMeasuredInEveryRun).toContain("incremental.liftShareMAE.cid");
    expect(result.warnings.join("\n")).toContain("measured in some runs only");
    // The up-front --threshold check knows every name a full comparison reports.
    const names = await MetricNames.probe(["scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml"].map((path) => loadScenario(path, { users: 1500, days: 20 })), true);
    expect(result.metrics.map((m) => m.metric).filter((name) => !names.has(name))).toEqual([]);
    expect(names.has("accuracy.attribution.models.markov.channelShares.nope")).toBe(false);
    // Twin runs remove touch channels only: there is no incremental figure for a shop.
    expect(names.has("incremental.link")).toBe(true);
    expect(names.has("incremental.liftShare.link")).toBe(true);
    expect(names.has("incremental.liftShareMAE.markov")).toBe(true);
    expect(names.has("incremental.shop")).toBe(false);
  });

  it("--incrementality scores each model's credit shares against the channels' parts of the lift", async () => {
    const [a, b] = ["scenarios/open-2020.yaml", "scenarios/redcat-2025.yaml"].map((path) => loadScenario(path, { users: 1500, days: 20 }));
    const runs: [number, number][] = [];
    const result = await compareScenarios(a!, b!, { replications: 1, workers: 0, incrementality: true, onRun: (done, total) => runs.push([done, total]) });
    // What the CLI sizes the work by (to decide on starting itself again) is what ran.
    const expected = 2 * runsPerReplication(true);
    expect(runs).toEqual(Array.from({ length: expected }, (_, i) => [i + 1, expected]));
    const value = (side: "a" | "b", name: string) => result.metrics.find((m) => m.metric === name)?.[side].mean ?? 0;
    const touch = ["organic_feed", "search", "ad", "link", "blue_link"];
    for (const side of ["a", "b"] as const) {
      expect(touch.reduce((sum, ch) => sum + value(side, `incremental.liftShare.${ch}`), 0)).toBeCloseTo(1, 12);
      for (const model of ["first_touch", "last_touch", "linear", "markov", "shapley"]) {
        const shares = touch.map((ch) => value(side, `accuracy.attribution.models.${model}.channelShares.${ch}`));
        expect(shares.reduce((sum, x) => sum + x, 0)).toBeCloseTo(1, 9);
        const expected = touch.reduce((sum, ch, i) => sum + Math.abs(shares[i]! - value(side, `incremental.liftShare.${ch}`)), 0) / touch.length;
        expect(result.metrics.find((m) => m.metric === `incremental.liftShareMAE.${model}`)![side].mean).toBeCloseTo(expected, 12);
      }
    }
  });

  it("with few replications, warns of differences equal in every replication and marks their intervals, and keeps each replication's values", async () => {
    const out = join(dir.path, "flat");
    const r = await runCli([
      "compare",
      "scenarios/closed-2022.yaml",
      "scenarios/redcat-2025.yaml",
      ...["--replications", "2", "--users", "2000", "--days", "10", "--workers", "0", "--quiet", "--out", out],
      ...["--threshold", "high(purchases.observed)<=1000000"],
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as CompareResult & { thresholds: { reason?: string }[] };
    const flat = result.metrics.filter((m) => m.diff.low === m.diff.high && m.diff.mean !== 0);
    const zero = result.metrics.filter((m) => m.diff.low === m.diff.high && m.diff.mean === 0);
    // At this size some counts differ by the same amount in both replications.
    expect(flat.length).toBeGreaterThan(0);
    expect(zero.length).toBeGreaterThan(0);
    expect(result.warnings).toContainEqual(expect.stringContaining(`${flat.length} metrics differ by the same amount in all 2 replications, so the 95 % interval has no width`));
    expect(r.stdout).toContain(`warning: ${flat.length} metrics differ by the same amount`);
    // Every interval can be recomputed from the values it was computed from.
    for (const m of result.metrics) {
      expect(meanInterval(m.perReplication.a)).toEqual(m.a);
      expect(meanInterval(m.perReplication.b)).toEqual(m.b);
      expect(meanInterval(m.perReplication.b.map((v, i) => v - m.perReplication.a[i]!))).toEqual(m.diff);
    }
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.match(/no spread: more replications needed/g)).toHaveLength(flat.length);
    expect(html.match(/no difference in any replication/g)).toHaveLength(zero.length);
    // A bound of such an interval passes or fails as computed, with the reason beside it
    // (at this seed and size, Red Cat adds one observed purchase, a link order, in both replications).
    expect(flat.map((m) => m.metric)).toContain("purchases.observed");
    expect(result.thresholds[0]).toMatchObject({ ok: true, reason: "all 2 differences are equal: the interval has no width" });
    expect(html).toContain("<td>all 2 differences are equal: the interval has no width</td>");
    expect(r.stdout).toContain("ok   high(purchases.observed)<=1000000 (actual 1.000; all 2 differences are equal: the interval has no width)");
  });

  it("writes nothing when interrupted while writing its output", async () => {
    const out = join(dir.path, "interrupted");
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(writeCompare(out, { tool: "zhongcao", a: {}, b: {}, replications: 0, seeds: [], metrics: [] }, controller.signal)).rejects.toThrow(
      "interrupted: the comparison was stopped and nothing was written",
    );
    expect(readdirSync(dir.path).filter((name) => name.startsWith("interrupted") || name.startsWith(".interrupted"))).toEqual([]);
  });

  it("lists a metric no run could measure as not measured, not as zero", async () => {
    const [a, b] = ["scenarios/closed-2022.yaml", "scenarios/closed-2022.yaml"].map((path) => loadScenario(path, { users: 600, days: 5 }));
    const result = await compareScenarios(a!, b!, { replications: 2, workers: 0, incrementality: false });
    // cid credits nothing under the closed loop, in any run.
    expect(result.notMeasuredInEveryRun).toContain("accuracy.attribution.models.cid.channelShares.link");
    expect(result.zeroInEveryRun).not.toContain("accuracy.attribution.models.cid.channelShares.link");
  });

  it("reads each scenario file once: editing it mid-comparison changes nothing", async () => {
    const copy = join(dir.path, "closed-edited.yaml");
    const original = readFileSync("scenarios/closed-2022.yaml", "utf8");
    const compareWith = async (midway: () => void) => {
      writeFileSync(copy, original);
      const [a, b] = [copy, "scenarios/redcat-2025.yaml"].map((path) => loadScenario(path, { users: 300, days: 3 }));
      return compareScenarios(a!, b!, { replications: 2, workers: 0, incrementality: false, onRun: (done) => done === 1 && midway() });
    };
    const untouched = await compareWith(() => undefined);
    // After A's first run the file switches to Red Cat; a later read would see that, or no file.
    const edited = await compareWith(() => {
      writeFileSync(copy, original.replace("type: closed", "type: redcat"));
      expect(loadScenario(copy).scenario.policy.type).toBe("redcat");
      rmSync(copy);
    });
    // The edit happened (the file is gone), and changed nothing.
    expect(existsSync(copy)).toBe(false);
    expect(edited).toEqual(untouched);
    expect(untouched.a.sha256).toBe(createHash("sha256").update(original).digest("hex"));
  });

  it("does not warn that common random numbers are inexact when only the shard size differs", async () => {
    const resharded = join(dir.path, "redcat-sharded.yaml");
    writeFileSync(resharded, readFileSync("scenarios/redcat-2025.yaml", "utf8").replace(/shardUsers: \d+/, "shardUsers: 150"));
    const [a, b] = ["scenarios/redcat-2025.yaml", resharded].map((path) => loadScenario(path, { users: 300, days: 2 }));
    expect(b!.scenario.simulation.shardUsers).toBe(150);
    const result = await compareScenarios(a!, b!, { replications: 1, workers: 0, incrementality: false });
    expect(result.warnings).toEqual([]);
    // And indeed nothing differs.
    expect(result.metrics.filter((m) => m.diff.mean !== 0 && !m.metric.startsWith("accuracy.")).map((m) => m.metric)).toEqual([]);
  });

  it("warns that B's own seed is not used when it differs from A's", async () => {
    const reseeded = join(dir.path, "redcat-seed-7.yaml");
    writeFileSync(reseeded, readFileSync("scenarios/redcat-2025.yaml", "utf8").replace(/^seed: \d+$/m, "seed: 7"));
    const [a, b] = ["scenarios/closed-2022.yaml", reseeded].map((path) => loadScenario(path, { users: 300, days: 2 }));
    expect(b!.scenario.seed).toBe(7);
    const result = await compareScenarios(a!, b!, { replications: 1, workers: 0, incrementality: false });
    expect(result.warnings).toEqual(["B's seed 7 is not used: both sides run with A's seeds (42 + replication) for common random numbers"]);
    expect(result.seeds).toEqual([42]);
  });

  it("rejects a bad scenario before running anything", async () => {
    const r = await runCli(["compare", "scenarios/closed-2022.yaml", "/nonexistent.yaml", ...SMALL]);
    expect(r.code).toBe(2);
  });

  it("rejects an --out directory holding other files, and leaves it as it was", async () => {
    const out = join(dir.path, "occupied");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "keep me");
    const r = await runCli(["compare", "scenarios/closed-2022.yaml", "scenarios/redcat-2025.yaml", "--out", out, ...SMALL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not empty and not an earlier zhongcao output/);
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });
});
