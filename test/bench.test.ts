import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bracket } from "../src/bench/brackets.js";
import { compareResults, type Comparable, type Comparison } from "../src/bench/compare.js";
import type { Measurement } from "../src/bench/measure.js";
import { planSizes, resolvePlan } from "../src/bench/plan.js";
import { renderComparison, renderReport } from "../src/bench/render.js";
import { pairedSpeedup } from "../src/bench/pairedSpeedup.js";
import { baselineResult, REPORT_FORMAT, scalingReport, targetChecks, type BenchReport } from "../src/bench/report.js";
import { saveResult } from "../src/bench/saved.js";
import { runCli, tempDir } from "./helpers.js";

/** A result with the given calibrated ratios and one margin of error (percent) for every mean. */
function result(ratios: Record<string, number>, rme = 2): Comparable {
  return { suites: Object.entries(ratios).map(([name, vsCalibration]) => ({ name, vsCalibration, rme, calibration: { rme } })) };
}

describe("the regression gate (compareResults)", () => {
  const base = result({ generate: 0.03, engines: 0.015, "markov-solve": 0.028 });

  it("passes a result compared with itself", () => {
    const c = compareResults(base, base, 25);
    expect(c.failed).toBe(false);
    expect(c.rows.map((r) => r.verdict)).toEqual(["ok", "ok", "ok"]);
  });

  it("fails when the baseline was twice as fast, naming only the suite that dropped", () => {
    const doctored = result({ generate: 0.06, engines: 0.015, "markov-solve": 0.028 });
    const c = compareResults(doctored, base, 25);
    expect(c.failed).toBe(true);
    expect(c.rows.find((r) => r.suite === "generate")).toMatchObject({ verdict: "regressed", change: -0.5 });
    expect(c.rows.filter((r) => r.verdict === "regressed")).toHaveLength(1);
  });

  it("widens the allowed drop by the combined noise of both runs, up to half the threshold", () => {
    const now = result({ generate: 0.0201 });
    // A 33 % drop: beyond 25 % + the noise of four 2 % margins (4 %), within 25 % + four 5 % margins (10 %).
    const quiet = compareResults(result({ generate: 0.03 }), now, 25);
    expect(quiet.rows[0]).toMatchObject({ verdict: "regressed", noiseCapped: false });
    expect(quiet.rows[0]!.noise).toBeCloseTo(0.04, 10);
    const noisy = compareResults(result({ generate: 0.03 }, 5), result({ generate: 0.0201 }, 5), 25);
    expect(noisy.rows[0]).toMatchObject({ verdict: "slower, within noise", noiseCapped: false });
    expect(noisy.rows[0]!.allowedDrop).toBeCloseTo(0.35, 10);
    expect(noisy.failed).toBe(false);
    // Four 15 % margins (30 % of noise) widen it by 12.5 % only: still within, at 37.5 %.
    const noisier = compareResults(result({ generate: 0.03 }, 15), result({ generate: 0.0201 }, 15), 25);
    expect(noisier.rows[0]).toMatchObject({ verdict: "slower, within noise", noiseCapped: true });
    expect(noisier.rows[0]!.noise).toBeCloseTo(0.3, 10);
    expect(noisier.rows[0]!.allowedDrop).toBeCloseTo(0.375, 10);
  });

  it("fails a 2× slowdown however noisy the samples: noise widens the allowed drop by at most half the threshold", () => {
    const c = compareResults(result({ generate: 0.03 }, 30), result({ generate: 0.015 }, 30), 25);
    expect(c.rows[0]).toMatchObject({ change: -0.5, verdict: "regressed", noiseCapped: true });
    // The raw noise (four 30 % margins in quadrature) is still reported.
    expect(c.rows[0]!.noise).toBeCloseTo(0.6, 10);
    expect(c.rows[0]!.allowedDrop).toBeCloseTo(0.375, 10);
    expect(c.failed).toBe(true);
    expect(renderComparison(c, "old.json")).toMatch(/-37\.5 % \(noise capped\)\s+regressed/);
  });

  it("reports faster suites and leaves suites found in one result only unjudged", () => {
    const c = compareResults(result({ generate: 0.03, "arrow-write": 0.02 }), result({ generate: 0.05, engines: 0.01 }), 25);
    expect(c.rows).toEqual([expect.objectContaining({ suite: "generate", verdict: "faster" })]);
    expect(c.unmatched.sort()).toEqual(["arrow-write", "engines"]);
    expect(c.failed).toBe(false);
  });

  it("judges a gain as it judges a drop: within the noise it is 'faster, within noise', not 'faster'", () => {
    // +30 % against a 25 % threshold: beyond it, but not beyond 25 % plus 12.5 % of (capped) noise.
    const noisy = compareResults(result({ generate: 0.03 }, 30), result({ generate: 0.039 }, 30), 25);
    expect(noisy.rows[0]).toMatchObject({ verdict: "faster, within noise" });
    expect(compareResults(result({ generate: 0.03 }, 1), result({ generate: 0.039 }, 1), 25).rows[0]).toMatchObject({ verdict: "faster" });
    expect(noisy.failed).toBe(false);
  });
});

describe("calibration brackets", () => {
  const cal = (perSecond: number, rme: number): Measurement => ({ samples: 100, meanMs: 1, sdMs: 0.1, rme, unitsPerOp: perSecond / 1000, perSecond });

  it("average the calibrations before and after a suite and widen the margin by the drift between them", () => {
    const steady = bracket(cal(100e6, 3), cal(100e6, 4));
    expect(steady.perSecond).toBe(100e6);
    expect(steady.rme).toBeCloseTo(2.5, 10);
    const drifting = bracket(cal(80e6, 3), cal(120e6, 4));
    expect(drifting.perSecond).toBe(100e6);
    expect(drifting.rme).toBeCloseTo(Math.hypot(2.5, 20), 10);
  });
});

describe("bench plans", () => {
  it("run every suite in full, leave scaling out of --quick unless named, and always try 1 and 2 workers", () => {
    expect(resolvePlan(false, undefined, 1).suites).toContain("scaling");
    expect(resolvePlan(true, undefined, 8).suites).not.toContain("scaling");
    expect(resolvePlan(true, ["scaling", "generate"], 8).suites).toEqual(["generate", "scaling"]);
    expect(resolvePlan(false, undefined, 1).scaling.workers).toEqual([1, 2]);
    expect(resolvePlan(false, undefined, 4).scaling.workers).toEqual([1, 2, 4]);
  });
});

describe("zhongcao bench (CLI)", () => {
  const dir = tempDir("zhongcao-bench-test-");
  afterAll(() => dir.cleanup());
  const saved = join(dir.path, "markov.json");
  const quick = ["bench", "--quick", "--suite", "markov-solve"];
  let badFiles = 0;

  it("saves a quick result, passes against itself, exits 3 against a copy doctored to be 2× faster, and says when a saved result comes from another machine", async () => {
    const first = await runCli([...quick, "--save", saved]);
    // A line per stage on stderr, also when it is not a terminal (a CI log).
    expect(first.stderr).toBe("bench: fixture…\nbench: calibration…\nbench: naive-baseline…\nbench: calibration…\nbench: markov-solve…\nbench: calibration…\n");
    expect(first.code).toBe(0);
    const report = JSON.parse(readFileSync(saved, "utf8")) as { suites: { name: string; samples: number; perSecond: number; vsCalibration: number; meanMs: number; calibration: { perSecond: number } }[] };
    expect(report.suites.map((s) => s.name)).toEqual(["markov-solve"]);
    expect(report.suites[0]!.samples).toBeGreaterThan(1);
    // Paths a second have no ratio to the naive baseline's events a second.
    expect(report.suites[0]).toMatchObject({ unit: "paths", vsBaseline: null });

    const again = await runCli([...quick, "--compare", saved, "--quiet"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
    expect(again.stdout).toMatch(/markov-solve .* (ok|faster|faster, within noise|slower, within noise)\n/);

    const doctored = join(dir.path, "doctored.json");
    for (const s of report.suites) Object.assign(s, { perSecond: 2 * s.perSecond, vsCalibration: 2 * s.vsCalibration, meanMs: s.meanMs / 2 });
    writeFileSync(doctored, JSON.stringify(report));
    // At the default threshold: noise widens the allowed drop to 37.5 % at most, short of 50 %.
    const gated = await runCli([...quick, "--compare", doctored]);
    expect(gated.code).toBe(3);
    expect(gated.stdout).toMatch(/markov-solve .* regressed\n/);
    expect(gated.stderr).toMatch(/markov-solve regressed/);

    // A file saved where the calibration loop ran a third as fast: another machine, said on stderr.
    const elsewhere = join(dir.path, "elsewhere.json");
    const original = JSON.parse(readFileSync(saved, "utf8")) as { calibration: { perSecond: number } };
    original.calibration.perSecond /= 3;
    writeFileSync(elsewhere, JSON.stringify(original));
    const moved = await runCli([...quick, "--compare", elsewhere, "--quiet"]);
    expect(moved.stderr).toMatch(/the calibration loop ran [2-4]\.\d\d× as fast as when .*elsewhere\.json was saved: another machine/);
  });

  it.each([
    ["a missing file", null, /no such file or directory/],
    ["a file that is not JSON", "{ nope", /not JSON/],
    ["JSON that is not a bench result", JSON.stringify({ tool: "zhongcao", suites: 3 }), /not a zhongcao bench result[\s\S]*suites: /],
    [
      "a result with a single sample",
      JSON.stringify({ ...minimal(), suites: [{ name: "generate", vsCalibration: 1, calibration: { rme: 1, perSecond: 1 }, samples: 1, rme: 0, perSecond: 1 }] }),
      /several samples/,
    ],
    [
      "a result listing one suite twice",
      JSON.stringify({ ...minimal(), suites: [1, 2].map((perSecond) => ({ name: "markov-solve", vsCalibration: perSecond, calibration: { rme: 1, perSecond: 1 }, samples: 5, rme: 1, perSecond })) }),
      /suites\.1\.name: suite "markov-solve" is listed more than once/,
    ],
    [
      // A ratio that does not follow from its figures could make the gate pass whatever was measured.
      "a result whose calibrated ratio is not its figures' ratio",
      JSON.stringify({ ...minimal(), suites: [{ name: "markov-solve", vsCalibration: 1e-300, calibration: { rme: 1, perSecond: 1e8 }, samples: 5, rme: 1, perSecond: 3e6 }] }),
      /suites\.0\.vsCalibration: 1e-300 is not perSecond ÷ calibration\.perSecond \(0\.03\)/,
    ],
  ])("exits 2 before timing anything when --compare names %s", async (_what, content, message) => {
    const file = join(dir.path, `bad-${++badFiles}.json`);
    if (content !== null) writeFileSync(file, content);
    const r = await runCli([...quick, "--compare", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("rejects an unknown suite with exit 2", async () => {
    const r = await runCli(["bench", "--suite", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope/);
  });

  it("times the columnar attribution against the naive baseline doing the same work", async () => {
    // The naive baseline's report is checked equal to the engine's before timing: a
    // difference fails the whole bench, so exit 0 also says the two agreed.
    const r = await runCli(["bench", "--quick", "--suite", "attribution", "--json"]);
    expect(r.code).toBe(0);
    const { report } = JSON.parse(r.stdout) as { report: BenchReport };
    expect(report.suites.map((s) => s.name)).toEqual(["attribution"]);
    expect(report.suites[0]!.perSecond).toBeGreaterThan(0);
    expect(report.suites[0]!.vsBaseline).toBeCloseTo(report.suites[0]!.vsCalibration / report.baseline.vsCalibration, 9);
  });

  it("rejects --threshold without --compare with exit 2, instead of ignoring it", async () => {
    const r = await runCli([...quick, "--threshold", "5"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--threshold applies only with --compare");
    expect(r.stdout).toBe("");
  });

  it.each([
    [["--threshold", "67", "--compare", saved], "--threshold must be an integer in [1, 66], got '67'"],
    [["--save", `${join(dir.path, "not-yet")}/`], "ends in a separator, so it names a directory; name a file"],
  ])("exits 2 before timing on %j (a gate that could never fail, a --save that names a directory)", async (flags, message) => {
    const r = await runCli([...quick, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
  });

  const suite = (name: string) => ({ name, vsCalibration: 1e-9, calibration: { rme: 1, perSecond: 1e9 }, samples: 10, rme: 1, perSecond: 1 });
  const savedWith = (names: string[], quickRun = true) => JSON.stringify({ ...minimal(quickRun), suites: names.map(suite) });

  it.each([
    ["a suite it measures is missing", ["--quick", "--suite", "markov-solve"], savedWith(["generate"]), /no saved result for markov-solve,/],
    [
      "the default suites are run and one is missing (scaling is not compared)",
      ["--quick", "--suite", "end-to-end", "scaling", "generate"],
      savedWith(["generate", "engines", "arrow-write", "markov-solve"]),
      /no saved result for end-to-end, which/,
    ],
    ["only scaling is run (the gate does not compare it)", ["--quick", "--suite", "scaling"], savedWith(["generate"]), /does not compare scaling/],
    ["the baseline is --quick and this run is not", ["--suite", "markov-solve"], savedWith(["markov-solve"]), /measured with --quick, this run without --quick \(full size\)/],
    ["the baseline is full-size and this run is --quick", ["--quick", "--suite", "markov-solve"], savedWith(["markov-solve"], false), /measured without --quick \(full size\), this run with --quick/],
    [
      "the baseline was measured at other sizes",
      ["--quick", "--suite", "markov-solve"],
      JSON.stringify({ ...JSON.parse(savedWith(["markov-solve"])), sizes: { ...planSizes(resolvePlan(true, undefined, 2)), endToEnd: { users: 2000, days: 10 } } }),
      /measured at other sizes .*"endToEnd":\{"users":2000,"days":10\}/,
    ],
    [
      "the baseline is in another report format",
      ["--quick", "--suite", "markov-solve"],
      JSON.stringify({ ...JSON.parse(savedWith(["markov-solve"])), format: 1 }),
      new RegExp(`written in bench report format 1; this build reads format ${REPORT_FORMAT} \\(a result of another zhongcao version: record a new one with this build\\)`),
    ],
  ])("exits 2 before timing anything when %s", async (_what, args, content, message) => {
    const file = join(dir.path, `baseline-${++badFiles}.json`);
    writeFileSync(file, content);
    const r = await runCli(["bench", ...args, "--compare", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(file);
    expect(r.stdout).toBe("");
  });

  it.each([
    ["names an existing directory", () => dir.path, /--save .*: is a directory/],
    ["is empty", () => "", /--save: empty path/],
    ["is under a file", () => join(dir.path, "plain-file", "x.json"), /plain-file is not a directory/],
    // No file can be made in /proc, whoever runs the test (root included).
    ["cannot be written", () => "/proc/zhongcao-bench.json", /--save \/proc\/zhongcao-bench\.json: cannot be written/],
    ["is a link to nothing", () => join(dir.path, "dangling.json"), /--save .*dangling\.json: a link to nothing/],
    ["is a FIFO", () => join(dir.path, "fifo.json"), /--save .*fifo\.json: not a regular file \(a FIFO\)/],
    ["is a device", () => "/dev/full", /--save \/dev\/full: not a regular file \(a device or socket\)/],
    ["has a name too long for the file system", () => join(dir.path, "x".repeat(300)), /cannot be written \(ENAMETOOLONG\)/],
  ])("exits 2 before timing anything when --save %s", async (_what, path, message) => {
    writeFileSync(join(dir.path, "plain-file"), "");
    if (!existsSync(join(dir.path, "fifo.json"))) execFileSync("mkfifo", [join(dir.path, "fifo.json")]);
    if (!lstatSync(join(dir.path, "dangling.json"), { throwIfNoEntry: false })) symlinkSync(join(dir.path, "nowhere", "x.json"), join(dir.path, "dangling.json"));
    const r = await runCli([...quick, "--save", path()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("refuses to save over the --compare file (a failed gate would replace the baseline it failed against), and --compare of a FIFO or a device", async () => {
    const file = join(dir.path, "judged.json");
    writeFileSync(file, savedWith(["markov-solve"]));
    const same = await runCli([...quick, "--compare", file, "--save", join(dir.path, ".", "judged.json")]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("is the --compare file; a run judged against a baseline must not overwrite it");
    expect(readFileSync(file, "utf8")).toBe(savedWith(["markov-solve"]));
    for (const [path, what] of [[join(dir.path, "fifo.json"), "a FIFO"], ["/dev/zero", "a device or socket"]] as const) {
      const r = await runCli([...quick, "--compare", path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`zhongcao: --compare ${path}: not a regular file (${what})\n`);
    }
  });

  it("saves by rename: a failed write leaves the earlier file whole, and a link to a file stays a link", async () => {
    const report = JSON.parse(savedWith(["markov-solve"])) as BenchReport;
    const file = join(dir.path, "kept.json");
    writeFileSync(file, "earlier\n");
    // The temp name taken by a directory: the write fails where a full disk would.
    mkdirSync(join(dir.path, `.zhongcao-save-${process.pid}.tmp`));
    await expect(saveResult(file, report)).rejects.toThrow(/EISDIR/);
    expect(readFileSync(file, "utf8")).toBe("earlier\n");
    rmSync(join(dir.path, `.zhongcao-save-${process.pid}.tmp`), { recursive: true });
    const link = join(dir.path, "link.json");
    symlinkSync(file, link);
    await saveResult(link, report);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(report);
    // The temp name is short: a name at the file system's limit saves too.
    const longest = join(dir.path, `${"n".repeat(250)}.json`);
    await saveResult(longest, report);
    expect(JSON.parse(readFileSync(longest, "utf8"))).toEqual(report);
  });

  it("keeps an earlier file's permission bits when it saves over it, and a new file takes the default", async () => {
    const report = JSON.parse(savedWith(["markov-solve"])) as BenchReport;
    const file = join(dir.path, "private.json");
    writeFileSync(file, "earlier\n");
    chmodSync(file, 0o600);
    await saveResult(file, report);
    expect(statSync(file).mode & 0o7777).toBe(0o600);
    chmodSync(file, 0o664);
    await saveResult(file, report);
    expect(statSync(file).mode & 0o7777).toBe(0o664);
    const fresh = join(dir.path, "fresh.json");
    await saveResult(fresh, report);
    expect(statSync(fresh).mode & 0o7777).toBe(0o666 & ~process.umask());
  });

  it("--json prints one JSON document, { report, comparison }, and nothing else on stdout", async () => {
    // A baseline with more suites than this run measures: comparing a subset is fine.
    const file = join(dir.path, "superset.json");
    writeFileSync(file, savedWith(["generate", "markov-solve"]));
    const r = await runCli([...quick, "--json", "--compare", file]);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("\n")).toBe(true);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    const doc = JSON.parse(r.stdout) as { report: BenchReport; comparison: Comparison };
    expect(Object.keys(doc).sort()).toEqual(["comparison", "report"]);
    expect(doc.report.suites.map((s) => s.name)).toEqual(["markov-solve"]);
    expect(doc.comparison.rows).toEqual([expect.objectContaining({ suite: "markov-solve", verdict: "faster" })]);
    expect(doc.comparison.unmatched).toEqual(["generate"]);
    // What --json printed serves as a saved result: its report is what --save writes.
    const printed = join(dir.path, "printed.json");
    writeFileSync(printed, r.stdout);
    const again = await runCli([...quick, "--compare", printed]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/markov-solve .* (ok|faster|faster, within noise|slower, within noise)\n/);
  });
});

describe("zhongcao bench, Ctrl-C", () => {
  const dir = tempDir("zhongcao-bench-sigint-");
  afterAll(() => dir.cleanup());

  /**
   * The built CLI timing end-to-end, with an OS temp directory of its own so that what it
   * leaves there is its alone; resolves once end-to-end's scratch directory exists inside
   * the bench's (the suite is running).
   */
  async function startBench(name: string) {
    const tmp = join(dir.path, name);
    mkdirSync(tmp);
    const child = spawn(process.execPath, ["bin/zhongcao.js", "bench", "--quick", "--suite", "end-to-end"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TMPDIR: tmp, TEMP: tmp, TMP: tmp },
    });
    const output = { stderr: "" };
    child.stderr.on("data", (c: Buffer) => (output.stderr += c.toString()));
    let done = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => {
        done = true;
        resolve({ code, signal });
      }),
    );
    const nested = () => readdirSync(tmp).some((d) => readdirSync(join(tmp, d)).length > 0);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        let found = false;
        try {
          found = nested();
        } catch {
          // Removed between the two reads.
        }
        if (found || done) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    expect(done).toBe(false);
    return { child, output, exited, leftovers: () => readdirSync(tmp) };
  }

  it("stops when the current stage ends, exits 1 and leaves no scratch directory", async () => {
    const bench = await startBench("once");
    bench.child.kill("SIGINT");
    expect(await bench.exited).toEqual({ code: 1, signal: null });
    expect(bench.output.stderr).toContain("interrupted");
    expect(bench.leftovers()).toEqual([]);
  }, 120_000);

  it("a second Ctrl-C stops at once, by the signal, and still leaves no scratch directory", async () => {
    const bench = await startBench("twice");
    bench.child.stderr.on("data", () => {
      if (bench.output.stderr.includes("Ctrl-C again")) bench.child.kill("SIGINT");
    });
    bench.child.kill("SIGINT");
    expect((await bench.exited).signal).toBe("SIGINT");
    expect(bench.output.stderr).toContain("stopped at once");
    expect(bench.leftovers()).toEqual([]);
  }, 120_000);
});

describe("runBench", () => {
  it("honours a stop asked for during the closing calibration: it throws instead of returning a report", async () => {
    const { runBench } = await import("../src/bench/runBench.js");
    const tiny = resolvePlan(true, ["markov-solve"], 2);
    const plan = {
      ...tiny,
      fixture: { users: 50, days: 2 },
      sampling: { warmups: 0, iterations: 1, timeMs: 0 },
      calibration: { warmups: 0, iterations: 1, timeMs: 0 },
      markov: { paths: 50, channels: 3 },
    };
    const controller = new AbortController();
    const stages: string[] = [];
    const scratch = tempDir();
    const finished = runBench(plan, {
      scratch: scratch.path,
      signal: controller.signal,
      // Calibrations: before the baseline, after it, after markov-solve (the last stage).
      onStage: (stage) => {
        stages.push(stage);
        if (stages.filter((s) => s === "calibration").length === 3) controller.abort(new Error("interrupted"));
      },
    });
    await expect(finished).rejects.toThrow("interrupted");
    expect(stages).toEqual(["fixture", "calibration", "naive-baseline", "calibration", "markov-solve", "calibration"]);
    scratch.cleanup();
  });
});

describe("the scaling suite", () => {
  it("takes its samples in rounds with the worker counts in alternating order, and times each count by its own runs", async () => {
    const { scalingSuite } = await import("../src/bench/suites/scaling.js");
    const dir = tempDir("zhongcao-scaling-");
    const calls: string[] = [];
    try {
      // A machine that slows down as the suite goes on: each run takes a second longer than the last.
      const result = await scalingSuite({ size: { users: 5_000, days: 2 }, samples: 3, workers: [1, 2], flatness: { users: 100, days: 1 } }, dir.path, (size, workers) => {
        calls.push(`${workers}w/${size.days}d`);
        const seconds = (workers === 1 ? 10 : 5) + calls.length;
        return Promise.resolve({ seconds, processSeconds: seconds + 1, cpuSeconds: seconds * workers, events: 1_000, peakRssBytes: workers * 100 * size.days, v8HelperThreads: workers === 1 });
      });
      expect(calls).toEqual(["1w/2d", "2w/2d", "2w/2d", "1w/2d", "1w/2d", "2w/2d", "1w/1d", "1w/10d"]);
      const [one, two] = result.runs;
      // 1 worker ran 1st, 4th and 5th: 11, 14, 15 s; 2 workers 2nd, 3rd and 6th: 7, 8, 11 s.
      expect(one).toMatchObject({ workers: 1, samples: 3, meanMs: 40_000 / 3, processSeconds: 43 / 3, peakRssBytes: 200, v8HelperThreads: true });
      expect(two).toMatchObject({ workers: 2, samples: 3, meanMs: 26_000 / 3, processSeconds: 29 / 3, cpuSeconds: 52 / 3, v8HelperThreads: false });
      // Each count's seconds in round order, so the report can pair them round by round.
      expect(one!.roundSeconds).toEqual([11, 14, 15]);
      expect(two!.roundSeconds).toEqual([7, 8, 11]);
      expect(result.flatness).toMatchObject({ days: [1, 10], peakRssBytes: [100, 1_000], ratio: 10 });
    } finally {
      dir.cleanup();
    }
  });
});

describe("the scaling report", () => {
  const timing = (meanMs: number, unitsPerOp: number): Measurement => ({ samples: 3, meanMs, sdMs: 1, rme: 1, unitsPerOp, perSecond: (unitsPerOp * 1000) / meanMs });
  const calibration = { perSecond: 1e8, rme: 1 };
  const baseline = baselineResult(timing(10, 10_000), calibration);
  const scaling = scalingReport(
    {
      users: 100_000,
      days: 30,
      runs: [
        { ...timing(20_000, 1e7), workers: 1, peakRssBytes: 400 * 2 ** 20, cpuSeconds: 27, v8HelperThreads: true, processSeconds: 22, roundSeconds: [20, 20, 20] },
        // A slow spell in round 3 fell on the two-worker run alone.
        { ...timing(12_500, 1e7), workers: 2, peakRssBytes: 600 * 2 ** 20, cpuSeconds: 25, v8HelperThreads: false, processSeconds: 16, roundSeconds: [10, 10, 17.5] },
      ],
      flatness: { users: 10_000, days: [10, 100], events: [1, 10], peakRssBytes: [100, 110], ratio: 1.1 },
    },
    calibration,
    baseline,
  );

  it("gives each worker count its speed-up over one worker and how many cores its process kept busy", () => {
    expect(scaling.rows.map((r) => r.speedup)).toEqual([1, 1.6]);
    expect(scaling.rows.map((r) => r.processSpeedup)).toEqual([1, 22 / 16]);
    const report: BenchReport = {
      tool: "zhongcao",
      version: "0",
      format: REPORT_FORMAT,
      date: "2026-01-01T00:00:00.000Z",
      quick: false,
      sizes: planSizes(resolvePlan(false, undefined, 2)),
      machine: { cpu: "x", cores: 2, node: "v20", platform: "linux", arch: "x64", memoryBytes: 1 },
      calibration: { ...timing(1, 100_000), unit: "rows" },
      baseline,
      suites: [],
      scaling,
      targets: targetChecks([], scaling),
    };
    const lines = renderReport(report).split("\n");
    const row = (workers: string) => lines.find((l) => l.startsWith(`${workers} `))!.trim().split(/\s{2,}/);
    // … speed-up, paired speed-up (interval), process s, process speed-up, CPU s, cores busy (CPU s ÷ wall), peak RSS, V8 helper threads
    expect(row("1").slice(-8)).toEqual(["1.00×", "1.00× (1.00–1.00)", "22.0", "1.00×", "27.0", "1.35", "400 MiB", "on"]);
    const pairedText = `${paired.mean.toFixed(2)}× (${paired.low.toFixed(2)}–${paired.high.toFixed(2)})`;
    expect(row("2").slice(-8)).toEqual(["1.60×", pairedText, "16.0", "1.38×", "25.0", "2.00", "600 MiB", "off"]);
    const target = lines.find((l) => l.startsWith("2 workers ÷ 1, paired by round"))!.trim().split(/\s{2,}/);
    expect(target.slice(1)).toEqual([`${paired.mean.toPrecision(3)} (${paired.low.toFixed(2)}–${paired.high.toFixed(2)})`, "≥ 1.7", "MISSED"]);
    expect(lines.some((l) => l.startsWith("targets at --quick sizes"))).toBe(false);
    // At quick sizes the same figures are said to be indicative only.
    expect(renderReport({ ...report, quick: true })).toContain("targets at --quick sizes (indicative only: the targets are judged by a full run, without --quick)");
  });

  // Rounds 1 and 2 ran 2× faster on two workers, round 3 20/17.5 faster: the geometric mean of the three ratios.
  const logs = [Math.log(2), Math.log(2), Math.log(20 / 17.5)];
  const logMean = (logs[0]! + logs[1]! + logs[2]!) / 3;
  const logSd = Math.sqrt(logs.reduce((sum, l) => sum + (l - logMean) ** 2, 0) / 2);
  const t975df2 = 4.302652729749464;
  const paired = scaling.rows[1]!.pairedSpeedup;

  it("pairs each round's two-worker run with its one-worker run: the geometric mean of the rounds' speed-ups, with a 95 % t interval", () => {
    expect(paired.mean).toBeCloseTo(Math.cbrt((2 * 2 * 20) / 17.5), 12);
    expect(paired.mean).not.toBeCloseTo(1.6, 2); // not the ratio of means
    expect(paired.low).toBeCloseTo(Math.exp(logMean - (t975df2 * logSd) / Math.sqrt(3)), 9);
    expect(paired.high).toBeCloseTo(Math.exp(logMean + (t975df2 * logSd) / Math.sqrt(3)), 9);
    expect(paired.n).toBe(3);
    expect(scaling.rows[0]!.pairedSpeedup).toEqual({ mean: 1, low: 1, high: 1, n: 3 });
  });

  it("checks the two-worker target on the paired speed-up too, its interval beside it", () => {
    const check = targetChecks([], scaling).find((c) => c.name === "2 workers ÷ 1, paired by round")!;
    expect(check).toMatchObject({ value: paired.mean, target: "≥ 1.7", met: false, interval: { low: paired.low, high: paired.high } });
    const one = pairedSpeedup([30], [15]);
    expect(one.mean).toBeCloseTo(2, 12);
    expect([one.low, one.high]).toEqual([Number.NaN, Number.NaN]);
    // Pairs are made by position: rounds missing on one side would pair the wrong runs.
    expect(() => pairedSpeedup([10, 20, 30], [5])).toThrow("pairedSpeedup: 3 and 1 rounds; pairing needs the same rounds, at least one");
    expect(() => pairedSpeedup([], [])).toThrow(/at least one/);
  });
});

function minimal(quickRun = true) {
  return {
    tool: "zhongcao",
    format: REPORT_FORMAT,
    date: "2026-01-01T00:00:00.000Z",
    quick: quickRun,
    sizes: planSizes(resolvePlan(quickRun, undefined, 2)),
    machine: { cpu: "x", cores: 2, node: "v20" },
    calibration: { samples: 10, rme: 1, perSecond: 1e8 },
  };
}
