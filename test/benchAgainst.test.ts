import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { pooledRuns } from "../src/bench/against.js";
import { runCli, tempDir } from "./helpers.js";

const suite = (name: string, vsCalibration: number, rme: number, calibrationRme = 0) => ({ name, vsCalibration, rme, calibration: { rme: calibrationRme } });

describe("pooling one build's runs (pooledRuns)", () => {
  it("takes the geometric mean of the runs' calibrated ratios", () => {
    const pooled = pooledRuns([{ suites: [suite("generate", 0.01, 1)] }, { suites: [suite("generate", 0.04, 1)] }]);
    expect(pooled.suites[0]!.vsCalibration).toBeCloseTo(0.02, 12);
  });

  it("takes as margin the runs' own margins pooled, or half the spread between runs when that is larger", () => {
    // Equal ratios: the margins of suite (3 %) and calibration (4 %) in quadrature, 5 % a run, pooled over two runs.
    const steady = pooledRuns([{ suites: [suite("engines", 0.02, 3, 4)] }, { suites: [suite("engines", 0.02, 3, 4)] }]);
    expect(steady.suites[0]!.rme).toBeCloseTo(Math.sqrt(50) / 2, 12);
    // Runs 0.018 and 0.022 apart: ±10 % around their mean beats the 0.5 % of their own margins.
    const moved = pooledRuns([{ suites: [suite("engines", 0.018, 0.5)] }, { suites: [suite("engines", 0.022, 0.5)] }]);
    expect(moved.suites[0]!.rme).toBeCloseTo((100 * 0.002) / Math.sqrt(0.018 * 0.022), 12);
    expect(moved.suites[0]!.calibration.rme).toBe(0);
  });

  it("leaves out a suite that some run lacks", () => {
    const pooled = pooledRuns([{ suites: [suite("generate", 0.01, 1), suite("engines", 0.01, 1)] }, { suites: [suite("generate", 0.01, 1)] }]);
    expect(pooled.suites.map((s) => s.name)).toEqual(["generate"]);
  });
});

/**
 * A stand-in for another zhongcao build: it runs this build's bench and edits what it
 * prints (a build whose markov-solve is 2× faster, or one measuring other sizes).
 */
function fakeBuild(root: string, name: string, edit: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "bin"), { recursive: true });
  mkdirSync(join(dir, "dist", "cli"), { recursive: true });
  writeFileSync(join(dir, "dist", "cli", "main.js"), "");
  const real = resolve("bin/zhongcao.js");
  writeFileSync(
    join(dir, "bin", "zhongcao.js"),
    `import { execFileSync } from "node:child_process";
const printed = JSON.parse(execFileSync(process.execPath, [${JSON.stringify(real)}, ...process.argv.slice(2)], { encoding: "utf8" }));
const report = printed.report;
${edit}
process.stdout.write(JSON.stringify(printed) + "\\n");
`,
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  return dir;
}

describe("zhongcao bench --against --processes (CLI)", () => {
  const dir = tempDir("zhongcao-bench-against-");
  afterAll(() => dir.cleanup());
  const quick = ["bench", "--quick", "--suite", "markov-solve", "--processes", "--rounds", "1"];

  it("passes against this very build, timed alternately, and prints every run", async () => {
    const r = await runCli([...quick, "--against", "."]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("bench: reference build, run 1 of 2…\nbench: this build, run 2 of 2…\n");
    expect(r.stdout).toMatch(/in the order reference, this\n/);
    expect(r.stdout).toMatch(/markov-solve .* (ok|faster|faster, within noise|slower, within noise)\n/);
  }, 120_000);

  // Four times, not two: with other test files loading the machine, one run's calibrated
  // ratio can move by a third, and a doctored 2× then lands near the failing line.
  it("exits 3 against a build four times as fast, naming the suite", async () => {
    const faster = fakeBuild(dir.path, "faster", "for (const s of report.suites) { s.vsCalibration *= 4; s.perSecond *= 4; }");
    const r = await runCli([...quick, "--against", faster, "--json"]);
    expect(r.code).toBe(3);
    const printed = JSON.parse(r.stdout) as { runs: { order: string[] }; comparison: { rows: { suite: string; verdict: string; change: number }[] } };
    expect(printed.runs.order).toEqual(["reference", "current"]);
    expect(printed.comparison.rows).toEqual([expect.objectContaining({ suite: "markov-solve", verdict: "regressed" })]);
    expect(printed.comparison.rows[0]!.change).toBeLessThan(-0.5);
    expect(r.stderr).toMatch(/markov-solve regressed beyond 25 % \+ noise against build /);
  }, 120_000);

  it("refuses a reference that measures other sizes after the first pair, with exit 2", async () => {
    const other = fakeBuild(dir.path, "other-sizes", "report.sizes.markov.paths = 5;");
    const r = await runCli([...quick.slice(0, -2), "--rounds", "3", "--against", other, "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the reference build measures other sizes \(.*"paths":5/);
  }, 120_000);

  it("refuses, with exit 2, a reference that measured none of this build's suites: a gate that compared nothing does not pass", async () => {
    const renamed = fakeBuild(dir.path, "renamed", 'for (const s of report.suites) s.name = "retired-suite";');
    const r = await runCli([...quick, "--against", renamed, "--quiet"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--against .*renamed: the two builds measured no suite in common \((markov-solve, retired-suite|retired-suite, markov-solve)\), so nothing was compared/);
  }, 120_000);

  it("fails with exit 1, before timing this build, when the reference prints more than its JSON", async () => {
    const chatty = fakeBuild(dir.path, "chatty", 'process.stdout.write("warming up\\n");');
    const r = await runCli([...quick, "--against", chatty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bench --json printed something other than one JSON document[\s\S]*warming up/);
    expect(r.stderr).not.toMatch(/this build, run/);
  }, 120_000);

  it.skipIf(process.platform !== "linux").each([
    ["in processes", quick, "run 1 of 2"],
    ["in one process, in halves", quick.filter((a) => a !== "--processes" && a !== "--rounds" && a !== "1"), "half 1 of 2"],
  ])("SIGTERM to the gate alone also ends the bench it started (%s)", async (_, flags, startedLine) => {
    // Every process of this gate carries the mark in its environment, children included.
    const mark = `against-${process.pid}-${Date.now()}`;
    const gate = spawn(process.execPath, ["bin/zhongcao.js", ...flags, "--against", "."], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ZHONGCAO_TEST_MARK: mark } });
    let stderr = "";
    const started = new Promise<void>((resolve) =>
      gate.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes(startedLine)) resolve();
      }),
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => gate.on("exit", (_, signal) => resolve(signal)));
    await started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    gate.kill("SIGTERM");
    expect(await exited).toBe("SIGTERM");
    // The children get the signal as the gate goes; they may take a moment to exit.
    for (let waited = 0; waited < 10_000 && processesMarked(mark).length > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMarked(mark)).toEqual([]);
  }, 120_000);

  it.each([
    ["a directory with no build", ["--against", "nowhere"], /--against nowhere: no zhongcao build there/],
    ["--against with --compare", ["--against", ".", "--compare", "x.json"], /choose one/],
    ["--against with --save", ["--against", ".", "--save", "x.json"], /does not apply with --against/],
    ["--rounds without --against", ["--rounds", "2"], /--rounds applies only with --against DIR --processes/],
    ["--rounds without --processes", ["--against", ".", "--rounds", "2"], /--rounds applies only with --against DIR --processes/],
    ["--processes without --against", ["--processes"], /--processes applies only with --against DIR/],
    ["--half without --against", ["--half", "this"], /--half applies only with --against DIR/],
    ["--half with --processes", ["--against", ".", "--processes", "--half", "this"], /--half does not apply with --processes/],
    ["--rounds 0", ["--against", ".", "--processes", "--rounds", "0"], /--rounds/],
    ["scaling alone", ["--against", ".", "--suite", "scaling"], /does not compare scaling/],
  ])("refuses %s with exit 2 before timing anything", async (_, flags, message) => {
    const r = await runCli(["bench", "--quick", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/bench: (this|reference) build/);
  });
});

/**
 * A stand-in for another zhongcao build timed in this process: its dist/bench/paired.js
 * wraps this build's (`real`) with `body`. Its bench CLI prints no JSON, so a gate that
 * fell back to processes would fail on it.
 */
function pairedFake(root: string, name: string, body: string): string {
  const dir = join(root, name);
  for (const sub of ["bin", "dist/cli", "dist/bench"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "dist", "cli", "main.js"), "");
  writeFileSync(join(dir, "bin", "zhongcao.js"), 'process.stdout.write("not a bench\\n");\n');
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const real = pathToFileURL(resolve("dist/bench/paired.js")).href;
  writeFileSync(join(dir, "dist", "bench", "paired.js"), `import * as real from ${JSON.stringify(real)};\n${body}\n`);
  return dir;
}

/** A paired.js whose `pairedOps` edits what the real one returns (`build`). */
const editedOps = (edit: string) => `export const PAIRED_OPS_VERSION = real.PAIRED_OPS_VERSION;
export async function pairedOps(...args) {
  const build = await real.pairedOps(...args);
  ${edit}
}`;

describe("zhongcao bench --against, timed in this process (CLI)", () => {
  const dir = tempDir("zhongcao-bench-paired-");
  afterAll(() => dir.cleanup());
  const quick = ["bench", "--quick", "--suite", "markov-solve"];

  it("passes against this very build, in two halves, and prints each suite's speed with its interval and each half's", async () => {
    const r = await runCli([...quick, "--against", "."]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "bench: half 1 of 2, the reference set up first; both builds in turn, a process of their own…\n" +
        "bench: half 2 of 2, this build set up first; both builds in turn, a process of their own…\n",
    );
    expect(r.stdout).toMatch(/two halves, each a process of its own timing a call of each build per round/);
    expect(r.stdout).toMatch(/markov-solve +\d+ +[\d.]+ +[\d.]+ +[-+][\d.]+ % +[-+][\d.]+ % … [-+][\d.]+ % +\d+ % +[-+][\d.]+ % \/ [-+][\d.]+ %\n/);
    expect(r.stdout).toMatch(/speed relative to the reference; fails below −\(20 % \+ noise\)/);
    expect(r.stdout).toMatch(/markov-solve .* (ok|faster|faster, within noise|slower, within noise)\n/);
  }, 120_000);

  it("exits 3 against a build twice as fast, naming the suite", async () => {
    const faster = pairedFake(dir.path, "faster", editedOps("return { ...build, ops: build.ops.map((op) => ({ ...op, units: () => 2 * op.units() })) };"));
    const r = await runCli([...quick, "--against", faster, "--json"]);
    expect(r.code).toBe(3);
    const printed = JSON.parse(r.stdout) as { interleaved: { suite: string; rounds: number; speed: number; halves: number[] }[]; comparison: { rows: { suite: string; verdict: string; change: number }[] } };
    expect(printed.interleaved).toEqual([expect.objectContaining({ suite: "markov-solve" })]);
    expect(printed.interleaved[0]!.rounds).toBeGreaterThanOrEqual(12);
    expect(printed.interleaved[0]!.halves).toHaveLength(2);
    expect(printed.comparison.rows).toEqual([expect.objectContaining({ suite: "markov-solve", verdict: "regressed" })]);
    expect(printed.comparison.rows[0]!.change).toBeLessThan(-0.3);
    expect(r.stderr).toMatch(/markov-solve regressed beyond 20 % \+ noise against build /);
  }, 120_000);

  it.each([
    ["measures other sizes", "return { ...build, sizes: { ...build.sizes, markov: { ...build.sizes.markov, paths: 5 } } };", /the reference build measures other sizes \(.*"paths":5/],
    ["lacks a suite", "return { ...build, ops: [] };", /the reference build has no markov-solve suite; leave it out/],
  ])("refuses a reference that %s with exit 2, in the first half's set-up", async (name, edit, message) => {
    const other = pairedFake(dir.path, name.replace(/ /g, "-"), editedOps(edit));
    const r = await runCli([...quick, "--against", other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/half 2 of 2/);
  }, 60_000);

  it("with no suite named, compares the suites the reference has and lists the others as not compared, as the gate in processes does", async () => {
    const older = pairedFake(dir.path, "fewer-suites", editedOps('return { ...build, ops: build.ops.filter((op) => op.name === "markov-solve") };'));
    const r = await runCli(["bench", "--quick", "--against", older, "--json"]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { interleaved: { suite: string }[]; comparison: { rows: { suite: string }[]; unmatched: string[] } };
    expect(printed.interleaved.map((s) => s.suite)).toEqual(["markov-solve"]);
    expect(printed.comparison.rows.map((row) => row.suite)).toEqual(["markov-solve"]);
    expect(printed.comparison.unmatched).toEqual(["generate", "engines", "attribution", "end-to-end", "arrow-write"]);
  }, 180_000);

  it("refuses a reference whose build cannot be loaded with exit 2, saying how to build it", async () => {
    const broken = pairedFake(dir.path, "broken", 'throw new Error("no packages here");');
    const r = await runCli([...quick, "--against", broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/its build cannot be loaded \(no packages here\); run npm ci && npm run build in it/);
  }, 60_000);

  it.skipIf(process.platform !== "linux").each([
    ["while the half times its rounds", 1000],
    ["while the half is still starting", 0],
  ])("a half stops by itself when its gate is killed outright (SIGKILL) %s", async (_when, afterMs) => {
    const mark = `half-${process.pid}-${Date.now()}`;
    const gate = spawn(process.execPath, ["bin/zhongcao.js", ...quick, "--against", "."], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ZHONGCAO_TEST_MARK: mark } });
    let stderr = "";
    await new Promise<void>((resolve) =>
      gate.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes("half 1 of 2")) resolve();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    // The gate says "half 1" as it starts the half: wait until the half's process is there.
    for (let waited = 0; waited < 5000 && processesMarked(mark).length < 2; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processesMarked(mark).length).toBe(2);
    gate.kill("SIGKILL");
    // The half gives the event loop a turn before every call (a markov solve takes tens of
    // ms), but its set-up (calibration, warm-ups) runs in synchronous stretches of up to ~1 s
    // here. Left alone it would run ~5 s more; it must stop well before that.
    for (let waited = 0; waited < 3000 && processesMarked(mark).length > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMarked(mark)).toEqual([]);
  }, 60_000);

  it("times a reference with another version of the interface in processes, and says so", async () => {
    const older = pairedFake(dir.path, "older", "export const PAIRED_OPS_VERSION = -1;\nexport const pairedOps = real.pairedOps;");
    const r = await runCli([...quick, "--against", older]);
    expect(r.stderr).toMatch(/cannot be timed in one process with this one .* timing each build in processes of its own/);
    // Its CLI prints no bench JSON: the process gate ran it, and failed on it.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bench --json printed something other than one JSON document[\s\S]*not a bench/);
  }, 60_000);
});

/** Pids of live processes whose environment holds ZHONGCAO_TEST_MARK=mark. */
function processesMarked(mark: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(`ZHONGCAO_TEST_MARK=${mark}`)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}
