import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadScenario } from "../src/config/load.js";
import { VOLATILE_MANIFEST_FIELDS } from "../src/report/manifest.js";
import { runScenario } from "../src/run/runScenario.js";
import { nodeOptionName, v8HelperThreads } from "../src/run/v8Mode.js";
import { planShards } from "../src/run/shardPlan.js";
import { runShardsInPool, ShardPool } from "../src/workers/pool.js";
import { FAIL_SHARD_ENV } from "../src/workers/protocol.js";
import { runCli, tempDir } from "./helpers.js";

const CORES = availableParallelism();

/** Worker threads run the built code, so these tests rely on `npm test`'s build step. */
const SCENARIO = {
  name: "sharded",
  seed: 11,
  simulation: { days: 10, shardUsers: 250 },
  population: { users: 1100 },
  creators: { count: 300 },
  brands: { count: 20 },
  notes: { count: 1000 },
  behaviour: { adLoad: 0.3, adCtr: 0.1 },
  policy: { type: "redcat", redcat: { stores: ["tmall", "jd"], windowDays: 15, minDailyBudgetYuan: 1000, minExperienceScore: 4.2 } },
  experiment: { adHoldoutShare: 0.2 },
};

const dir = tempDir();
const scenarioFile = join(dir.path, "sharded.yaml");
writeFileSync(scenarioFile, stringify(SCENARIO));
afterAll(() => dir.cleanup());

function digest(runDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(runDir, rel), { withFileTypes: true })) {
      const path = join(rel, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".arrow")) out[path] = createHash("sha256").update(readFileSync(join(runDir, path))).digest("hex");
    }
  };
  walk("");
  const manifest = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as Record<string, unknown>;
  for (const f of VOLATILE_MANIFEST_FIELDS) delete manifest[f];
  out["run.json"] = createHash("sha256").update(JSON.stringify(manifest)).digest("hex");
  return out;
}

describe("worker threads", () => {
  it("give byte-identical outputs with --workers 0, 1, 2 and 3", async () => {
    const digests: Record<string, string>[] = [];
    for (const workers of ["0", "1", "2", "3"]) {
      const out = join(dir.path, `w${workers}`);
      const r = await runCli(["run", scenarioFile, "--out", out, "--events", "--quiet", "--workers", workers]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      digests.push(digest(out));
    }
    expect(Object.keys(digests[0]!).filter((f) => f.startsWith("events/"))).toHaveLength(5);
    for (const d of digests.slice(1)) expect(d).toEqual(digests[0]);
  });

  it("runs sharing one pool (as compare's replications do) give the same bytes, and leave the pool open", async () => {
    const pool = new ShardPool(2);
    try {
      for (const seed of [11, 12]) {
        const loaded = loadScenario(scenarioFile, { seed });
        const shared = join(dir.path, `shared-${seed}`);
        const own = join(dir.path, `own-${seed}`);
        await runScenario(loaded, { outDir: shared, events: true, report: false, pool });
        await runScenario(loaded, { outDir: own, events: true, report: false, workers: 2 });
        expect(digest(shared)).toEqual(digest(own));
      }
      // Still usable after both runs: the runs did not close the caller's pool.
      expect(pool.piscina.completed).toBe(10);
    } finally {
      await pool.close();
    }
  });

  it("reports every shard-day's progress, the last of each shard too, however soon its result comes", async () => {
    // Many short shards: a shard's result often overtakes its last days' messages.
    const shortShards = join(dir.path, "short-shards.yaml");
    writeFileSync(shortShards, stringify({ ...SCENARIO, name: "short-shards", simulation: { days: 3, shardUsers: 40 }, population: { users: 1200 } }));
    const pool = new ShardPool(2);
    try {
      for (let round = 0; round < 3; round++) {
        const progress = { done: 0, total: -1, events: 0 };
        const onProgress = (done: number, total: number, events: number) => Object.assign(progress, { done, total, events });
        const { manifest } = await runScenario(loadScenario(shortShards), { outDir: join(dir.path, `short-shards-${round}`), events: false, report: false, pool, onProgress });
        expect(progress).toEqual({ done: 30 * 3, total: 30 * 3, events: manifest.events.total });
      }
    } finally {
      await pool.close();
    }
  });

  it.each(["0", "2"])("a failure injected in one shard (--workers %s) exits 1, names the shard and leaves no directory", async (workers) => {
    const out = join(dir.path, `failed-${workers}`);
    process.env[FAIL_SHARD_ENV] = "3";
    try {
      const r = await runCli(["run", scenarioFile, "--out", out, "--events", "--quiet", "--workers", workers]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/shard 3 \(users 750–999\) failed: injected failure/);
    } finally {
      delete process.env[FAIL_SHARD_ENV];
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.path).filter((f) => f.startsWith(`.failed-${workers}`))).toEqual([]);
  });

  it("a worker that dies (--workers 2) fails the run: exit 1, the shard named, no directory", async () => {
    const out = join(dir.path, "died");
    // Shard 1 is the second worker's first task, taken before it has compiled anything
    // (a worker torn down mid-compile can abort Node 20: see ShardPool).
    process.env[FAIL_SHARD_ENV] = "1:exit";
    try {
      const r = await runCli(["run", scenarioFile, "--out", out, "--events", "--quiet", "--workers", "2"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/shard 1 \(users 250–499\) failed: .*exit.*70/);
    } finally {
      delete process.env[FAIL_SHARD_ENV];
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.path).filter((f) => f.startsWith(".died"))).toEqual([]);
  });

  it("a failing shard stops the shards still running at their next day end, and the run waits for them", async () => {
    const long = join(dir.path, "long.yaml");
    // A year, so shard 0 cannot finish before shard 1 has started and failed, however
    // slowly shard 1's worker starts on a busy machine.
    const DAYS = 365;
    writeFileSync(long, stringify({ ...SCENARIO, name: "long", simulation: { days: DAYS, shardUsers: 2000 }, population: { users: 4000 } }));
    const loaded = loadScenario(long);
    const specs = planShards(4000, 2000);
    const days = new Map<number, number>();
    process.env[FAIL_SHARD_ENV] = "1";
    const pool = new ShardPool(2);
    try {
      const run = runShardsInPool(
        pool,
        specs,
        () => ({ scenario: loaded.scenario, scenarioSha256: loaded.sha256, eventsDir: null, batchRows: 4096, counterfactual: { removedChannel: -1 } }),
        (spec) => days.set(spec.index, (days.get(spec.index) ?? 0) + 1),
        () => {},
      );
      await expect(run).rejects.toThrow(/shard 1 \(users 2000–3999\) failed: injected failure/);
      // Both tasks ended inside their workers before the run gave up (nothing was
      // terminated: the pool is still open).
      expect(pool.piscina.completed).toBe(2);
    } finally {
      delete process.env[FAIL_SHARD_ENV];
      await pool.close();
    }
    // Shard 0 ran alongside and was stopped before its end.
    expect(days.get(0) ?? 0).toBeLessThan(DAYS);
  });

  /** `zhongcao run` on a long scenario in a child process, once its temp directory exists. */
  async function startLongRun(name: string, shardUsers: number, workers: number, events = true) {
    const out = join(dir.path, name);
    const file = join(dir.path, `${name}.yaml`);
    writeFileSync(file, stringify({ ...SCENARIO, name, population: { users: 20_000 }, simulation: { days: 60, shardUsers } }));
    const child = spawn(process.execPath, ["bin/zhongcao.js", "run", file, "--out", out, ...(events ? ["--events"] : []), "--workers", String(workers), "--quiet"], {
      stdio: ["ignore", "pipe", "pipe"],
      // Short as these runs are, one filling every core starts itself again (see src/cli/relaunch.ts).
      env: { ...process.env, ZHONGCAO_RELAUNCH: "always" },
    });
    const output = { stderr: "" };
    child.stderr.on("data", (c: Buffer) => (output.stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    const leftovers = () => readdirSync(dir.path).filter((f) => f.startsWith(`.${name}`));
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (leftovers().length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
      // A run that ends before its temp directory exists (bad input, say) fails the test at once.
      void exited.then(({ code, signal }) => {
        clearInterval(poll);
        reject(new Error(`the run ended before it started writing (code ${code}, signal ${signal}): ${output.stderr}`));
      });
    });
    return { child, out, output, exited, leftovers };
  }

  // `cores` workers fill every core, so that run goes on in a relaunched child (see src/cli/relaunch.ts).
  it.each([1, CORES])("Ctrl-C stops the run (--workers %i), exits 1 and leaves nothing half-written", async (workers) => {
    const run = await startLongRun(`interrupted-${workers}`, 2000, workers);
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(1);
    expect(run.output.stderr).toContain("interrupted");
    expect(existsSync(run.out)).toBe(false);
    expect(run.leftovers()).toEqual([]);
  });

  it.each(["SIGTERM", "SIGHUP"] as const)("%s stops at once, by the signal, and leaves nothing half-written", async (signal) => {
    const run = await startLongRun(`killed-${signal.toLowerCase()}`, 2000, 1);
    run.child.kill(signal);
    expect((await run.exited).signal).toBe(signal);
    expect(run.output.stderr).toContain("stopped at once and nothing was written");
    expect(existsSync(run.out)).toBe(false);
    expect(run.leftovers()).toEqual([]);
  });

  it("Ctrl-C stops an inline run (--workers 0) between days, not after its last shard", async () => {
    // Without --events nothing in a shard waits on I/O, so only the pipeline's own turn between days lets the signal in.
    const run = await startLongRun("inline", 2000, 0, false);
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(1);
    const [, done, total] = /interrupted after (\d+) of (\d+) shard-days/.exec(run.output.stderr) ?? [];
    expect(Number(total)).toBe(600);
    expect(Number(done)).toBeLessThan(Number(total));
    expect(existsSync(run.out)).toBe(false);
    expect(run.leftovers()).toEqual([]);
  });

  it.each([1, CORES])("a second Ctrl-C (--workers %i) stops at once, by the signal, and still leaves nothing behind", async (workers) => {
    const run = await startLongRun(`twice-${workers}`, Math.floor(20_000 / workers), workers);
    // The second Ctrl-C as soon as the first is taken: the run cannot end that fast, since
    // it waits out the pool's compiler grace period (250 ms) after the stopped shard.
    run.child.stderr.on("data", () => {
      if (run.output.stderr.includes("Ctrl-C again")) run.child.kill("SIGINT");
    });
    run.child.kill("SIGINT");
    expect((await run.exited).signal).toBe("SIGINT");
    expect(run.output.stderr).toContain("stopped at once");
    expect(existsSync(run.out)).toBe(false);
    expect(run.leftovers()).toEqual([]);
  });
});

describe("a run whose workers fill every core", () => {
  /** One shard per core at least, so `--workers CORES` is not capped below the core count. */
  const many = join(dir.path, "many.yaml");
  writeFileSync(many, stringify({ ...SCENARIO, name: "many", simulation: { days: 6, shardUsers: 100 }, population: { users: Math.max(600, 100 * CORES) } }));

  /** The built CLI in a child process, as a user starts it; runs this short relaunch only when told to. */
  function spawnCli(args: string[], env: NodeJS.ProcessEnv = { ...process.env, ZHONGCAO_RELAUNCH: "always" }) {
    const child = spawn(process.execPath, ["bin/zhongcao.js", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    const output = { stdout: "", stderr: "" };
    child.stdout.on("data", (c: Buffer) => (output.stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output.stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    return { child, output, exited };
  }

  it("starts itself again without V8's helper threads, and writes the same bytes as an inline run", async () => {
    const inline = join(dir.path, "many-inline");
    expect((await runCli(["run", many, "--out", inline, "--events", "--quiet", "--workers", "0"])).code).toBe(0);
    const full = join(dir.path, "many-full");
    const run = spawnCli(["run", many, "--out", full, "--events", "--json", "--workers", String(CORES)]);
    expect((await run.exited).code).toBe(0);
    const printed = JSON.parse(run.output.stdout) as { timing: { v8HelperThreads: boolean } };
    expect(printed.timing.v8HelperThreads).toBe(false);
    expect(digest(full)).toEqual(digest(inline));
  });

  it.skipIf(process.platform === "win32")("runs a scenario read from a pipe: the run started again gets the bytes its launcher read", async () => {
    const out = join(dir.path, "many-stdin");
    // A shell pipe, as a user writes it (Node's own stdio pipes are sockets, which /dev/stdin cannot open).
    const child = spawn("/bin/sh", ["-c", 'cat "$0" | "$1" bin/zhongcao.js run /dev/stdin --out "$2" --json --workers "$3"', many, process.execPath, out, String(CORES)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ZHONGCAO_RELAUNCH: "always" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { timing: { v8HelperThreads: boolean }; scenario: { sha256: string }; events: { total: number } };
    expect(printed.timing.v8HelperThreads).toBe(false);
    expect(printed.scenario.sha256).toBe(createHash("sha256").update(readFileSync(many)).digest("hex"));
    expect(printed.events.total).toBeGreaterThan(0);
  });

  it.skipIf(CORES < 2)("a run with a core to spare keeps V8's helper threads", async () => {
    const run = spawnCli(["run", many, "--out", join(dir.path, "many-spare"), "--json", "--workers", String(CORES - 1)]);
    expect((await run.exited).code).toBe(0);
    expect((JSON.parse(run.output.stdout) as { timing: { v8HelperThreads: boolean } }).timing.v8HelperThreads).toBe(true);
  });

  it("stays in its own process under a profiler, however node's option is spelt, and reads --single_threaded as --single-threaded", () => {
    const profiles = join(dir.path, "profiles");
    const helpers = (nodeOptions: string[], workers: number) => {
      const r = spawnSync(process.execPath, [...nodeOptions, "bin/zhongcao.js", "run", many, "--out", join(dir.path, "many-profiled"), "--json", "--workers", String(workers)], {
        encoding: "utf8",
        env: { ...process.env, ZHONGCAO_RELAUNCH: "always" },
      });
      expect(r.status).toBe(0);
      return (JSON.parse(r.stdout) as { timing: { v8HelperThreads: boolean } }).timing.v8HelperThreads;
    };
    // Relaunched, the run would say its helper threads were off.
    expect(helpers(["--cpu_prof", `--cpu-prof-dir=${profiles}`], CORES)).toBe(true);
    expect(readdirSync(profiles).length).toBeGreaterThan(0);
    expect(helpers(["--single_threaded"], 1)).toBe(false);
    expect(v8HelperThreads(["--single_threaded"])).toBe(false);
    expect(nodeOptionName("--cpu_prof_dir=/a_b")).toBe("--cpu-prof-dir=/a_b");
  });

  it("stays in its own process when the run is too short to pay for starting again", async () => {
    const run = spawnCli(["run", many, "--out", join(dir.path, "many-short"), "--json", "--workers", String(CORES)], process.env);
    expect((await run.exited).code).toBe(0);
    expect((JSON.parse(run.output.stdout) as { timing: { v8HelperThreads: boolean } }).timing.v8HelperThreads).toBe(true);
  });

  it("bad input exits 2 before anything starts again, and a failing shard's exit 1 comes through", async () => {
    // A scenario the action's own check rejects (not the option parser, which runs before any relaunch could).
    const badFile = join(dir.path, "bad.yaml");
    writeFileSync(badFile, stringify({ ...SCENARIO, population: { users: -5 } }));
    const bad = spawnCli(["run", badFile, "--out", join(dir.path, "many-bad"), "--workers", String(CORES)]);
    expect((await bad.exited).code).toBe(2);
    expect(bad.output.stderr).toMatch(/population\.users/);
    expect(bad.output.stderr.match(/zhongcao:/g)).toHaveLength(1);
    const odd = spawnCli(["run", many, "--out", join(dir.path, "many-odd"), "--workers", String(CORES)], { ...process.env, ZHONGCAO_RELAUNCH: "sometimes" });
    expect((await odd.exited).code).toBe(2);
    expect(odd.output.stderr).toMatch(/ZHONGCAO_RELAUNCH must be auto, never or always/);
    const out = join(dir.path, "many-failed");
    const failed = spawnCli(["run", many, "--out", out, "--quiet", "--workers", String(CORES)], { ...process.env, ZHONGCAO_RELAUNCH: "always", [FAIL_SHARD_ENV]: "2" });
    expect((await failed.exited).code).toBe(1);
    expect(failed.output.stderr).toMatch(/shard 2 \(users 200–299\) failed: injected failure/);
    expect(existsSync(out)).toBe(false);
  });

  it("run --threshold works through the relaunch: the probe's exit 2 and the gate's exit 3 come through, the verdicts in run.json", async () => {
    const unknown = spawnCli(["run", many, "--out", join(dir.path, "many-unknown"), "--quiet", "--workers", String(CORES), "--threshold", "purchases.treu>0"]);
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.output.stderr).toContain("purchases.treu: not a metric a run reports (near it: purchases.true, ");
    expect(existsSync(join(dir.path, "many-unknown"))).toBe(false);
    const out = join(dir.path, "many-gated");
    const gated = spawnCli(["run", many, "--out", out, "--json", "--workers", String(CORES), "--threshold", "purchases.true<0"]);
    expect((await gated.exited).code).toBe(3);
    expect(gated.output.stderr).toBe("zhongcao: 1 threshold(s) failed: purchases.true<0\n");
    const manifest = JSON.parse(gated.output.stdout) as { timing: { v8HelperThreads: boolean }; thresholds: { ok: boolean }[] };
    expect(manifest.timing.v8HelperThreads).toBe(false);
    expect(manifest.thresholds.map((v) => v.ok)).toEqual([false]);
    expect(existsSync(join(out, "run.json"))).toBe(true);
  });

  it("stops and leaves nothing behind when its launcher is killed", async () => {
    const long = join(dir.path, "orphan.yaml");
    writeFileSync(long, stringify({ ...SCENARIO, name: "orphan", simulation: { days: 60, shardUsers: 2000 }, population: { users: 2000 * CORES } }));
    const out = join(dir.path, "orphan");
    const leftovers = () => readdirSync(dir.path).filter((f) => f.startsWith(".orphan"));
    const run = spawnCli(["run", long, "--out", out, "--events", "--quiet", "--workers", String(CORES)]);
    await until(() => leftovers().length > 0);
    // SIGKILL leaves the launcher no chance to pass anything on: the run sees its launcher go.
    run.child.kill("SIGKILL");
    expect((await run.exited).signal).toBe("SIGKILL");
    await until(() => leftovers().length === 0);
    expect(existsSync(out)).toBe(false);
    // The run says why it stopped; nobody pressed Ctrl-C.
    await until(() => run.output.stderr.includes("interrupted"));
    expect(run.output.stderr).toContain("zhongcao: the process that started this run ended; stopping at the next day end\n");
    expect(run.output.stderr).not.toContain("Ctrl-C again");
  });
});

/** Resolves once `done()` holds, polling every 20 ms. */
function until(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (done()) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
}
