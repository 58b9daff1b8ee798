import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadScenario } from "../../config/load.js";
import type { RunManifest } from "../../report/manifest.js";
import { mean } from "simple-statistics";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { BenchPlan, RunSize } from "../plan.js";

/** The CLI entry; the same two levels up from src/bench/suites and dist/bench/suites. */
const BIN = fileURLToPath(new URL("../../../bin/zhongcao.js", import.meta.url));

export interface WorkerRun extends Measurement {
  readonly workers: number;
  /** Highest peak RSS over the samples. */
  readonly peakRssBytes: number;
  /** Mean CPU seconds of a run's whole process: workers, V8's helper threads and the main thread. */
  readonly cpuSeconds: number;
  /** Whether the runs had V8's helper threads (run.json's timing.v8HelperThreads). */
  readonly v8HelperThreads: boolean;
  /** Mean wall seconds of the whole process, start-up, relaunch and report.html included. */
  readonly processSeconds: number;
  /** run.json's seconds of each sample, in round order: sample i of every worker count ran in round i. */
  readonly roundSeconds: readonly number[];
}

export interface Flatness {
  readonly users: number;
  readonly days: readonly [number, number];
  readonly events: readonly [number, number];
  readonly peakRssBytes: readonly [number, number];
  /** Peak RSS of the long run ÷ the short one. */
  readonly ratio: number;
}

export interface ScalingResult {
  readonly users: number;
  readonly days: number;
  readonly runs: WorkerRun[];
  readonly flatness: Flatness;
}

export interface ChildRun {
  readonly seconds: number;
  readonly processSeconds: number;
  readonly cpuSeconds: number;
  readonly events: number;
  readonly peakRssBytes: number;
  readonly v8HelperThreads: boolean;
}

/**
 * The command line for a child run. On Linux a child's maxRSS starts at its parent's RSS
 * (the kernel carries the high-water mark through fork and exec), and this process holds
 * the fixture; a shell in between that forks the run rather than exec-ing it (`; exit`)
 * gives the run a mark of its own.
 */
function command(args: readonly string[]): [string, string[]] {
  if (process.platform === "win32") return [process.execPath, [...args]];
  return ["/bin/sh", ["-c", '"$0" "$@"; exit $?', process.execPath, ...args]];
}

/** One `zhongcao run` in its own process, so its peak RSS is its own. */
async function childRun(size: RunSize, workers: number, dir: string): Promise<ChildRun> {
  const out = join(dir, `run-${workers}-${size.days}`);
  const [file, args] = command([BIN, "run", "--users", String(size.users), "--days", String(size.days), "--workers", String(workers), "--out", out, "--json", "--quiet"]);
  try {
    const started = performance.now();
    const { stdout } = await promisify(execFile)(file, args, { maxBuffer: 64 * 2 ** 20 });
    const processSeconds = (performance.now() - started) / 1000;
    const m = JSON.parse(stdout) as RunManifest;
    return { seconds: m.timing.seconds, processSeconds, cpuSeconds: m.timing.cpuSeconds, events: m.events.total, peakRssBytes: m.memory.peakRssBytes, v8HelperThreads: m.timing.v8HelperThreads };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Runs the scenario at `size` with `workers` workers and reports how it went (a child process: `childRun`). */
export type ScalingRunner = (size: RunSize, workers: number, dir: string) => Promise<ChildRun>;

/**
 * End-to-end runs as child processes at each worker count, timed by the run's own
 * run.json (process start-up left out), then RSS flatness: one worker, the same users
 * over 10 × the days. The samples are taken in rounds, the worker counts in alternating
 * order (1, 2, 2, 1, 1, 2, …): a slow spell of the machine, which can last minutes and move a
 * run's time by a third, then falls on every worker count instead of on one count's block.
 */
export async function scalingSuite(plan: BenchPlan["scaling"], scratch: string, run: ScalingRunner = childRun): Promise<ScalingResult> {
  // Enough users that every worker count has a shard of its own.
  const shardUsers = loadScenario().scenario.simulation.shardUsers;
  const users = Math.max(plan.size.users, shardUsers * Math.max(...plan.workers));
  const size = { users, days: plan.size.days };
  const dir = await mkdtemp(join(scratch, "scaling-"));
  try {
    const taken = new Map<number, ChildRun[]>(plan.workers.map((w) => [w, []]));
    for (let round = 0; round < plan.samples; round++) {
      const order = round % 2 === 0 ? plan.workers : [...plan.workers].reverse();
      for (const workers of order) taken.get(workers)!.push(await run(size, workers, dir));
    }
    const runs: WorkerRun[] = [];
    for (const workers of plan.workers) {
      const samples = taken.get(workers)!;
      let next = 0;
      // tinybench's statistics of the runs' own timings, taken above in alternating order
      // (`async: false`, or tinybench would call the task once more to find out).
      const replay = () => ({ overriddenDuration: samples[next++]!.seconds * 1000 });
      const timing = await measure(`scaling-${workers}`, replay, { warmups: 0, iterations: samples.length, timeMs: 0 }, { async: false });
      runs.push({
        ...withUnits(timing, samples[0]!.events),
        workers,
        peakRssBytes: Math.max(...samples.map((r) => r.peakRssBytes)),
        cpuSeconds: mean(samples.map((r) => r.cpuSeconds)),
        v8HelperThreads: samples.at(-1)!.v8HelperThreads,
        processSeconds: mean(samples.map((r) => r.processSeconds)),
        roundSeconds: samples.map((r) => r.seconds),
      });
    }
    const f = plan.flatness;
    const short = await run(f, 1, dir);
    const long = await run({ users: f.users, days: f.days * 10 }, 1, dir);
    const flatness: Flatness = {
      users: f.users,
      days: [f.days, f.days * 10],
      events: [short.events, long.events],
      peakRssBytes: [short.peakRssBytes, long.peakRssBytes],
      ratio: long.peakRssBytes / short.peakRssBytes,
    };
    return { ...size, runs, flatness };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
