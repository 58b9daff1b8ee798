import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { validateScenario } from "../../../src/config/load.js";
import { builtInModelNames } from "../../../src/engines/attribution/index.js";
import { NOTE_MODELS, type AttributionAccuracy, type JourneyCounts } from "../../../src/engines/attribution/stream/index.js";
import type { RunManifest } from "../../../src/report/manifest.js";
import { runScenario } from "../../../src/run/runScenario.js";

/**
 * Two shards, with ad load and Red Cat eligibility raised so that some purchases are observed,
 * and alliance matching, whose rows engines see without click id and route.
 */
const SCENARIO = {
  name: "attribution-small",
  seed: 11,
  simulation: { days: 20, shardUsers: 1000 },
  population: { users: 2000 },
  creators: { count: 300 },
  brands: { count: 25 },
  notes: { count: 1500 },
  behaviour: { adLoad: 0.3, adCtr: 0.1 },
  policy: { type: "redcat", redcat: { windowDays: 15, minDailyBudgetYuan: 1000, minExperienceScore: 4.2 }, alliance: { sampleRate: 0.5, windowDays: 30 } },
};

let dir: string;
let runDir: string;
let accuracy: AttributionAccuracy & { settings: unknown };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zhongcao-attribution-run-"));
  runDir = join(dir, "run");
  const scenario = validateScenario(SCENARIO, "test");
  await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: runDir, events: true, workers: 0 });
  const manifest = JSON.parse(await readFile(join(runDir, "run.json"), "utf8")) as RunManifest;
  accuracy = manifest.accuracy.attribution as typeof accuracy;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rowsOf(file: string): Promise<Record<string, unknown>[]> {
  return tableFromIPC(await readFile(join(runDir, file)))
    .toArray()
    .map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
}

/** `cli`, with what it wrote to stderr. */
async function stderrOf(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stderr = "";
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { ...(await cli(argv)), stderr };
  } finally {
    err.mockRestore();
  }
}

async function cli(argv: readonly string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout };
  } finally {
    out.mockRestore();
  }
}

interface CliReport {
  models: Record<string, { conversions: Record<string, number>; unattributed?: { conversions: number } }>;
  totals: { conversions: number };
  journeys: JourneyCounts;
}

describe("attribution inside zhongcao run", () => {
  it("scores every built-in model in run.json with a finite channel-share MAE in [0, 2]", () => {
    expect(Object.keys(accuracy.models)).toEqual(builtInModelNames());
    for (const model of Object.values(accuracy.models)) {
      expect(Number.isFinite(model.channelShareMAE)).toBe(true);
      expect(model.channelShareMAE).toBeGreaterThanOrEqual(0);
      expect(model.channelShareMAE).toBeLessThanOrEqual(2);
      expect(model.trueConversions).toBe(accuracy.trueConversions);
      expect(model.conversionsCredited).toBeLessThanOrEqual(accuracy.journeyConversions + 1e-9);
    }
    expect(accuracy.journeyConversions).toBeGreaterThan(0);
    expect(accuracy.observedConversions).toBe(accuracy.journeyConversions + accuracy.untouchedConversions + accuracy.lateConversions);
    expect(accuracy.trueConversions).toBeGreaterThan(accuracy.observedConversions);
  });

  it("writes credit per model and channel summing to the journeys' conversions", async () => {
    const rows = await rowsOf("attribution.arrow");
    for (const model of builtInModelNames()) {
      const total = rows.filter((r) => r.model === model).reduce((sum, r) => sum + (r.conversions as number), 0);
      expect(total).toBeCloseTo(accuracy.journeyConversions, 9);
    }
  });

  it("writes accuracy rows whose mean share error is the model's MAE", async () => {
    const rows = await rowsOf("attribution_accuracy.arrow");
    for (const [model, summary] of Object.entries(accuracy.models)) {
      const errors = rows.filter((r) => r.model === model).map((r) => r.shareError as number);
      expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeCloseTo(summary.channelShareMAE!, 12);
    }
  });

  it("breaks per-touch models down by note, never crediting more than the model did", async () => {
    const rows = await rowsOf("attribution_notes.arrow");
    expect(rows.length).toBeGreaterThan(0);
    for (const model of NOTE_MODELS) {
      const total = rows.filter((r) => r.model === model).reduce((sum, r) => sum + (r.conversions as number), 0);
      expect(total).toBeLessThanOrEqual(accuracy.models[model]!.conversionsCredited + 1e-9);
    }
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(NOTE_MODELS));
  });
});

describe("zhongcao attribute on events", () => {
  it("rebuilds from a run directory exactly the journeys and credit of the run, cid with the run's window", async () => {
    // The run's 15-day passback window is recorded in its parts: no --window-days needed.
    const { code, stdout } = await cli(["attribute", runDir, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as CliReport;
    expect(Object.keys(report.models)).toEqual(builtInModelNames());
    expect(report.journeys.observedConversions).toBe(accuracy.observedConversions);
    expect(report.journeys.nullJourneys).toBe(accuracy.nullJourneys);
    for (const row of await rowsOf("attribution.arrow")) {
      const credit = report.models[row.model as string]!;
      const conversions = row.channel === "unattributed" ? credit.unattributed!.conversions : credit.conversions[row.channel as string];
      expect(conversions).toBe(row.conversions);
    }
  });

  it("refuses a look-back shorter than the run's cid window, unless cid's window is given", async () => {
    let stderr = "";
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      expect((await cli(["attribute", runDir, "--lookback-days", "10"])).code).toBe(2);
      expect(stderr).toContain(`--lookback-days: the run's cid window (recorded in ${runDir}) of 15 days is longer than the look-back (10 days)`);
      // The window the run recorded is the one checked, not cid's default of 7 days.
      expect((await cli(["attribute", runDir, "--lookback-days", "5"])).code).toBe(2);
      expect(stderr).not.toContain("default window");
      expect((await cli(["attribute", runDir, "--lookback-days", "10", "--window-days", "10"])).code).toBe(0);
    } finally {
      err.mockRestore();
    }
  });

  it("reads a single part file, and a shorter look-back leaves no more conversions on paths", async () => {
    const part = join(runDir, "events", "part-00000.arrow");
    const full = JSON.parse((await cli(["attribute", part, "--json"])).stdout) as CliReport;
    const { code, stdout } = await cli(["attribute", part, "--json", "--lookback-days", "3", "--models", "linear"]);
    expect(code).toBe(0);
    const short = JSON.parse(stdout) as CliReport;
    expect(Object.keys(short.models)).toEqual(["linear"]);
    expect(short.journeys.observedConversions).toBe(full.journeys.observedConversions);
    // Touches older than three days before an order fall off its path: fewer touches, some orders left with none.
    expect(short.journeys.touches).toBeLessThan(full.journeys.touches);
    expect(short.journeys.expiredTouches).toBeGreaterThan(full.journeys.expiredTouches);
    expect(short.totals.conversions).toBeLessThan(full.totals.conversions);
    // Known by its magic bytes whatever its name, not taken for a path CSV.
    const renamed = join(runDir, "..", "part-without-extension");
    await copyFile(part, renamed);
    const same = await cli(["attribute", renamed, "--json"]);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toEqual(full);
  });

  it("refuses, naming file and rows, a part edited to hold rows no run writes, instead of failing inside or dropping them", async () => {
    const part = join(runDir, "events", "part-00000.arrow");
    const table = tableFromIPC(await readFile(part));
    /** Sets a row's stored value (a dictionary column's index) in whichever batch holds it. */
    const set = (name: string, row: number, to: number) => {
      let first = 0;
      for (const data of table.getChild(name)!.data) {
        if (row < first + data.length) {
          (data.values as Uint8Array | Uint32Array | Float32Array)[data.offset + row - first] = to;
          return;
        }
        first += data.length;
      }
    };
    const kinds = table.getChild("kind")!.toArray() as string[];
    const observed = table.getChild("observed")!.toArray() as Uint8Array;
    const purchases = kinds.flatMap((k, i) => (k === "purchase" && observed[i]! > 0 ? [i] : []));
    const read = kinds.findIndex((k, i) => k === "read" && observed[i]! > 0);
    expect(purchases.length).toBeGreaterThanOrEqual(2);
    set("brand", purchases[0]!, 4_000_000_000);
    set("value", purchases[1]!, Number.NaN);
    set("kind", read, 250);
    const edited = join(dir, "edited-part.arrow");
    await writeFile(edited, tableToIPC(table, "file"));
    let stderr = "";
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      const { code, stdout } = await cli(["attribute", edited, "--json"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
    } finally {
      err.mockRestore();
    }
    expect(stderr).toBe(
      [
        `zhongcao: ${edited}: holds rows zhongcao does not write`,
        `  - row ${read}: kind: not an event kind zhongcao writes (a label it does not know, or an index outside the dictionary)`,
        `  - row ${purchases[0]}: brand 4000000000: beyond the 2097152 brands a journey key holds`,
        `  - row ${purchases[1]}: value NaN: a purchase's value is a finite amount ≥ 0`,
        "",
      ]
        .sort((a, b) => (a.startsWith("  - row") && b.startsWith("  - row") ? Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]) : 0))
        .join("\n"),
    );
  });

  it("refuses parts that overlap (a copied part), come from different runs or leave out a shard, instead of counting events twice or too few", async () => {
    const parts = join(dir, "copied");
    await mkdir(parts);
    await copyFile(join(runDir, "events", "part-00000.arrow"), join(parts, "part-00000.arrow"));
    await copyFile(join(runDir, "events", "part-00000.arrow"), join(parts, "part-00001.arrow"));
    const copied = await stderrOf(["attribute", parts, "--json"]);
    expect(copied.code).toBe(2);
    expect(copied.stdout).toBe("");
    expect(copied.stderr).toMatch(/part-00001\.arrow: holds users \d+–\d+, which overlap .*part-00000\.arrow \(users \d+–\d+\); the parts of a run hold disjoint users/);

    const other = join(dir, "other-seed");
    await runScenario({ path: "test", sha256: "0".repeat(64), scenario: validateScenario({ ...SCENARIO, seed: 12, simulation: { days: 2, shardUsers: 1000 } }, "test") }, { outDir: other, events: true, workers: 0, report: false });
    const mixed = join(dir, "mixed");
    await mkdir(mixed);
    await copyFile(join(runDir, "events", "part-00000.arrow"), join(mixed, "part-00000.arrow"));
    await copyFile(join(other, "events", "part-00001.arrow"), join(mixed, "part-00001.arrow"));
    const fromTwoRuns = await stderrOf(["attribute", mixed]);
    expect(fromTwoRuns.code).toBe(2);
    expect(fromTwoRuns.stderr).toContain("part-00001.arrow: from another run than");
    expect(fromTwoRuns.stderr).toContain("  - this part: scenario 000000000000…, seed 12, users 2000, days 2, shard users 1000, removed channel none\n");

    // The same file and seed, shortened with --days or with a channel removed, is another run too.
    const shorter = join(dir, "shorter");
    await runScenario({ path: "test", sha256: "0".repeat(64), scenario: validateScenario({ ...SCENARIO, simulation: { days: 2, shardUsers: 1000 } }, "test") }, { outDir: shorter, events: true, workers: 0, report: false, removeChannel: "ad" });
    await copyFile(join(shorter, "events", "part-00001.arrow"), join(mixed, "part-00001.arrow"));
    const shortened = await stderrOf(["attribute", mixed]);
    expect(shortened.code).toBe(2);
    expect(shortened.stderr).toContain(
      "  - this part: scenario 000000000000…, seed 11, users 2000, days 2, shard users 1000, removed channel ad\n  - that part: scenario 000000000000…, seed 11, users 2000, days 20, shard users 1000, removed channel none\n",
    );

    // The run's own parts pass: they hold disjoint users.
    expect((await cli(["attribute", join(runDir, "events"), "--json", "--models", "linear"])).code).toBe(0);

    // A directory of a run with a part missing is refused; the part alone is attributed.
    const partial = join(dir, "partial");
    await mkdir(partial);
    await copyFile(join(runDir, "events", "part-00001.arrow"), join(partial, "part-00001.arrow"));
    const missing = await stderrOf(["attribute", partial, "--models", "linear"]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain(`${partial}: the run had 2 shards, and parts are missing; attribute all the parts of a run, or name one part file\n  - missing: part-00000.arrow\n`);
    expect((await cli(["attribute", join(partial, "part-00001.arrow"), "--models", "linear"])).code).toBe(0);
  });

  it("in a run directory, reads only parts that are still the files run.json lists", async () => {
    const copy = join(dir, "run-copy");
    await cp(runDir, copy, { recursive: true });
    const whole = await cli(["attribute", copy, "--json", "--models", "linear"]);
    expect(whole.code).toBe(0);

    // One purchase's value edited: every other check passes the file, and it would change the totals.
    const part = join(copy, "events", "part-00001.arrow");
    const table = tableFromIPC(await readFile(part));
    const kinds = table.getChild("kind")!.toArray() as string[];
    const purchase = kinds.indexOf("purchase");
    expect(purchase).toBeGreaterThanOrEqual(0);
    let first = 0;
    for (const data of table.getChild("value")!.data) {
      if (purchase < first + data.length) (data.values as Float32Array)[data.offset + purchase - first]! += 1;
      first += data.length;
    }
    await writeFile(part, tableToIPC(table, "file"));
    // `${copy}/events/.` as typed from inside the events directory (join would normalise the dot away).
    for (const input of [copy, join(copy, "events"), `${join(copy, "events")}/.`]) {
      const rewritten = await stderrOf(["attribute", input, "--models", "linear"]);
      expect(rewritten.code).toBe(2);
      expect(rewritten.stdout).toBe("");
      expect(rewritten.stderr).toMatch(
        new RegExp(`${part}: not the file the run wrote \\(run.json lists ${table.numRows} rows, sha256 [0-9a-f]{12}…; the file has ${table.numRows} rows, sha256 [0-9a-f]{12}…\\); re-run, or name this part file alone`),
      );
    }
    // Named alone, the part is read as it is.
    expect((await cli(["attribute", part, "--models", "linear"])).code).toBe(0);

    // A part the run did not write, copied in beside its own.
    await copyFile(join(runDir, "events", "part-00001.arrow"), part);
    await copyFile(join(runDir, "events", "part-00001.arrow"), join(copy, "events", "part-00002.arrow"));
    const extra = await stderrOf(["attribute", copy, "--models", "linear"]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain(`${join(copy, "events", "part-00002.arrow")}: not among the outputs ${join(copy, "run.json")} lists (copied in?)`);
  });
});
